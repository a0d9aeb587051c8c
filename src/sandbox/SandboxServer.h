#pragma once

#include "sandbox/SandboxOptions.h"
#include "sandbox/SandboxResponse.h"

#include <QHash>
#include <QMap>
#include <QMutex>
#include <QObject>
#include <QUrl>
#include <QUrlQuery>
#include <QVector>

#include <memory>

class QTcpServer;
class QTcpSocket;

namespace tango {

class Clock;
class SandboxContractsApi;
class SandboxData;
class SandboxHttp;
class SandboxOAuth;
class SandboxRateLimiter;
struct SandboxRequest;

// An offline stand-in for the Tango API on 127.0.0.1: contracts with cursor paging, shape,
// filters, ordering, real rate-limit windows and headers, 401/403/429 bodies, scripted faults,
// and OAuth2 authorize/token endpoints with PKCE. Used by the tests, the benchmarks and --demo.
//
// Behaviour worth knowing when testing a client against it:
// - Order of checks on /api/: scripted fault, then credentials (401/403, not counted), then the
//   rate-limit windows (429, not counted), then routing and validation (200/400/404/405, counted).
// - Every /api/ answer carries X-RateLimit-*, X-Execution-Time and X-Tango-API-Version, except
//   the Http502Html and NotJson faults, which stand for a proxy in between.
// - Query strings are decoded like Django's: '+' means a space.
// - limit defaults to 25 and is capped at 100; ties in an ordering are broken by a fixed row
//   order, so a cursor walk never repeats or skips a row.
// - QNetworkAccessManager silently re-sends a request whose connection closed before any byte,
//   so one DropConnection is invisible to it; see faultEvery().
class SandboxServer : public QObject
{
    Q_OBJECT
public:
    enum class Fault
    {
        None,
        Http500,        // 500 with a JSON body
        Http502Html,    // 502 with an HTML proxy page
        TruncatedBody,  // 200, Content-Length larger than the bytes sent, then closed
        DropConnection, // connection closed without any response
        Delay,          // answer normally after `param` ms
        OkWithError,    // 200 with {"error": "..."}
        Spurious429,    // 429 with wait_in_seconds = param (default 1)
        NotJson,        // 200 with a text/html body
    };
    Q_ENUM(Fault)

    struct LogEntry
    {
        int number; // 1-based request number (all paths)
        QString method;
        QString path;
        QUrlQuery query;
        QString credentials; // "none", "api-key", "bearer", "bad-key", "forbidden-key", "bad-token"
        int status;          // 0 for a dropped connection
    };

    explicit SandboxServer(const SandboxOptions &options = {}, QObject *parent = nullptr);
    ~SandboxServer() override;

    // Listens on 127.0.0.1; port 0 picks a free one. Returns false with *error on failure.
    bool listen(quint16 port = 0, QString *error = nullptr);
    void close();
    bool isListening() const;
    quint16 port() const;
    QUrl baseUrl() const; // http://127.0.0.1:PORT

    const SandboxOptions &options() const { return m_options; }
    // Windows use this clock (default: the system clock) so tests can move time.
    void setClock(Clock *clock);
    void setBurstLimit(int limit, int windowSeconds);
    void setDailyLimit(int limit);
    void resetWindows();
    void setOAuthDeny(bool deny);
    void setOAuthTokenLifetime(int seconds);

    // Scripted faults: the Nth request to /api/ (1-based, counting every /api/ request) gets
    // `fault`. faultEvery makes every request of /api/contracts/ fault while count > 0.
    void scriptFault(int apiRequestNumber, Fault fault, int param = 0);
    // The next `count` requests to /api/contracts/ (list or detail) get `fault`; scripted
    // request numbers take precedence. QNetworkAccessManager silently re-sends a request whose
    // connection dropped before any byte, so observing DropConnection needs count >= 3.
    void faultEvery(Fault fault, int count, int param = 0);
    void clearFaults();
    int apiRequestCount() const;

    // The newest requests (at most kMaxLogEntries; the oldest half is dropped when full).
    QVector<LogEntry> requestLog() const;
    static constexpr int kMaxLogEntries = 100000;
    void clearLog();

    // The synthetic data set (read-only), for tests to compare against.
    int rowCount() const;
    // The contract keys in the server's default order (award_date descending; ties in a fixed
    // order that stays the same for the life of the server).
    QStringList keysInDefaultOrder() const;

    // OAuth: a new access token that expires in `seconds` (tests).
    QString issueAccessToken(int seconds);
    void revokeAllTokens();

Q_SIGNALS:
    void requestServed(const tango::SandboxServer::LogEntry &entry);

private:
    friend class SandboxHttp;
    void handle(const SandboxRequest &request, QTcpSocket *socket);
    void handleApi(const SandboxRequest &request, QTcpSocket *socket, LogEntry entry);
    void answerApi(const SandboxRequest &request, QTcpSocket *socket, LogEntry entry, Fault fault,
                   int param);
    void finish(QTcpSocket *socket, const SandboxRequest &request, SandboxResponse response,
                LogEntry entry, int truncateTo = -1);
    SandboxResponse apiResponse(const SandboxRequest &request, QString *credentials);
    void record(const LogEntry &entry);
    void addApiHeaders(SandboxResponse *response, qint64 startedNs);

    SandboxOptions m_options;
    std::unique_ptr<SandboxContractsApi> m_contracts;
    std::unique_ptr<SandboxRateLimiter> m_limiter;
    std::unique_ptr<SandboxOAuth> m_oauth;
    QTcpServer *m_tcp = nullptr;
    Fault m_everyFault = Fault::None;
    int m_everyCount = 0;
    int m_everyParam = 0;
    std::unique_ptr<SandboxData> m_data;
    std::unique_ptr<SandboxHttp> m_http;
    Clock *m_clock;
    QMap<int, QPair<Fault, int>> m_faults;
    QVector<LogEntry> m_log;
    int m_apiRequests = 0;
    int m_allRequests = 0;
};

} // namespace tango
