#include "cli/ExportRunner.h"

#include "api/ApiClient.h"
#include "auth/ApiKeyCredentials.h"
#include "auth/BearerCredentials.h"
#include "auth/SecretStore.h"
#include "auth/SignInRecord.h"

#include <QDateTime>
#include <QLocale>
#include <QTextStream>

#include <cstdio>

namespace tango::cli {

namespace {

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

QString bytesText(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

QString durationText(qint64 seconds)
{
    if (seconds < 60)
        return QCoreApplication::translate("ExportRunner", "%n s", nullptr, int(seconds));
    if (seconds < 3600)
        return QCoreApplication::translate("ExportRunner", "%1 min %2 s")
            .arg(seconds / 60)
            .arg(seconds % 60);
    return QCoreApplication::translate("ExportRunner", "%1 h %2 min")
        .arg(seconds / 3600)
        .arg((seconds % 3600) / 60);
}

} // namespace

ExportRunner::ExportRunner(const Settings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_lookup(keychainLookup())
{}

ExportRunner::~ExportRunner() = default;

ExportRunner::CredentialsLookup ExportRunner::keychainLookup()
{
    // "Remember on this computer" keeps one SignInRecord per server in the keychain; an export
    // started by the same user can use it without the key in the environment.
    return [](const QUrl &baseUrl, std::function<void(CredentialsPtr)> done) {
        auto *store = new SecretStore(QString(), nullptr);
        store->setTimeoutMs(5000);
        store->read(
            SignInRecord::accountFor(baseUrl), store,
            [store, done](SecretStore::Result result, const QString &secret, const QString &) {
                CredentialsPtr creds;
                if (result == SecretStore::Result::Ok) {
                    SignInRecord rec = SignInRecord::fromJson(secret.toUtf8());
                    if (rec.kind == SignInRecord::Kind::ApiKey && !rec.apiKey.isEmpty())
                        creds = std::make_shared<ApiKeyCredentials>(rec.apiKey);
                    else if (rec.kind == SignInRecord::Kind::OAuth &&
                             !rec.tokens.accessToken.isEmpty())
                        creds = std::make_shared<BearerCredentials>(rec.tokens.accessToken);
                    rec.wipe();
                }
                store->deleteLater();
                done(creds);
            });
    };
}

void ExportRunner::start()
{
    const QString key = qEnvironmentVariable("TANGO_API_KEY").trimmed();
    if (!key.isEmpty()) {
        startJob(std::make_shared<ApiKeyCredentials>(key));
        return;
    }
    if (!m_lookup) {
        startJob(nullptr);
        return;
    }
    m_lookup(m_settings.baseUrl, [this](CredentialsPtr creds) {
        if (!m_done)
            startJob(std::move(creds));
    });
}

void ExportRunner::startJob(CredentialsPtr credentials)
{
    if (!credentials || !credentials->isValid()) {
        say(tr("error: no API key. Set TANGO_API_KEY, or sign in once in the app with "
               "\"Remember on this computer\"."),
            true);
        finish(CredentialsRejected);
        return;
    }
    m_client = new ApiClient(this);
    QString why;
    if (!m_client->setBaseUrl(m_settings.baseUrl, &why)) {
        say(tr("error: %1").arg(why), true);
        finish(Usage);
        return;
    }
    m_client->setCredentials(std::move(credentials));

    m_job = new ExportJob(this);
    m_job->setApiClient(m_client);
    m_job->setQuery(m_settings.query);
    m_job->setColumns(m_settings.columns);
    m_job->setHeader(m_settings.header);
    m_job->setDelimiter(m_settings.delimiter);
    m_job->setBom(m_settings.bom);
    m_job->setFormulaGuard(m_settings.formulaGuard);
    m_job->setMaxRows(m_settings.maxRows);
    m_job->setPageSize(m_settings.pageSize);
    m_job->setOutputPath(m_settings.outPath);
    connect(m_job, &ExportJob::progressChanged, this, &ExportRunner::onProgress);
    connect(m_job, &ExportJob::waiting, this, &ExportRunner::onWaiting);
    connect(m_job, &ExportJob::warnings, this, [this](const QStringList &w) {
        for (const QString &line : w)
            say(tr("warning: %1").arg(line), true);
    });
    connect(m_job, &ExportJob::finished, this, &ExportRunner::onFinished);
    connect(m_job, &ExportJob::failed, this, &ExportRunner::onFailed);

    say(tr("Exporting contracts from %1 to %2")
            .arg(m_client->baseUrl().toDisplayString(), m_settings.outPath));
    m_lastPrint.start();
    m_job->start();
}

QString ExportRunner::progressLine(const ExportProgress &p) const
{
    const QLocale c = QLocale::c();
    QString line;
    if (p.rowsExpected)
        line =
            tr("%1 of about %2 rows").arg(c.toString(p.rowsWritten), c.toString(*p.rowsExpected));
    else
        line = tr("%1 rows").arg(c.toString(p.rowsWritten));
    line += tr(", %1 rows/s, %2")
                .arg(c.toString(qint64(p.rowsPerSecond() + 0.5)), bytesText(p.bytesWritten));
    if (const auto left = p.secondsRemaining(); left && p.rowsWritten > 0)
        line += tr(", about %1 left").arg(durationText(*left));
    return line;
}

void ExportRunner::onProgress(const ExportProgress &p)
{
    if (m_lastPrint.isValid() && m_lastPrint.elapsed() < 1000)
        return;
    m_lastPrint.restart();
    say(progressLine(p));
}

void ExportRunner::onWaiting(qint64 seconds, ApiReply::WaitReason reason, const QString &why)
{
    if (seconds <= 0)
        return;
    switch (reason) {
    case ApiReply::WaitReason::Pacing:
        say(tr("pacing: waiting %1 for the %2").arg(durationText(seconds), why));
        break;
    case ApiReply::WaitReason::RateLimit:
        say(tr("the server answered 429: waiting %1 as it asked (%2)")
                .arg(durationText(seconds), why));
        break;
    case ApiReply::WaitReason::Backoff:
        say(tr("retrying in %1 after: %2").arg(durationText(seconds), why));
        break;
    }
}

void ExportRunner::onFinished()
{
    const ExportProgress p = m_job->progress();
    say(tr("Done: %1 rows in %2 s (%3 rows/s), %4 written to %5; %6 requests, %7 retried, "
           "%8 answered 429")
            .arg(QLocale::c().toString(p.rowsWritten),
                 QString::number(double(p.elapsedMs) / 1000.0, 'f', 1),
                 QLocale::c().toString(qint64(p.rowsPerSecond() + 0.5)), bytesText(p.bytesWritten),
                 m_settings.outPath)
            .arg(p.requests)
            .arg(p.retries)
            .arg(p.rateLimited));
    finish(Done);
}

void ExportRunner::onFailed()
{
    const ApiError e = m_job->lastError();
    int code = Failure;
    QString message = m_job->errorString();
    if (m_job->failure() == ExportJob::Failure::Api) {
        switch (e.kind()) {
        case ApiError::Kind::Unauthorized:
        case ApiError::Kind::Forbidden:
            code = CredentialsRejected;
            break;
        case ApiError::Kind::QuotaExhausted: {
            code = QuotaExhausted;
            QDateTime resets = e.resetsAtUtc();
            if (!resets.isValid() && e.waitSeconds())
                resets = QDateTime::currentDateTimeUtc().addSecs(*e.waitSeconds());
            if (resets.isValid()) {
                const qint64 in = qMax<qint64>(0, QDateTime::currentDateTimeUtc().secsTo(resets));
                message += QLatin1Char(' ') +
                           tr("The quota resets at %1 (%2 UTC), in about %3.")
                               .arg(resets.toLocalTime().toString(Qt::ISODate),
                                    resets.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                    durationText(in));
            } else {
                message += QLatin1Char(' ') + tr("The server did not say when it resets.");
            }
            break;
        }
        default:
            break;
        }
    }
    say(tr("error: %1").arg(message), true);
    if (m_job->progress().rowsWritten > 0)
        say(tr("Nothing was written to %1.").arg(m_settings.outPath), true);
    finish(code);
}

void ExportRunner::interrupt(int signalNumber)
{
    if (m_done)
        return;
    if (m_job)
        m_job->cancel();
    say(tr("Interrupted (signal %1); nothing was written to %2.")
            .arg(signalNumber)
            .arg(m_settings.outPath),
        true);
    finish(Interrupted);
}

void ExportRunner::finish(int code)
{
    if (m_done)
        return;
    m_done = true;
    // Drop the job now so that an unfinished file is discarded before the process exits.
    if (m_job && m_job->state() != ExportJob::State::Finished)
        m_job->cancel();
    Q_EMIT exitRequested(code);
}

void ExportRunner::say(const QString &line, bool force)
{
    if (m_settings.quiet && !force)
        return;
    err() << line << '\n';
    err().flush();
}

} // namespace tango::cli
