#pragma once

#include "api/ApiClient.h"
#include "api/ApiError.h"
#include "api/ApiReply.h"
#include "contracts/ContractQuery.h"
#include "export/CsvWriter.h"
#include "export/ExportProgress.h"
#include "export/RecordPicker.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QUrl>
#include <QVector>

#include <functional>
#include <memory>
#include <optional>

class QIODevice;
class QSaveFile;

namespace tango {

class ApiClient;
class Clock;

// Writes contracts to a CSV file as they arrive, one page at a time, so memory stays flat
// however many rows there are. Three sources:
//  - a query: walks /api/contracts/ from its first page following the body's cursor (every
//    request goes through the ApiClient, hence through its pacer and ApiReply's retries);
//  - a list of contract keys: fetched through the list endpoint's `key` filter, a page of keys
//    per request, written in the order given (exact values for "rows loaded now/selected");
//  - records handed in by the caller (a list or a row provider): no request at all.
// The file is written through QSaveFile: it appears at the destination only when complete.
// After a failure the partial file stays open and resume() continues from the last page
// written, so the finished file has every row once. cancel() discards it.
class ExportJob : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Idle,
        Running,
        Failed,
        Cancelled,
        Finished
    };
    Q_ENUM(State)
    enum class Failure
    {
        None,
        Api,
        Write
    };
    enum class Header
    {
        None,
        Titles,
        Paths
    };

    // Returns the next record, or nullopt when there are no more.
    using RowProvider = std::function<std::optional<QJsonObject>()>;

    explicit ExportJob(QObject *parent = nullptr);
    ~ExportJob() override;

    // --- source (set one) ---
    void setApiClient(ApiClient *client);
    ApiClient *apiClient() const { return m_client; }
    // Walks this query (its search, filters and ordering; fields and limit are set by the job).
    void setQuery(const ContractQuery &query);
    // Fetches these contracts by key, in this order. Keys the server no longer knows are skipped.
    void setKeys(const QStringList &keys);
    void setRecords(const QVector<QJsonObject> &records);
    void setRowProvider(RowProvider provider, std::optional<qint64> expectedRows = {});

    // --- what to write ---
    // Field paths ("key", "piid", "recipient.display_name"); empty: ContractFields defaults
    // with key first.
    void setColumns(const QStringList &paths);
    QStringList columns() const;
    void setHeader(Header h) { m_header = h; }
    void setDelimiter(QChar c) { m_delimiter = c; }
    void setBom(bool on) { m_bom = on; }
    void setFormulaGuard(bool on) { m_formulaGuard = on; }
    void setLineEnding(CsvWriter::LineEnding e) { m_lineEnding = e; }
    // At most this many data rows; 0 for no limit.
    void setMaxRows(qint64 rows) { m_maxRows = qMax<qint64>(0, rows); }
    qint64 maxRows() const { return m_maxRows; }
    // Rows per request, 1..100.
    void setPageSize(int rows);
    int pageSize() const { return m_pageSize; }
    // After ApiReply has spent its own retries on a transient error, the job tries the same
    // page again this many times, waiting `delayMs` (doubling) before each.
    void setPageRetries(int retries, qint64 delayMs = 2000);

    // --- where ---
    void setOutputPath(const QString &path);
    QString outputPath() const { return m_path; }
    // Writes into this device instead of a file (not owned; must be open for writing). Cancel
    // and failure cannot take back what the device already got.
    void setOutputDevice(QIODevice *device);

    // Opens the output and begins. False (with failed() emitted) when it cannot even start.
    bool start();
    // Stops at once; the partial file is discarded and nothing is left at the destination.
    void cancel();
    // After a failure: continues from the page after the last one written.
    bool canResume() const;
    bool resume();

    State state() const { return m_state; }
    bool isRunning() const { return m_state == State::Running; }
    ExportProgress progress() const { return m_progress; }
    Failure failure() const { return m_failure; }
    ApiError lastError() const { return m_error; } // for Failure::Api
    QString errorString() const { return m_errorString; }

    // The title a column gets in a "titles" header (the path itself for unknown fields).
    static QString columnTitle(const QString &path);
    static QStringList defaultColumns();

Q_SIGNALS:
    void stateChanged(tango::ExportJob::State state);
    void progressChanged(const tango::ExportProgress &progress);
    // A request is held back: seconds to wait and why. 0 seconds when the wait is over.
    void waiting(qint64 seconds, tango::ApiReply::WaitReason reason, const QString &why);
    // The server's list carried warnings (e.g. an agency filter token that matched nothing).
    void warnings(const QStringList &warnings);
    void finished(const QString &path);
    // Resumable when canResume(); `message` is one translated line.
    void failed(const QString &message);
    void cancelled();

private:
    enum class Source
    {
        None,
        Query,
        Keys,
        Records
    };

    bool openOutput();
    void discardOutput();
    void setState(State s);
    void requestNext();
    void onPage(const ListPage &page);
    void onReplyFailed(const ApiError &error);
    void onWaiting(qint64 seconds, ApiReply::WaitReason reason, const QString &why);
    void writeRecordChunk();
    bool writeRecord(const QJsonObject &record);
    bool writeCells(); // m_cells, read by m_picker
    bool flushOutput();
    void complete();
    void failApi(const ApiError &error);
    void failWrite(const QString &why);
    void clearReply();
    void cancelTimer();
    void updateElapsed();
    void emitProgress();
    bool limitReached() const { return m_maxRows > 0 && m_progress.rowsWritten >= m_maxRows; }
    int nextRequestSize() const;
    QStringList keysChunk() const;
    Clock *clock() const;

    Source m_source = Source::None;
    QPointer<ApiClient> m_client;
    ContractQuery m_query;
    QStringList m_keys;
    int m_keyIndex = 0; // first key not yet written
    RowProvider m_provider;
    std::optional<qint64> m_expectedRecords;

    QStringList m_columns;
    QVector<CsvWriter::Column> m_csvColumns;
    RecordPicker m_picker;       // reads query pages straight from the received text
    QVector<QJsonValue> m_cells; // one record's values, reused
    Header m_header = Header::Paths;
    QChar m_delimiter = QLatin1Char(',');
    bool m_bom = false;
    bool m_formulaGuard = false;
    CsvWriter::LineEnding m_lineEnding = CsvWriter::LineEnding::CRLF;
    qint64 m_maxRows = 0;
    int m_pageSize = ContractQuery::kMaxLimit;
    int m_pageRetries = 2;
    qint64 m_pageRetryDelayMs = 2000;

    QString m_path;
    QPointer<QIODevice> m_externalDevice;
    std::unique_ptr<QSaveFile> m_file;
    std::unique_ptr<CsvWriter> m_writer;

    // Where the walk stands: the page after the last one written.
    bool m_firstPageDone = false;
    QString m_nextCursor;
    QUrl m_nextUrl;

    QPointer<ApiReply> m_reply;
    quint64 m_timer = 0;
    int m_retriesUsed = 0; // page-level retries for the current page
    State m_state = State::Idle;
    Failure m_failure = Failure::None;
    ApiError m_error;
    QString m_errorString;
    ExportProgress m_progress;
    qint64 m_runStartedMs = 0;  // clock time when the current run (start/resume) began
    qint64 m_elapsedBefore = 0; // elapsed time of earlier runs
};

} // namespace tango
