#include "sandbox/SandboxServer.h"

#include "sandbox/SandboxContractsApi.h"
#include "sandbox/SandboxData.h"
#include "sandbox/SandboxHttp.h"
#include "sandbox/SandboxJsonWriter.h"
#include "sandbox/SandboxOAuth.h"
#include "sandbox/SandboxRateLimiter.h"
#include "sandbox/SandboxRequest.h"
#include "util/Clock.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace tango {

namespace {

const QByteArray kApiVersion = QByteArrayLiteral("4.22.0");

QByteArray detail(const QString &text)
{
    SandboxJsonWriter w;
    w.beginObject();
    w.key(QByteArrayLiteral("\"detail\":"));
    w.string(text);
    w.endObject();
    return w.take();
}

SandboxResponse jsonResponse(int status, const QByteArray &body)
{
    SandboxResponse r;
    r.status = status;
    r.body = body;
    return r;
}

} // namespace

SandboxServer::SandboxServer(const SandboxOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_limiter(std::make_unique<SandboxRateLimiter>())
    , m_data(std::make_unique<SandboxData>(options.rows, options.seed))
    , m_clock(Clock::system())
{
    m_contracts = std::make_unique<SandboxContractsApi>(m_data.get());
    m_oauth =
        std::make_unique<SandboxOAuth>(&m_options, const_cast<const Clock *const *>(&m_clock));
    m_limiter->setBurst(options.burstLimit, options.burstWindowSeconds);
    m_limiter->setDaily(options.dailyLimit);
    m_http = std::make_unique<SandboxHttp>(this);
}

SandboxServer::~SandboxServer()
{
    close();
}

bool SandboxServer::listen(quint16 port, QString *error)
{
    close();
    auto *tcp = new QTcpServer;
    // Loopback only: the sandbox must never be reachable from another machine.
    if (!tcp->listen(QHostAddress::LocalHost, port)) {
        if (error)
            *error = tcp->errorString();
        delete tcp;
        return false;
    }
    m_http->bind(tcp); // takes ownership
    m_tcp = tcp;
    return true;
}

void SandboxServer::close()
{
    // Deleting the QTcpServer also closes the connections it accepted (they are its children).
    delete m_tcp;
    m_tcp = nullptr;
}

bool SandboxServer::isListening() const
{
    return m_tcp && m_tcp->isListening();
}

quint16 SandboxServer::port() const
{
    return isListening() ? m_tcp->serverPort() : 0;
}

QUrl SandboxServer::baseUrl() const
{
    QUrl u;
    u.setScheme(QStringLiteral("http"));
    u.setHost(QStringLiteral("127.0.0.1"));
    u.setPort(port());
    return u;
}

void SandboxServer::setClock(Clock *clock)
{
    m_clock = clock ? clock : Clock::system();
}

void SandboxServer::setBurstLimit(int limit, int windowSeconds)
{
    m_options.burstLimit = limit;
    m_options.burstWindowSeconds = windowSeconds;
    m_limiter->setBurst(limit, windowSeconds);
}

void SandboxServer::setDailyLimit(int limit)
{
    m_options.dailyLimit = limit;
    m_limiter->setDaily(limit);
}

void SandboxServer::resetWindows()
{
    m_limiter->reset();
}

void SandboxServer::setOAuthDeny(bool deny)
{
    m_options.oauthDeny = deny;
}

void SandboxServer::setOAuthTokenLifetime(int seconds)
{
    m_options.oauthTokenLifetimeSeconds = seconds;
}

void SandboxServer::scriptFault(int apiRequestNumber, Fault fault, int param)
{
    m_faults.insert(apiRequestNumber, qMakePair(fault, param));
}

void SandboxServer::faultEvery(Fault fault, int count, int param)
{
    m_everyFault = fault;
    m_everyCount = count;
    m_everyParam = param;
}

void SandboxServer::clearFaults()
{
    m_faults.clear();
    m_everyFault = Fault::None;
    m_everyCount = 0;
}

int SandboxServer::apiRequestCount() const
{
    return m_apiRequests;
}

QVector<SandboxServer::LogEntry> SandboxServer::requestLog() const
{
    return m_log;
}

void SandboxServer::clearLog()
{
    m_log.clear();
}

int SandboxServer::rowCount() const
{
    return m_data->size();
}

QStringList SandboxServer::keysInDefaultOrder() const
{
    QStringList keys;
    const QVector<int> &rows = m_data->sorted(SandboxData::SortField::AwardDate, true);
    keys.reserve(rows.size());
    for (int i : rows)
        keys.append(m_data->key(i));
    return keys;
}

QString SandboxServer::issueAccessToken(int seconds)
{
    return m_oauth->issueAccessToken(seconds);
}

void SandboxServer::revokeAllTokens()
{
    m_oauth->revokeAll();
}

void SandboxServer::handle(const SandboxRequest &request, QTcpSocket *socket)
{
    LogEntry entry{++m_allRequests, request.method,         request.path,
                   request.query,   QStringLiteral("none"), 0};
    if (request.path.startsWith(QLatin1String("/api/"))) {
        handleApi(request, socket, entry);
        return;
    }
    SandboxResponse response;
    if (request.path == QLatin1String("/oauth2/authorize/") ||
        request.path == QLatin1String("/oauth2/authorize")) {
        response = m_oauth->authorize(request);
    } else if (request.path == QLatin1String("/oauth2/token/") ||
               request.path == QLatin1String("/oauth2/token")) {
        response = m_oauth->token(request);
    } else {
        response = jsonResponse(404, detail(QStringLiteral("Not found.")));
    }
    finish(socket, request, response, entry);
}

void SandboxServer::handleApi(const SandboxRequest &request, QTcpSocket *socket, LogEntry entry)
{
    const int number = ++m_apiRequests;
    Fault fault = Fault::None;
    int param = 0;
    const auto scripted = m_faults.constFind(number);
    if (scripted != m_faults.constEnd()) {
        fault = scripted->first;
        param = scripted->second;
    } else if (m_everyCount > 0 && request.path.startsWith(QLatin1String("/api/contracts/"))) {
        --m_everyCount;
        fault = m_everyFault;
        param = m_everyParam;
    }
    if (fault == Fault::Delay) {
        // A real timer: the fault stands for a slow network, not for server-side waiting.
        QPointer<QTcpSocket> guard(socket);
        QTimer::singleShot(qMax(0, param), this, [this, guard, request, entry]() {
            answerApi(request, guard.data(), entry, Fault::None, 0);
        });
        return;
    }
    answerApi(request, socket, entry, fault, param);
}

void SandboxServer::answerApi(const SandboxRequest &request, QTcpSocket *socket, LogEntry entry,
                              Fault fault, int param)
{
    QElapsedTimer timer;
    timer.start();
    SandboxResponse response;
    switch (fault) {
    case Fault::DropConnection:
        SandboxHttp::drop(socket);
        entry.status = 0;
        record(entry);
        return;
    case Fault::Http500:
        response = jsonResponse(500, detail(QStringLiteral("A server error occurred.")));
        addApiHeaders(&response, timer.nsecsElapsed());
        break;
    case Fault::Http502Html:
        response.status = 502;
        response.contentType = QByteArrayLiteral("text/html");
        response.body = QByteArrayLiteral(
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 "
            "Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
        break;
    case Fault::OkWithError:
        response = jsonResponse(
            200, SandboxQuery::errorBody(QStringLiteral("Temporary failure, try again")));
        addApiHeaders(&response, timer.nsecsElapsed());
        break;
    case Fault::Spurious429: {
        const int wait = param > 0 ? param : 1;
        SandboxJsonWriter w;
        w.beginObject();
        w.key(QByteArrayLiteral("\"detail\":"));
        w.string(QStringLiteral("Rate limit exceeded for burst. Please try again in %1 seconds.")
                     .arg(wait));
        w.key(QByteArrayLiteral("\"wait_in_seconds\":"));
        w.integer(wait);
        w.endObject();
        response = jsonResponse(429, w.take());
        addApiHeaders(&response, timer.nsecsElapsed());
        break;
    }
    case Fault::NotJson:
        response.status = 200;
        response.contentType = QByteArrayLiteral("text/html; charset=utf-8");
        response.body = QByteArrayLiteral(
            "<!DOCTYPE html><html><head><title>Scheduled maintenance</title></head><body><h1>"
            "Tango is down for maintenance</h1><p>Please try again shortly.</p></body></html>");
        break;
    case Fault::TruncatedBody:
    case Fault::None:
    case Fault::Delay: {
        response = apiResponse(request, &entry.credentials);
        addApiHeaders(&response, timer.nsecsElapsed());
        if (fault == Fault::TruncatedBody) {
            finish(socket, request, response, entry, response.body.size() / 2);
            return;
        }
        break;
    }
    }
    if (fault != Fault::None) {
        // Faulted answers never reach authentication; log what the client presented.
        const QString key = QString::fromUtf8(request.apiKey);
        if (!key.isEmpty())
            entry.credentials = key == m_options.apiKey         ? QStringLiteral("api-key")
                                : key == m_options.forbiddenKey ? QStringLiteral("forbidden-key")
                                                                : QStringLiteral("bad-key");
        else if (request.authorization.startsWith("Bearer "))
            entry.credentials = m_oauth->isValidAccessToken(
                                    QString::fromUtf8(request.authorization.mid(7).trimmed()))
                                    ? QStringLiteral("bearer")
                                    : QStringLiteral("bad-token");
    }
    finish(socket, request, response, entry);
}

void SandboxServer::addApiHeaders(SandboxResponse *response, qint64 startedNs)
{
    m_limiter->addHeaders(m_clock, response);
    response->addHeader("X-Execution-Time",
                        QByteArray::number(double(startedNs) / 1e9, 'f', 3) + 's');
    response->addHeader("X-Tango-API-Version", kApiVersion);
}

SandboxResponse SandboxServer::apiResponse(const SandboxRequest &request, QString *credentials)
{
    // Authentication first, as in the API: 401/403 are not counted against the windows.
    const QString key = QString::fromUtf8(request.apiKey);
    if (!key.isEmpty()) {
        if (key == m_options.forbiddenKey) {
            *credentials = QStringLiteral("forbidden-key");
            return jsonResponse(
                403,
                QByteArrayLiteral("{\"error\": \"InsufficientPermissions\", \"message\": \"You "
                                  "don't have permission to access this resource\", \"code\": "
                                  "403}"));
        }
        if (key != m_options.apiKey) {
            *credentials = QStringLiteral("bad-key");
            return jsonResponse(401, detail(QStringLiteral("Invalid API key.")));
        }
        *credentials = QStringLiteral("api-key");
    } else if (request.authorization.startsWith("Bearer ")) {
        if (!m_oauth->isValidAccessToken(
                QString::fromUtf8(request.authorization.mid(7).trimmed()))) {
            *credentials = QStringLiteral("bad-token");
            return jsonResponse(401, detail(QStringLiteral("Invalid or expired access token.")));
        }
        *credentials = QStringLiteral("bearer");
    } else {
        *credentials = QStringLiteral("none");
        return jsonResponse(
            401, detail(QStringLiteral("Authentication credentials were not provided.")));
    }

    const SandboxRateLimiter::Verdict verdict = m_limiter->take(m_clock);
    if (verdict != SandboxRateLimiter::Verdict::Allowed) {
        const int wait = m_limiter->waitSeconds(verdict, m_clock);
        const QString window = verdict == SandboxRateLimiter::Verdict::BurstSpent
                                   ? QStringLiteral("burst")
                                   : QStringLiteral("daily");
        SandboxJsonWriter w;
        w.beginObject();
        w.key(QByteArrayLiteral("\"detail\":"));
        w.string(QStringLiteral("Rate limit exceeded for %1. Please try again in %2 seconds.")
                     .arg(window)
                     .arg(wait));
        w.key(QByteArrayLiteral("\"wait_in_seconds\":"));
        w.integer(wait);
        w.endObject();
        return jsonResponse(429, w.take());
    }

    const QString &path = request.path;
    static const QString listPath = QStringLiteral("/api/contracts/");
    if (path == listPath || path.startsWith(listPath)) {
        const QString rest = path.mid(listPath.size());
        const bool isList = rest.isEmpty();
        const bool isDetail = rest.endsWith(QLatin1Char('/')) && rest.count(QLatin1Char('/')) == 1;
        if (isList || isDetail) {
            if (request.method != QLatin1String("GET")) {
                return jsonResponse(
                    405, detail(QStringLiteral("Method \"%1\" not allowed.").arg(request.method)));
            }
            if (isList) {
                QUrl self = baseUrl();
                self.setPath(listPath);
                return m_contracts->list(request.params, self.toString());
            }
            return m_contracts->detail(rest.chopped(1), request.params);
        }
    }
    return jsonResponse(404, detail(QStringLiteral("Not found.")));
}

void SandboxServer::finish(QTcpSocket *socket, const SandboxRequest &request,
                           SandboxResponse response, LogEntry entry, int truncateTo)
{
    entry.status = response.status;
    SandboxHttp::write(socket, response, request.closeConnection, truncateTo,
                       request.method == QLatin1String("HEAD"));
    record(entry);
}

void SandboxServer::record(const LogEntry &entry)
{
    // A long-running tango-sandbox must not grow without bound: keep the newest entries.
    if (m_log.size() >= kMaxLogEntries)
        m_log.remove(0, kMaxLogEntries / 2);
    m_log.append(entry);
    Q_EMIT requestServed(entry);
}

} // namespace tango
