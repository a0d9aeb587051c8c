#include "export/ExportJob.h"

#include "api/ApiClient.h"
#include "api/ListPage.h"
#include "contracts/ContractFields.h"
#include "util/Clock.h"
#include "util/JsonReader.h"

#include <QHash>
#include <QJsonArray>
#include <QSaveFile>

namespace tango {

namespace {
const QString kContractsPath = QStringLiteral("/api/contracts/");
}

ExportJob::ExportJob(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<tango::ExportProgress>();
    qRegisterMetaType<tango::ExportJob::State>();
}

ExportJob::~ExportJob()
{
    cancelTimer();
    clearReply();
    // Dropping the QSaveFile without commit() removes its temporary file.
    m_writer.reset();
    if (m_file)
        m_file->cancelWriting();
    m_file.reset();
}

void ExportJob::setApiClient(ApiClient *client)
{
    m_client = client;
}

void ExportJob::setQuery(const ContractQuery &query)
{
    m_source = Source::Query;
    m_query = query;
}

void ExportJob::setKeys(const QStringList &keys)
{
    m_source = Source::Keys;
    m_keys = keys;
    m_keyIndex = 0;
}

void ExportJob::setRecords(const QVector<QJsonObject> &records)
{
    auto index = std::make_shared<int>(0);
    setRowProvider(
        [records, index]() -> std::optional<QJsonObject> {
            if (*index >= records.size())
                return std::nullopt;
            return records.at((*index)++);
        },
        records.size());
}

void ExportJob::setRowProvider(RowProvider provider, std::optional<qint64> expectedRows)
{
    m_source = Source::Records;
    m_provider = std::move(provider);
    m_expectedRecords = expectedRows;
}

void ExportJob::setColumns(const QStringList &paths)
{
    m_columns.clear();
    for (const QString &p : paths) {
        const QString t = p.trimmed();
        if (!t.isEmpty())
            m_columns.append(t);
    }
}

QStringList ExportJob::columns() const
{
    return m_columns.isEmpty() ? defaultColumns() : m_columns;
}

QStringList ExportJob::defaultColumns()
{
    QStringList cols{QStringLiteral("key")};
    for (const QString &p : ContractFields::defaultColumns()) {
        if (p != QLatin1String("key"))
            cols.append(p);
    }
    return cols;
}

QString ExportJob::columnTitle(const QString &path)
{
    const ContractField *f = ContractFields::find(path);
    return f ? ContractFields::title(*f) : path;
}

void ExportJob::setPageSize(int rows)
{
    m_pageSize = qBound(1, rows, int(ContractQuery::kMaxLimit));
}

void ExportJob::setPageRetries(int retries, qint64 delayMs)
{
    m_pageRetries = qMax(0, retries);
    m_pageRetryDelayMs = qMax<qint64>(0, delayMs);
}

void ExportJob::setOutputPath(const QString &path)
{
    m_path = path;
    m_externalDevice = nullptr;
}

void ExportJob::setOutputDevice(QIODevice *device)
{
    m_externalDevice = device;
    m_path.clear();
}

Clock *ExportJob::clock() const
{
    return m_client ? m_client->clock() : Clock::system();
}

void ExportJob::setState(State s)
{
    if (m_state == s)
        return;
    m_state = s;
    Q_EMIT stateChanged(s);
}

bool ExportJob::openOutput()
{
    QIODevice *device = m_externalDevice;
    if (!device) {
        if (m_path.isEmpty()) {
            failWrite(tr("No output file was chosen."));
            return false;
        }
        m_file = std::make_unique<QSaveFile>(m_path);
        if (!m_file->open(QIODevice::WriteOnly)) {
            const QString why = m_file->errorString();
            m_file.reset();
            failWrite(tr("Cannot write to %1: %2").arg(m_path, why));
            return false;
        }
        device = m_file.get();
    } else if (!device->isWritable()) {
        failWrite(tr("The output is not open for writing."));
        return false;
    }
    m_writer = std::make_unique<CsvWriter>(device);
    if (!m_writer->setDelimiter(m_delimiter)) {
        failWrite(tr("The delimiter \"%1\" is not supported: use a comma, a semicolon or a tab.")
                      .arg(m_delimiter));
        return false;
    }
    m_writer->setBom(m_bom);
    m_writer->setFormulaGuard(m_formulaGuard);
    m_writer->setLineEnding(m_lineEnding);
    return true;
}

void ExportJob::discardOutput()
{
    m_writer.reset();
    if (m_file) {
        m_file->cancelWriting();
        m_file.reset(); // the temporary file goes with it
    }
}

bool ExportJob::start()
{
    if (m_state == State::Running)
        return false;
    // A job runs once; a failed one resumes instead.
    if (m_state != State::Idle) {
        m_errorString = tr("This export has already run.");
        return false;
    }
    if (m_source == Source::None) {
        failWrite(tr("Nothing to export."));
        return false;
    }
    if ((m_source == Source::Query || m_source == Source::Keys) && !m_client) {
        m_failure = Failure::Api;
        m_error = ApiError(ApiError::Kind::InvalidRequest);
        m_errorString = tr("No connection to the API.");
        setState(State::Failed);
        Q_EMIT failed(m_errorString);
        return false;
    }

    const QStringList cols = columns();
    m_csvColumns.clear();
    for (const QString &p : cols) {
        const ContractField *f = ContractFields::find(p);
        m_csvColumns.append({p, f ? f->type : ContractField::Type::Text});
    }
    if (m_source == Source::Query) {
        m_query.setFields(cols);
        const QStringList problems = m_query.validate();
        if (!problems.isEmpty()) {
            m_failure = Failure::Api;
            m_error = ApiError(ApiError::Kind::InvalidRequest);
            m_error.setIssues(problems);
            m_errorString = problems.join(QLatin1Char(' '));
            setState(State::Failed);
            Q_EMIT failed(m_errorString);
            return false;
        }
    }

    if (!openOutput()) {
        discardOutput();
        return false;
    }
    m_progress = ExportProgress();
    if (m_source == Source::Keys)
        m_progress.rowsExpected = m_keys.size();
    else if (m_source == Source::Records)
        m_progress.rowsExpected = m_expectedRecords;
    if (m_progress.rowsExpected && m_maxRows > 0)
        m_progress.rowsExpected = qMin(*m_progress.rowsExpected, m_maxRows);

    if (m_header != Header::None) {
        QStringList names;
        for (const QString &p : cols)
            names.append(m_header == Header::Titles ? columnTitle(p) : p);
        if (!m_writer->writeHeader(names)) {
            failWrite(m_writer->errorString());
            return false;
        }
    }

    m_firstPageDone = false;
    m_nextCursor.clear();
    m_nextUrl.clear();
    m_retriesUsed = 0;
    m_failure = Failure::None;
    m_error = ApiError();
    m_errorString.clear();
    m_elapsedBefore = 0;
    m_runStartedMs = clock()->nowMs();
    setState(State::Running);
    emitProgress();

    if (m_source == Source::Records) {
        m_timer = clock()->callAfter(0, this, [this] {
            m_timer = 0;
            writeRecordChunk();
        });
    } else {
        requestNext();
    }
    return true;
}

int ExportJob::nextRequestSize() const
{
    qint64 n = m_pageSize;
    if (m_maxRows > 0)
        n = qMin(n, m_maxRows - m_progress.rowsWritten);
    return int(qMax<qint64>(1, n));
}

QStringList ExportJob::keysChunk() const
{
    return m_keys.mid(m_keyIndex, nextRequestSize());
}

void ExportJob::requestNext()
{
    if (m_state != State::Running || !m_client)
        return;
    ApiReply *reply = nullptr;
    if (m_source == Source::Keys) {
        ContractQuery q;
        q.setFields(columns());
        const QStringList chunk = keysChunk();
        q.setFilter(QStringLiteral("key"), chunk.join(QLatin1Char('|')));
        q.setLimit(int(chunk.size()));
        reply = m_client->getList(kContractsPath, q.toUrlQuery());
    } else {
        ContractQuery q = m_query;
        q.setLimit(nextRequestSize());
        // Query pages are read from the text: a QJsonDocument per page costs more than
        // everything else an export does.
        if (!m_firstPageDone)
            reply =
                m_client->getList(kContractsPath, q.toUrlQuery(), ApiReply::Expect::RawListPage);
        else if (!m_nextCursor.isEmpty())
            reply = m_client->getList(kContractsPath, q.toUrlQuery(m_nextCursor),
                                      ApiReply::Expect::RawListPage);
        else
            reply = m_client->getUrl(m_nextUrl, ApiReply::Expect::RawListPage);
    }
    m_reply = reply;
    ++m_progress.requests;
    connect(reply, &ApiReply::pageReady, this, &ExportJob::onPage);
    connect(reply, &ApiReply::failed, this, &ExportJob::onReplyFailed);
    connect(reply, &ApiReply::waiting, this, &ExportJob::onWaiting);
    connect(reply, &ApiReply::retrying, this, [this](int, const ApiError &previous) {
        ++m_progress.retries;
        if (previous.httpStatus() == 429)
            ++m_progress.rateLimited;
    });
    connect(reply, &ApiReply::finished, reply, &QObject::deleteLater);
}

void ExportJob::onWaiting(qint64 seconds, ApiReply::WaitReason reason, const QString &why)
{
    m_progress.waitSeconds = seconds;
    m_progress.waitReason = why;
    Q_EMIT waiting(seconds, reason, why);
    emitProgress();
}

void ExportJob::onPage(const ListPage &page)
{
    if (sender() != m_reply.data() || m_state != State::Running)
        return;
    const QByteArrayView raw = m_reply->rawResults();
    m_reply = nullptr;
    m_retriesUsed = 0;
    if (m_progress.waitSeconds != 0) {
        m_progress.waitSeconds = 0;
        m_progress.waitReason.clear();
        Q_EMIT waiting(0, ApiReply::WaitReason::Pacing, QString());
    }
    if (!page.warnings().isEmpty())
        Q_EMIT warnings(page.warnings());

    const QJsonArray &results = page.results();
    bool more = false;
    if (m_source == Source::Keys) {
        // The server answers in its own order; write in the order the caller gave.
        const QStringList chunk = keysChunk();
        QHash<QString, QJsonObject> byKey;
        byKey.reserve(int(results.size()));
        for (const QJsonValue &v : results) {
            const QJsonObject o = v.toObject();
            byKey.insert(ContractFields::text(o.value(QLatin1String("key"))), o);
        }
        for (const QString &k : chunk) {
            const auto it = byKey.constFind(k);
            if (it != byKey.constEnd() && !writeRecord(*it))
                return;
        }
        m_keyIndex += int(chunk.size());
        more = m_keyIndex < m_keys.size();
    } else {
        if (!m_firstPageDone && page.count()) {
            qint64 expected = *page.count();
            if (m_maxRows > 0)
                expected = qMin(expected, m_maxRows);
            m_progress.rowsExpected = expected;
        }
        bool any = !results.isEmpty();
        if (!raw.isEmpty()) {
            QStringList paths;
            paths.reserve(m_csvColumns.size());
            for (const CsvWriter::Column &c : qAsConst(m_csvColumns))
                paths.append(c.path);
            m_picker.setPaths(paths);
            // The reply checked the array already: a reader error here cannot happen.
            JsonReader r(raw.data(), raw.data() + raw.size());
            bool first = true;
            if (r.beginArray()) {
                while (r.nextElement(&first) == JsonReader::Step::Item) {
                    any = true;
                    if (limitReached() || !m_picker.pick(r, &m_cells))
                        break;
                    if (!writeCells())
                        return;
                }
            }
        }
        for (const QJsonValue &v : results) {
            if (limitReached())
                break;
            if (!writeRecord(v.toObject()))
                return;
        }
        m_firstPageDone = true;
        m_nextCursor = page.cursor();
        m_nextUrl = page.next();
        more = page.hasNext() && any;
    }
    if (!flushOutput())
        return;
    ++m_progress.pages;
    emitProgress();
    if (!more || limitReached())
        complete();
    else
        requestNext();
}

bool ExportJob::writeRecord(const QJsonObject &record)
{
    if (!m_writer->writeRow(record, m_csvColumns)) {
        failWrite(m_writer->errorString());
        return false;
    }
    ++m_progress.rowsWritten;
    return true;
}

bool ExportJob::writeCells()
{
    if (!m_writer->writeRow(m_cells, m_csvColumns)) {
        failWrite(m_writer->errorString());
        return false;
    }
    ++m_progress.rowsWritten;
    return true;
}

bool ExportJob::flushOutput()
{
    if (!m_writer->flush()) {
        failWrite(m_writer->errorString());
        return false;
    }
    // QSaveFile buffers too; push it to the disk now so that a full disk shows up on this
    // page, not at commit time.
    if (m_file && !m_file->flush()) {
        failWrite(m_file->errorString());
        return false;
    }
    m_progress.bytesWritten = m_writer->bytesWritten();
    return true;
}

void ExportJob::writeRecordChunk()
{
    if (m_state != State::Running)
        return;
    // A page's worth per event-loop turn keeps the GUI thread responsive.
    bool done = false;
    for (int i = 0; i < m_pageSize; ++i) {
        if (limitReached()) {
            done = true;
            break;
        }
        const std::optional<QJsonObject> rec = m_provider ? m_provider() : std::nullopt;
        if (!rec) {
            done = true;
            break;
        }
        if (!writeRecord(*rec))
            return;
    }
    if (!flushOutput())
        return;
    ++m_progress.pages;
    emitProgress();
    if (done || limitReached()) {
        complete();
        return;
    }
    m_timer = clock()->callAfter(0, this, [this] {
        m_timer = 0;
        writeRecordChunk();
    });
}

void ExportJob::complete()
{
    if (!flushOutput())
        return;
    if (m_file && !m_file->commit()) {
        const QString why = m_file->errorString();
        m_writer.reset();
        m_file.reset();
        failWrite(tr("Cannot write %1: %2").arg(m_path, why));
        return;
    }
    m_writer.reset();
    m_file.reset();
    updateElapsed();
    setState(State::Finished);
    emitProgress();
    Q_EMIT finished(m_path);
}

void ExportJob::onReplyFailed(const ApiError &error)
{
    if (sender() != m_reply.data() || m_state != State::Running)
        return;
    m_reply = nullptr;
    m_progress.waitSeconds = 0;
    m_progress.waitReason.clear();
    if (error.kind() == ApiError::Kind::Aborted)
        return;
    if (error.isTransient() && error.kind() != ApiError::Kind::QuotaExhausted &&
        m_retriesUsed < m_pageRetries) {
        const qint64 delay = m_pageRetryDelayMs << m_retriesUsed;
        ++m_retriesUsed;
        ++m_progress.retries;
        onWaiting((delay + 999) / 1000, ApiReply::WaitReason::Backoff, error.title());
        m_timer = clock()->callAfter(delay, this, [this] {
            m_timer = 0;
            requestNext();
        });
        return;
    }
    failApi(error);
}

void ExportJob::failApi(const ApiError &error)
{
    cancelTimer();
    clearReply();
    updateElapsed();
    m_failure = Failure::Api;
    m_error = error;
    m_errorString = error.summary();
    m_retriesUsed = 0;
    setState(State::Failed);
    emitProgress();
    Q_EMIT failed(m_errorString);
}

void ExportJob::failWrite(const QString &why)
{
    cancelTimer();
    clearReply();
    updateElapsed();
    m_failure = Failure::Write;
    m_error = ApiError();
    m_errorString = why.isEmpty() ? tr("Writing the file failed.") : why;
    // What reached the file is unknown after a failed write: nothing to resume from.
    discardOutput();
    setState(State::Failed);
    emitProgress();
    Q_EMIT failed(m_errorString);
}

bool ExportJob::canResume() const
{
    return m_state == State::Failed && m_failure == Failure::Api && m_writer &&
           !m_writer->hasError() && m_source != Source::Records &&
           m_error.kind() != ApiError::Kind::InvalidRequest;
}

bool ExportJob::resume()
{
    if (!canResume())
        return false;
    m_failure = Failure::None;
    m_error = ApiError();
    m_errorString.clear();
    m_retriesUsed = 0;
    m_runStartedMs = clock()->nowMs();
    setState(State::Running);
    emitProgress();
    requestNext();
    return true;
}

void ExportJob::cancel()
{
    if (m_state != State::Running && m_state != State::Failed)
        return;
    cancelTimer();
    clearReply();
    discardOutput();
    updateElapsed();
    setState(State::Cancelled);
    Q_EMIT cancelled();
}

void ExportJob::clearReply()
{
    if (!m_reply)
        return;
    ApiReply *r = m_reply;
    m_reply = nullptr;
    r->disconnect(this);
    r->abort();
    r->deleteLater();
}

void ExportJob::cancelTimer()
{
    if (m_timer)
        clock()->cancel(m_timer);
    m_timer = 0;
}

void ExportJob::updateElapsed()
{
    const qint64 now = clock()->nowMs();
    if (m_state == State::Running) {
        m_elapsedBefore += now - m_runStartedMs;
        m_runStartedMs = now;
    }
    m_progress.elapsedMs = m_elapsedBefore;
}

void ExportJob::emitProgress()
{
    if (m_state == State::Running)
        updateElapsed();
    Q_EMIT progressChanged(m_progress);
}

} // namespace tango
