#pragma once

#include "api/ApiClient.h"
#include "api/ApiError.h"
#include "api/ApiReply.h"
#include "auth/Credentials.h"
#include "contracts/ContractQuery.h"
#include "export/ExportJob.h"
#include "export/ExportProgress.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QObject>
#include <QUrl>

#include <functional>

class QTextStream;

namespace tango {
class ApiClient;
class SecretStore;
} // namespace tango

namespace tango::cli {

// Runs one headless export to the end and reports through the exit code: finds the
// credentials, drives an ExportJob, prints progress to stderr, and turns SIGINT/SIGTERM into a
// prompt, clean stop.
class ExportRunner : public QObject
{
    Q_OBJECT
public:
    enum ExitCode
    {
        Done = 0,
        Usage = 2,
        CredentialsRejected = 3,
        QuotaExhausted = 4,
        Failure = 5,
        Interrupted = 130,
    };

    struct Settings
    {
        QString outPath;
        QUrl baseUrl;
        ContractQuery query;
        QStringList columns;
        ExportJob::Header header = ExportJob::Header::Paths;
        QChar delimiter = QLatin1Char(',');
        bool bom = false;
        bool formulaGuard = false;
        qint64 maxRows = 0;
        int pageSize = ContractQuery::kMaxLimit;
        bool quiet = false;
    };

    // Looks up a remembered sign-in for baseUrl (the keychain) when TANGO_API_KEY is not set;
    // calls done with null credentials when there is none.
    using CredentialsLookup =
        std::function<void(const QUrl &baseUrl, std::function<void(CredentialsPtr)> done)>;

    explicit ExportRunner(const Settings &settings, QObject *parent = nullptr);
    ~ExportRunner() override;

    // Replaces the keychain lookup (the default reads SecretStore / SignInRecord).
    void setCredentialsLookup(CredentialsLookup lookup) { m_lookup = std::move(lookup); }

    // Starts; exitRequested(code) follows exactly once.
    void start();
    // SIGINT/SIGTERM: stop now, leave nothing at the destination.
    void interrupt(int signalNumber);

    static CredentialsLookup keychainLookup();

Q_SIGNALS:
    void exitRequested(int code);

private:
    void startJob(CredentialsPtr credentials);
    void onProgress(const ExportProgress &p);
    void onWaiting(qint64 seconds, ApiReply::WaitReason reason, const QString &why);
    void onFinished();
    void onFailed();
    void finish(int code);
    void say(const QString &line, bool force = false);
    QString progressLine(const ExportProgress &p) const;

    Settings m_settings;
    CredentialsLookup m_lookup;
    ApiClient *m_client = nullptr;
    ExportJob *m_job = nullptr;
    QElapsedTimer m_lastPrint;
    bool m_done = false;
};

} // namespace tango::cli
