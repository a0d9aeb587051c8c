#include "api/ApiClient.h"
#include "api/Pacer.h"
#include "auth/ApiKeyCredentials.h"
#include "auth/BearerCredentials.h"
#include "sandbox/SandboxServer.h"
#include "util/ManualClock.h"

#include "ClosedPort.h"
#include "MessageCapture.h"

#include <QDeadlineTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace tango;
using Kind = ApiError::Kind;
using Fault = SandboxServer::Fault;

Q_DECLARE_METATYPE(tango::ApiError::Kind)
Q_DECLARE_METATYPE(tango::SandboxServer::Fault)

namespace {

const QString kKey = SandboxOptions().apiKey;

// A bare HTTP server that answers each connection with the next scripted raw response and
// records the raw requests, so that tests can send bodies and headers the sandbox never would.
class RawServer : public QObject
{
public:
    RawServer()
    {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onRead(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    QUrl baseUrl() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()));
    }
    // A complete response with Content-Length, closed after sending.
    static QByteArray response(int status, const QByteArray &body,
                               const QByteArray &contentType = "application/json",
                               const QByteArray &extraHeaders = {})
    {
        return "HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Type: " + contentType +
               "\r\nContent-Length: " + QByteArray::number(body.size()) +
               "\r\nConnection: close\r\n" + extraHeaders + "\r\n" + body;
    }
    QList<QByteArray> script;
    QList<QByteArray> requests;

private:
    void onRead(QTcpSocket *s)
    {
        QByteArray &buf = m_buffers[s];
        buf += s->readAll();
        if (!buf.contains("\r\n\r\n"))
            return;
        requests.append(buf);
        m_buffers.remove(s);
        s->write(script.isEmpty() ? response(500, "{}") : script.takeFirst());
        s->disconnectFromHost();
    }
    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

QByteArray headerValue(const QByteArray &request, const QByteArray &name)
{
    for (const QByteArray &line : request.split('\n')) {
        const int colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == name.toLower())
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

RetryPolicy fastRetries(int retries = 3)
{
    RetryPolicy p;
    p.maxRetries = retries;
    p.baseDelayMs = 5;
    p.maxDelayMs = 20;
    return p;
}

// Runs the event loop until the reply finishes, moving a ManualClock to each pending wait as
// soon as nothing else is going on: waits cost no real time.
bool finish(ApiReply *reply, ManualClock *clock = nullptr, int timeoutMs = 20000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!reply->isFinished() && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        if (clock && !reply->isFinished() && clock->pendingCount() > 0 && reply->isWaiting())
            clock->advance(std::max<qint64>(0, clock->nextDueMs() - clock->nowMs()));
    }
    return reply->isFinished();
}

} // namespace

class tst_ApiClient : public QObject
{
    Q_OBJECT

    std::unique_ptr<SandboxServer> m_server;

    SandboxServer &sandbox(SandboxOptions o = {})
    {
        if (o.rows == SandboxOptions().rows)
            o.rows = 450;
        m_server = std::make_unique<SandboxServer>(o);
        QString error;
        if (!m_server->listen(0, &error))
            qFatal("sandbox: %s", qPrintable(error));
        return *m_server;
    }

    std::unique_ptr<ApiClient> client(const QUrl &base, Clock *clock = nullptr,
                                      const QString &key = kKey)
    {
        auto c = std::make_unique<ApiClient>(nullptr, clock);
        if (!c->setBaseUrl(base))
            qFatal("base URL refused");
        c->setCredentials(std::make_shared<ApiKeyCredentials>(key));
        c->setRetryPolicy(fastRetries());
        return c;
    }

private Q_SLOTS:
    void cleanup() { m_server.reset(); }

    // --- credentials ---------------------------------------------------------------------

    void maskSecret_data()
    {
        QTest::addColumn<QString>("secret");
        QTest::addColumn<QString>("masked");
        const QString dots = QStringLiteral("\u2022\u2022\u2022\u2022");
        QTest::newRow("long") << QStringLiteral("sandbox-key-0123456789abcdef") << dots + "cdef";
        QTest::newRow("eight") << QStringLiteral("abcdefgh") << dots + "efgh";
        QTest::newRow("seven") << QStringLiteral("abcdefg") << dots;
        QTest::newRow("short") << QStringLiteral("ab") << dots;
        QTest::newRow("empty") << QString() << QString();
    }
    void maskSecret()
    {
        QFETCH(QString, secret);
        QFETCH(QString, masked);
        QCOMPARE(tango::maskSecret(secret), masked);
        if (secret.size() >= 2)
            QVERIFY(!tango::maskSecret(secret).contains(secret));
    }

    void credentialsApplyHeaders()
    {
        QNetworkRequest r;
        ApiKeyCredentials key(QStringLiteral("  my-secret-api-key  "));
        QVERIFY(key.isValid());
        key.apply(r);
        QCOMPARE(r.rawHeader("X-API-KEY"), QByteArray("my-secret-api-key"));
        QCOMPARE(key.kind(), QStringLiteral("api-key"));
        QVERIFY(!key.displayName().contains(QLatin1String("my-secret")));
        QCOMPARE(key.secrets(), QStringList{QStringLiteral("my-secret-api-key")});
        QVERIFY(!ApiKeyCredentials(QString()).isValid());

        QNetworkRequest b;
        BearerCredentials bearer(QStringLiteral("tok-123456789"));
        bearer.apply(b);
        QCOMPARE(b.rawHeader("Authorization"), QByteArray("Bearer tok-123456789"));
        QVERIFY(!b.hasRawHeader("X-API-KEY"));
        QVERIFY(!bearer.displayName().contains(QLatin1String("tok-123456789")));
        QVERIFY(!bearer.canRenew());
        bool result = true;
        bearer.renew([&](bool ok) { result = ok; });
        QVERIFY(!result); // no renewer: renewal fails at once
        bearer.setRenewer([](std::function<void(bool, QString)> done) { done(true, "fresh"); });
        QVERIFY(bearer.canRenew());
        bearer.renew([&](bool ok) { result = ok; });
        QVERIFY(result);
        QCOMPARE(bearer.accessToken(), QStringLiteral("fresh"));
        QCOMPARE(
            BearerCredentials(QStringLiteral("t"), QStringLiteral("OAuth: sandbox")).displayName(),
            QStringLiteral("OAuth: sandbox"));
    }

    // --- base URL and request refusal ------------------------------------------------------

    void acceptableBaseUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("ok");
        QTest::newRow("https") << "https://tango.makegov.com" << true;
        QTest::newRow("https with path") << "https://example.org/tango/" << true;
        QTest::newRow("http localhost") << "http://localhost:8080" << true;
        QTest::newRow("http LOCALHOST") << "http://LOCALHOST:8080" << true;
        QTest::newRow("http 127.0.0.1") << "http://127.0.0.1:1234" << true;
        QTest::newRow("http 127.8.9.10") << "http://127.8.9.10" << true;
        QTest::newRow("http ::1") << "http://[::1]:8000" << true;
        QTest::newRow("http remote") << "http://tango.makegov.com" << false;
        QTest::newRow("http private range") << "http://192.168.1.10" << false;
        QTest::newRow("http 128.0.0.1") << "http://128.0.0.1" << false;
        QTest::newRow("http localhost lookalike") << "http://localhost.evil.com" << false;
        QTest::newRow("ftp") << "ftp://tango.makegov.com" << false;
        QTest::newRow("relative") << "/api/contracts/" << false;
        QTest::newRow("no host") << "https://" << false;
        QTest::newRow("user info") << "https://me:pw@tango.makegov.com" << false;
        QTest::newRow("garbage") << "ht!tp:://" << false;
    }
    void acceptableBaseUrl()
    {
        QFETCH(QString, url);
        QFETCH(bool, ok);
        QString why = QStringLiteral("stale");
        QCOMPARE(ApiClient::isAcceptableBaseUrl(QUrl(url), &why), ok);
        QCOMPARE(why.isEmpty(), ok);
        ApiClient c;
        const QUrl before = c.baseUrl();
        QCOMPARE(c.setBaseUrl(QUrl(url)), ok);
        QCOMPARE(c.baseUrl(), ok ? QUrl(url) : before);
    }

    void defaultBaseUrlAndEnvironment()
    {
        qunsetenv("TANGO_BASE_URL");
        QCOMPARE(ApiClient::defaultBaseUrl(), QUrl(QStringLiteral("https://tango.makegov.com")));
        QCOMPARE(ApiClient().baseUrl(), QUrl(QStringLiteral("https://tango.makegov.com")));
        QCOMPARE(ApiClient().transferTimeoutMs(), 30000);
        qputenv("TANGO_BASE_URL", "http://127.0.0.1:9999");
        QCOMPARE(ApiClient().baseUrl(), QUrl(QStringLiteral("http://127.0.0.1:9999")));
        qunsetenv("TANGO_BASE_URL");
    }

    void plainHttpToRemoteHostIsRefused()
    {
        // The environment can put an unacceptable URL in place; requests on it must not leave.
        qputenv("TANGO_BASE_URL", "http://tango.makegov.com");
        ApiClient c;
        qunsetenv("TANGO_BASE_URL");
        c.setCredentials(std::make_shared<ApiKeyCredentials>(kKey));
        QSignalSpy requestFailed(&c, &ApiClient::requestFailed);
        ApiReply *r = c.get(QStringLiteral("/api/contracts/"));
        QSignalSpy failed(r, &ApiReply::failed);
        QSignalSpy finished(r, &ApiReply::finished);
        QVERIFY(finish(r));
        QCOMPARE(failed.count(), 1);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(r->error().kind(), Kind::InvalidRequest);
        QCOMPARE(r->error().title(), QStringLiteral("Request refused"));
        QVERIFY(r->error().detail().contains(QLatin1String("https")));
        QCOMPARE(r->attempts(), 0);
        QCOMPARE(requestFailed.count(), 1);
    }

    void nextLinksStayOnTheBaseOrigin_data()
    {
        QTest::addColumn<QString>("link"); // %1: the sandbox port
        QTest::addColumn<bool>("allowed");
        QTest::newRow("same origin") << "http://127.0.0.1:%1/api/contracts/?limit=1" << true;
        QTest::newRow("other port") << "http://127.0.0.1:1/api/contracts/" << false;
        QTest::newRow("other host") << "https://evil.example.com/api/contracts/" << false;
        QTest::newRow("other scheme") << "https://127.0.0.1:%1/api/contracts/" << false;
        QTest::newRow("other loopback") << "http://127.0.0.2:%1/api/contracts/" << false;
        QTest::newRow("relative link") << "/api/contracts/?limit=1" << true;
        QTest::newRow("userinfo") << "http://u:p@127.0.0.1:%1/api/contracts/" << false;
    }
    void nextLinksStayOnTheBaseOrigin()
    {
        QFETCH(QString, link);
        QFETCH(bool, allowed);
        SandboxServer &server = sandbox();
        auto c = client(server.baseUrl());
        const QUrl url(link.contains(QLatin1String("%1")) ? link.arg(server.port()) : link);
        ApiReply *r = c->getUrl(url, ApiReply::Expect::ListPage);
        QVERIFY(finish(r));
        if (allowed) {
            QVERIFY2(!r->error().isError(), qPrintable(r->error().summary()));
            QCOMPARE(r->page().results().size(), 1);
        } else {
            QCOMPARE(r->error().kind(), Kind::InvalidRequest);
            QCOMPARE(server.apiRequestCount(), 0);
        }
    }

    // --- what is sent ----------------------------------------------------------------------

    void userAgentFormat()
    {
        const QString ua = QString::fromLatin1(ApiClient::userAgent());
        const QRegularExpression re(
            QStringLiteral("^TangoExplorer/\\d+\\.\\d+\\.\\d+ \\(Qt 6\\.\\d+\\.\\d+; .+\\)$"));
        QVERIFY2(re.match(ua).hasMatch(), qPrintable(ua));
        QVERIFY(ua.startsWith(QStringLiteral("TangoExplorer/" TANGO_VERSION " (Qt ")));
    }

    void sendsHeadersAndCredentials()
    {
        RawServer raw;
        raw.script << RawServer::response(200, "{\"ok\":true}")
                   << RawServer::response(200, "{\"ok\":true}");
        auto c = client(raw.baseUrl());
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("key"), QStringLiteral("CONT_AWD_1 & 2"));
        ApiReply *r = c->get(QStringLiteral("api/contracts/"), q);
        QVERIFY(finish(r));
        QVERIFY2(!r->error().isError(), qPrintable(r->error().summary()));
        QCOMPARE(r->json().value(QLatin1String("ok")).toBool(), true);
        QCOMPARE(raw.requests.size(), 1);
        const QByteArray req = raw.requests.first();
        QVERIFY2(req.startsWith("GET /api/contracts/?key=CONT_AWD_1%20%26%202 HTTP/1.1"),
                 req.constData());
        QCOMPARE(headerValue(req, "Accept"), QByteArray("application/json"));
        QCOMPARE(headerValue(req, "User-Agent"), ApiClient::userAgent());
        QCOMPARE(headerValue(req, "X-API-KEY"), kKey.toUtf8());
        QVERIFY(headerValue(req, "Authorization").isEmpty());

        c->setCredentials(std::make_shared<BearerCredentials>(QStringLiteral("bearer-token-1")));
        ApiReply *b = c->get(QStringLiteral("/api/contracts/"));
        QVERIFY(finish(b));
        QCOMPARE(headerValue(raw.requests.at(1), "Authorization"),
                 QByteArray("Bearer bearer-token-1"));
        QVERIFY(headerValue(raw.requests.at(1), "X-API-KEY").isEmpty());
    }

    // --- bodies ----------------------------------------------------------------------------

    void badBodiesAreBadResponses_data()
    {
        QTest::addColumn<QByteArray>("response");
        QTest::addColumn<bool>("list");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("array") << RawServer::response(200, "[1,2]") << false << "array";
        QTest::newRow("bare string") << RawServer::response(200, "\"hello\"") << false << "JSON";
        QTest::newRow("number") << RawServer::response(200, "42") << false << "JSON";
        QTest::newRow("malformed") << RawServer::response(200, "{\"a\":") << false << "JSON";
        QTest::newRow("html") << RawServer::response(200, "<html><title>Login</title></html>",
                                                     "text/html")
                              << false << "JSON";
        QTest::newRow("empty") << RawServer::response(200, "") << false << "empty";
        QTest::newRow("invalid utf8")
            << RawServer::response(200, "{\"a\":\"\xff\xfe\xc0\x80\"}") << false << "JSON";
        QTest::newRow("ok with error")
            << RawServer::response(200, "{\"error\":\"Temporary failure\"}") << false
            << "Temporary failure";
        QTest::newRow("truncated")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Content-Length: 500\r\nConnection: close\r\n\r\n{\"results\":[")
            << false << "cut off";
        QTest::newRow("list without results")
            << RawServer::response(200, "{\"count\":3}") << true << "results";
        QTest::newRow("list with wrong types")
            << RawServer::response(200, "{\"results\":[],\"next\":7}") << true << "next";
    }
    void badBodiesAreBadResponses()
    {
        QFETCH(QByteArray, response);
        QFETCH(bool, list);
        QFETCH(QString, mentions);
        // The same verdicts when the page is read the quick way (the export's).
        for (const bool rawPage : {false, true}) {
            RawServer raw;
            raw.script << response;
            auto c = client(raw.baseUrl());
            c->setRetryPolicy(RetryPolicy::none());
            ApiReply *r = rawPage ? c->getList(QStringLiteral("/api/contracts/"), {},
                                               ApiReply::Expect::RawListPage)
                          : list  ? c->getList(QStringLiteral("/api/contracts/"))
                                  : c->get(QStringLiteral("/api/contracts/"));
            QSignalSpy succeeded(r, &ApiReply::succeeded);
            QVERIFY(finish(r));
            QCOMPARE(succeeded.count(), 0);
            QCOMPARE(r->error().kind(), Kind::BadResponse);
            QCOMPARE(r->error().title(), QStringLiteral("Unexpected response"));
            QVERIFY2(r->error().serverMessage().contains(mentions, Qt::CaseInsensitive),
                     qPrintable(r->error().serverMessage()));
            QVERIFY(r->error().isTransient());
        }
    }

    void rawPageKeepsTheResultsText()
    {
        const QByteArray results = "[{\"key\":\"A\",\"n\":1.5},{\"key\":\"B\\u00e9\"}]";
        RawServer raw;
        raw.script << RawServer::response(200, "{\"error\":\"Temporary failure\"}")
                   << RawServer::response(200, "{\"count\":2,\"next\":null,\"previous\":null,"
                                               "\"meta\":{\"warnings\":[\"w1\"]},"
                                               "\"results\": " +
                                                   results + " }");
        auto c = client(raw.baseUrl());
        ApiReply *r =
            c->getList(QStringLiteral("/api/contracts/"), {}, ApiReply::Expect::RawListPage);
        QSignalSpy retrying(r, &ApiReply::retrying);
        QSignalSpy pageReady(r, &ApiReply::pageReady);
        QVERIFY(finish(r));
        QVERIFY2(!r->error().isError(), qPrintable(r->error().summary()));
        QCOMPARE(retrying.count(), 1); // the 2xx with an error was retried
        QCOMPARE(retrying.first().at(1).value<ApiError>().kind(), Kind::BadResponse);
        QCOMPARE(pageReady.count(), 1);
        QCOMPARE(r->rawResults().toByteArray(), results);
        QVERIFY(r->page().results().isEmpty());
        QCOMPARE(r->page().count(), std::optional<qint64>(2));
        QVERIFY(!r->page().hasNext());
        QCOMPARE(r->page().warnings(), QStringList{QStringLiteral("w1")});
    }

    void badResponseIsRetried()
    {
        RawServer raw;
        raw.script
            << RawServer::response(200, "<html>proxy</html>", "text/html")
            << RawServer::response(
                   200,
                   "{\"count\":1,\"next\":null,\"previous\":null,\"results\":[{\"key\":\"A\"}]}");
        auto c = client(raw.baseUrl());
        ApiReply *r = c->getList(QStringLiteral("/api/contracts/"));
        QSignalSpy retrying(r, &ApiReply::retrying);
        QSignalSpy pageReady(r, &ApiReply::pageReady);
        QVERIFY(finish(r));
        QVERIFY2(!r->error().isError(), qPrintable(r->error().summary()));
        QCOMPARE(r->attempts(), 2);
        QCOMPARE(retrying.count(), 1);
        QCOMPARE(retrying.first().at(0).toInt(), 2);
        QCOMPARE(retrying.first().at(1).value<ApiError>().kind(), Kind::BadResponse);
        QCOMPARE(pageReady.count(), 1);
        QCOMPARE(r->page().style(), ListPage::Style::PageNumber);
    }

    void redirectsStayOnTheOrigin()
    {
        RawServer raw;
        raw.script << RawServer::response(302, "", "text/plain", "Location: /api/moved/\r\n")
                   << RawServer::response(200, "{\"moved\":true}")
                   << RawServer::response(
                          302, "", "text/plain",
                          "Location: https://elsewhere.example.com/api/?token=T0KEN\r\n");
        auto c = client(raw.baseUrl());
        c->setRetryPolicy(RetryPolicy::none());
        ApiReply *r = c->get(QStringLiteral("/api/contracts/OLD/"));
        QVERIFY(finish(r));
        QVERIFY2(!r->error().isError(), qPrintable(r->error().summary()));
        QCOMPARE(r->json().value(QLatin1String("moved")).toBool(), true);
        QCOMPARE(raw.requests.size(), 2);
        QVERIFY(raw.requests.at(1).startsWith("GET /api/moved/ "));
        QCOMPARE(headerValue(raw.requests.at(1), "X-API-KEY"), kKey.toUtf8()); // kept on the origin

        ApiReply *away = c->get(QStringLiteral("/api/contracts/OLD/"));
        QVERIFY(finish(away));
        QCOMPARE(away->error().kind(), Kind::HttpError);
        QCOMPARE(away->error().httpStatus(), 302);
        QVERIFY(away->error().detail().contains(QLatin1String("elsewhere.example.com")));
        QVERIFY(!away->error().detail().contains(QLatin1String("T0KEN")));
    }

    void rateLimitWaitSources_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("headers");
        QTest::addColumn<qint64>("waitMs");
        const QByteArray burstHeaders =
            "X-RateLimit-Burst-Limit: 10\r\nX-RateLimit-Burst-Remaining: 0\r\n"
            "X-RateLimit-Burst-Reset: 7\r\n";
        QTest::newRow("wait_in_seconds first")
            << QByteArray(
                   "{\"detail\":\"Rate limit exceeded for burst.\",\"wait_in_seconds\":\"12\"}")
            << QByteArray("Retry-After: 99\r\n" + burstHeaders) << qint64(12'000);
        QTest::newRow("then Retry-After seconds")
            << QByteArray("{\"detail\":\"Rate limit exceeded for burst.\"}")
            << QByteArray("Retry-After: 20\r\n" + burstHeaders) << qint64(20'000);
        QTest::newRow("then the window's reset")
            << QByteArray("{\"detail\":\"Rate limit exceeded for burst.\"}") << burstHeaders
            << qint64(7'000);
        QTest::newRow("unknown window: overall reset")
            << QByteArray("{}")
            << QByteArray(
                   "X-RateLimit-Limit: 10\r\nX-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: 9\r\n")
            << qint64(9'000);
        QTest::newRow("nothing: backoff") << QByteArray("Too many") << QByteArray() << qint64(1000);
        QTest::newRow("garbage everywhere")
            << QByteArray("{\"wait_in_seconds\":\"soon\"}")
            << QByteArray("Retry-After: later\r\nX-RateLimit-Reset: -4\r\n") << qint64(1000);
    }
    void rateLimitWaitSources()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, headers);
        QFETCH(qint64, waitMs);
        ManualClock clock;
        RawServer raw;
        raw.script << RawServer::response(429, body, "application/json", headers)
                   << RawServer::response(200, "{}");
        auto c = client(raw.baseUrl(), &clock);
        RetryPolicy p;
        p.baseDelayMs = 1000;
        p.jitter = 0;
        c->setRetryPolicy(p);
        c->pacer()->setEnabled(false); // only the reply's own wait is measured here
        ApiReply *r = c->get(QStringLiteral("/api/contracts/"));
        QTRY_VERIFY_WITH_TIMEOUT(r->isWaiting(), 5000);
        QCOMPARE(clock.nextDueMs() - clock.nowMs(), waitMs);
        clock.advance(waitMs - 1);
        QCOMPARE(r->attempts(), 1);
        clock.advance(1);
        QCOMPARE(r->attempts(), 2);
        QVERIFY(finish(r, &clock));
        QVERIFY2(!r->error().isError(), qPrintable(r->error().summary()));
    }

    void retryAfterHttpDateIsHonoured()
    {
        ManualClock clock;
        RawServer raw;
        const QByteArray date = QLocale::c()
                                    .toString(clock.utcNow().addSecs(30),
                                              QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"))
                                    .toLatin1();
        raw.script << RawServer::response(429, "Too Many Requests", "text/plain",
                                          "Retry-After: " + date + "\r\n")
                   << RawServer::response(200, "{}");
        auto c = client(raw.baseUrl(), &clock);
        ApiReply *r = c->get(QStringLiteral("/api/contracts/"));
        QSignalSpy waiting(r, &ApiReply::waiting);
        QTRY_VERIFY_WITH_TIMEOUT(r->isWaiting(), 10000);
        QCOMPARE(waiting.count(), 1);
        QCOMPARE(waiting.first().at(0).toLongLong(), qint64(30));
        QCOMPARE(waiting.first().at(1).value<ApiReply::WaitReason>(),
                 ApiReply::WaitReason::RateLimit);
        clock.advance(29'999);
        QCOMPARE(r->attempts(), 1);
        clock.advance(1);
        QCOMPARE(r->attempts(), 2);
        QVERIFY(finish(r, &clock));
        QVERIFY(!r->error().isError());
        QCOMPARE(raw.requests.size(), 2);
    }

    // --- against the sandbox -----------------------------------------------------------------

    void fullCursorWalkReturnsEveryRowOnce()
    {
        SandboxServer &server = sandbox();
        auto c = client(server.baseUrl());
        QSignalSpy rateLimit(c.get(), &ApiClient::rateLimitChanged);
        QStringList keys;
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("limit"), QStringLiteral("100"));
        ApiReply *r = c->getList(QStringLiteral("/api/contracts/"), q);
        int pages = 0;
        while (r && ++pages < 50) {
            QVERIFY(finish(r));
            QVERIFY2(!r->error().isError(), qPrintable(r->error().summary()));
            const ListPage page = r->page();
            QCOMPARE(page.style(), ListPage::Style::Cursor);
            QCOMPARE(page.count(), std::optional<qint64>(server.rowCount()));
            for (const QJsonValue &row : page.results())
                keys << row.toObject().value(QLatin1String("key")).toString();
            r->deleteLater();
            r = page.hasNext() ? c->getUrl(page.next(), ApiReply::Expect::ListPage) : nullptr;
        }
        QCOMPARE(pages, 5);
        QCOMPARE(keys, server.keysInDefaultOrder());
        QCOMPARE(rateLimit.count(), 5);
        const RateLimitSnapshot last = c->lastRateLimit();
        QCOMPARE(last.window(QStringLiteral("burst"))->remaining, std::optional<qint64>(995));
        QCOMPARE(last.apiVersion(), QStringLiteral("4.22.0"));
    }

    void errorsAreClassifiedWithServerMessage_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("key");
        QTest::addColumn<Kind>("kind");
        QTest::addColumn<QString>("message");
        QTest::newRow("400 ordering") << "/api/contracts/"
                                      << "ordering=not_a_field" << kKey << Kind::BadRequest
                                      << "Invalid ordering value(s): not_a_field";
        QTest::newRow("400 shape")
            << "/api/contracts/"
            << "shape=key,bogus_field" << kKey << Kind::BadRequest << "Invalid shape";
        QTest::newRow("401") << "/api/contracts/"
                             << ""
                             << "wrong-key-123456789" << Kind::Unauthorized << "Invalid API key.";
        QTest::newRow("401 no key")
            << "/api/contracts/"
            << ""
            << "" << Kind::Unauthorized << "Authentication credentials were not provided.";
        QTest::newRow("403") << "/api/contracts/"
                             << "" << SandboxOptions().forbiddenKey << Kind::Forbidden
                             << "You don't have permission to access this resource";
        QTest::newRow("404 detail")
            << "/api/contracts/NO_SUCH_KEY/"
            << "" << kKey << Kind::NotFound << "No Contract matches the given query.";
        QTest::newRow("404 path") << "/api/nothing-here/"
                                  << "" << kKey << Kind::NotFound << "Not found.";
    }
    void errorsAreClassifiedWithServerMessage()
    {
        QFETCH(QString, path);
        QFETCH(QString, query);
        QFETCH(QString, key);
        QFETCH(Kind, kind);
        QFETCH(QString, message);
        SandboxServer &server = sandbox();
        auto c = client(server.baseUrl(), nullptr, key);
        QSignalSpy rejected(c.get(), &ApiClient::credentialsRejected);
        QSignalSpy rateLimit(c.get(), &ApiClient::rateLimitChanged);
        QSignalSpy requestFailed(c.get(), &ApiClient::requestFailed);
        ApiReply *r = c->get(path, QUrlQuery(query));
        QVERIFY(finish(r));
        QCOMPARE(r->error().kind(), kind);
        QVERIFY2(r->error().serverMessage().startsWith(message),
                 qPrintable(r->error().serverMessage()));
        QCOMPARE(r->attempts(), 1); // never retried
        QCOMPARE(server.apiRequestCount(), 1);
        QCOMPARE(rejected.count(), kind == Kind::Unauthorized ? 1 : 0);
        QCOMPARE(requestFailed.count(), 1);
        QCOMPARE(rateLimit.count(), 1); // errors carry rate-limit headers too
        QCOMPARE(r->error().apiVersion(), QStringLiteral("4.22.0"));
        if (query.startsWith(QLatin1String("shape"))) {
            QVERIFY(
                r->error().issues().join(QLatin1Char(' ')).contains(QLatin1String("bogus_field")));
            QVERIFY(!r->error().availableFields().isEmpty());
        }
    }

    void faultsAreRecoveredByRetry_data()
    {
        QTest::addColumn<Fault>("fault");
        QTest::addColumn<int>("param");
        QTest::addColumn<Kind>("firstError");
        QTest::newRow("500") << Fault::Http500 << 0 << Kind::ServerError;
        QTest::newRow("502 html") << Fault::Http502Html << 0 << Kind::ServerError;
        QTest::newRow("truncated") << Fault::TruncatedBody << 0 << Kind::BadResponse;
        QTest::newRow("dropped") << Fault::DropConnection << 0 << Kind::Network;
        QTest::newRow("ok with error") << Fault::OkWithError << 0 << Kind::BadResponse;
        QTest::newRow("not json") << Fault::NotJson << 0 << Kind::BadResponse;
        QTest::newRow("spurious 429") << Fault::Spurious429 << 3 << Kind::RateLimited;
        QTest::newRow("delay past timeout") << Fault::Delay << 1500 << Kind::Timeout;
    }
    void faultsAreRecoveredByRetry()
    {
        QFETCH(Fault, fault);
        QFETCH(int, param);
        QFETCH(Kind, firstError);
        ManualClock clock;
        SandboxServer &server = sandbox();
        server.setClock(&clock);
        server.scriptFault(1, fault, param);
        auto c = client(server.baseUrl(), &clock);
        c->setTransferTimeoutMs(300);
        QUrlQuery q(QStringLiteral("limit=5"));
        ApiReply *r = c->getList(QStringLiteral("/api/contracts/"), q);
        QSignalSpy retrying(r, &ApiReply::retrying);
        QSignalSpy waiting(r, &ApiReply::waiting);
        QSignalSpy succeeded(r, &ApiReply::succeeded);
        QVERIFY(finish(r, &clock));
        QVERIFY2(!r->error().isError(), qPrintable(r->error().summary()));
        QCOMPARE(succeeded.count(), 1);
        QCOMPARE(r->page().results().size(), 5);
        QTRY_COMPARE_WITH_TIMEOUT(server.apiRequestCount(), 2, 5000);
        if (fault == Fault::DropConnection && r->attempts() == 1) {
            // Qt itself resends an idempotent request whose connection closed before any
            // answer; our own retry is covered by droppedConnectionsExhaustRetries().
            QCOMPARE(retrying.count(), 0);
            return;
        }
        QCOMPARE(r->attempts(), 2);
        QCOMPARE(retrying.count(), 1);
        QCOMPARE(retrying.first().at(1).value<ApiError>().kind(), firstError);
        QCOMPARE(waiting.count(), 1);
        if (fault == Fault::Spurious429) {
            QCOMPARE(waiting.first().at(0).toLongLong(), qint64(param));
            QCOMPARE(waiting.first().at(1).value<ApiReply::WaitReason>(),
                     ApiReply::WaitReason::RateLimit);
        } else {
            QCOMPARE(waiting.first().at(1).value<ApiReply::WaitReason>(),
                     ApiReply::WaitReason::Backoff);
        }
        QTRY_COMPARE_WITH_TIMEOUT(server.apiRequestCount(), 2, 5000);
    }

    void droppedConnectionsExhaustRetries()
    {
        ManualClock clock;
        SandboxServer &server = sandbox();
        server.faultEvery(Fault::DropConnection, 1000);
        auto c = client(server.baseUrl(), &clock);
        c->setRetryPolicy(fastRetries(2));
        ApiReply *r = c->get(QStringLiteral("/api/contracts/"));
        QSignalSpy retrying(r, &ApiReply::retrying);
        QVERIFY(finish(r, &clock));
        QCOMPARE(r->error().kind(), Kind::Network);
        QCOMPARE(r->attempts(), 3);
        QCOMPARE(retrying.count(), 2);
        QVERIFY(server.apiRequestCount() >= 3);
    }

    void persistentFaultFailsAfterMaxRetries()
    {
        ManualClock clock;
        SandboxServer &server = sandbox();
        server.faultEvery(Fault::Http500, 100);
        auto c = client(server.baseUrl(), &clock);
        RetryPolicy p = c->retryPolicy();
        p.maxRetries = 2;
        p.baseDelayMs = 1000;
        p.maxDelayMs = 1500;
        p.jitter = 0;
        c->setRetryPolicy(p);
        ApiReply *r = c->get(QStringLiteral("/api/contracts/"));
        QSignalSpy waiting(r, &ApiReply::waiting);
        QVERIFY(finish(r, &clock));
        QCOMPARE(r->error().kind(), Kind::ServerError);
        QCOMPARE(r->error().title(), QStringLiteral("Server error (500)"));
        QCOMPARE(r->attempts(), 3);
        QCOMPARE(server.apiRequestCount(), 3);
        QCOMPARE(waiting.count(), 2);
        QCOMPARE(waiting.at(0).at(0).toLongLong(), qint64(1)); // 1000 ms
        QCOMPARE(waiting.at(1).at(0).toLongLong(), qint64(2)); // capped at 1500 ms
        QCOMPARE(r->elapsedMs(), qint64(2500));
    }

    void rateLimitWaitIsExact()
    {
        ManualClock clock;
        SandboxServer &server = sandbox();
        server.setClock(&clock);
        server.scriptFault(1, Fault::Spurious429, 45);
        auto c = client(server.baseUrl(), &clock);
        c->setRetryPolicy(RetryPolicy()); // the default backoff cap (8 s) must not shorten it
        ApiReply *r =
            c->get(QStringLiteral("/api/contracts/"), QUrlQuery(QStringLiteral("limit=1")));
        QSignalSpy waiting(r, &ApiReply::waiting);
        QTRY_VERIFY_WITH_TIMEOUT(r->isWaiting(), 10000);
        QCOMPARE(server.apiRequestCount(), 1);
        QCOMPARE(waiting.count(), 1);
        QCOMPARE(waiting.first().at(0).toLongLong(), qint64(45));
        QVERIFY(waiting.first().at(2).toString().contains(QLatin1String("burst")));
        clock.advance(44'999);
        QCoreApplication::processEvents();
        QCOMPARE(r->attempts(), 1); // nothing sent before the wait is over
        QVERIFY(r->isWaiting());
        clock.advance(1);
        QCOMPARE(r->attempts(), 2); // sent right after
        QVERIFY(finish(r, &clock));
        QVERIFY(!r->error().isError());
        QCOMPARE(server.apiRequestCount(), 2);
        QCOMPARE(r->elapsedMs(), qint64(45'000));
    }

    void rateLimitRetriesAreBounded()
    {
        ManualClock clock;
        SandboxServer &server = sandbox();
        server.setClock(&clock);
        server.faultEvery(Fault::Spurious429, 100, 2);
        auto c = client(server.baseUrl(), &clock);
        RetryPolicy p = fastRetries();
        p.maxRateLimitRetries = 2;
        c->setRetryPolicy(p);
        ApiReply *r = c->get(QStringLiteral("/api/contracts/"));
        QVERIFY(finish(r, &clock));
        QCOMPARE(r->error().kind(), Kind::RateLimited);
        QCOMPARE(r->error().waitSeconds(), std::optional<qint64>(2));
        QCOMPARE(r->attempts(), 3);
        QCOMPARE(r->elapsedMs(), qint64(4000));
    }

    void exhaustedDailyWindowFailsFast()
    {
        ManualClock clock;
        clock.setUtcNow(QDateTime(QDate(2026, 8, 14), QTime(23, 0), Qt::UTC));
        SandboxServer &server = sandbox();
        server.setClock(&clock);
        server.setDailyLimit(2);
        auto c = client(server.baseUrl(), &clock);
        for (int i = 0; i < 2; ++i) {
            ApiReply *ok =
                c->get(QStringLiteral("/api/contracts/"), QUrlQuery(QStringLiteral("limit=1")));
            QVERIFY(finish(ok, &clock));
            QVERIFY(!ok->error().isError());
        }
        // The pacer knows the daily window is spent: refused without sending.
        ApiReply *r = c->get(QStringLiteral("/api/contracts/"));
        QSignalSpy waiting(r, &ApiReply::waiting);
        QVERIFY(finish(r));
        QCOMPARE(r->error().kind(), Kind::QuotaExhausted);
        QCOMPARE(r->error().resetsAtUtc(), QDateTime(QDate(2026, 8, 15), QTime(0, 0), Qt::UTC));
        QCOMPARE(r->attempts(), 0);
        QCOMPARE(waiting.count(), 0);
        QCOMPARE(server.apiRequestCount(), 2);

        // Without the pacer the server's 429 for the daily window is not retried either.
        c->pacer()->setEnabled(false);
        ApiReply *s = c->get(QStringLiteral("/api/contracts/"));
        QVERIFY(finish(s));
        QCOMPARE(s->error().kind(), Kind::QuotaExhausted);
        QCOMPARE(s->error().httpStatus(), 429);
        QCOMPARE(s->error().rateLimitWindow(), QStringLiteral("daily"));
        QCOMPARE(s->error().title(), QStringLiteral("Daily quota used up"));
        QCOMPARE(s->error().resetsAtUtc(), QDateTime(QDate(2026, 8, 15), QTime(0, 0), Qt::UTC));
        QCOMPARE(s->attempts(), 1);
        QCOMPARE(server.apiRequestCount(), 3);
    }

    void pacerHoldsAtZeroAndReleasesAtReset()
    {
        ManualClock clock;
        SandboxServer &server = sandbox();
        server.setClock(&clock);
        server.setBurstLimit(3, 10);
        auto c = client(server.baseUrl(), &clock);
        c->pacer()->setResetMarginMs(100);
        for (int i = 0; i < 3; ++i) {
            ApiReply *ok =
                c->get(QStringLiteral("/api/contracts/"), QUrlQuery(QStringLiteral("limit=1")));
            QVERIFY(finish(ok, &clock));
            QVERIFY(!ok->error().isError());
        }
        ApiReply *held =
            c->get(QStringLiteral("/api/contracts/"), QUrlQuery(QStringLiteral("limit=1")));
        QSignalSpy waiting(held, &ApiReply::waiting);
        QTRY_VERIFY_WITH_TIMEOUT(held->isWaiting(), 5000);
        QCOMPARE(waiting.count(), 1);
        QCOMPARE(waiting.first().at(1).value<ApiReply::WaitReason>(), ApiReply::WaitReason::Pacing);
        QCOMPARE(waiting.first().at(0).toLongLong(), qint64(11)); // 10.1 s, rounded up
        QCOMPARE(held->attempts(), 0);
        clock.advance(10'099);
        QCOMPARE(held->attempts(), 0);
        clock.advance(1);
        QCOMPARE(held->attempts(), 1);
        QVERIFY(finish(held, &clock));
        QVERIFY2(!held->error().isError(), qPrintable(held->error().summary()));
        for (const SandboxServer::LogEntry &e : server.requestLog())
            QCOMPARE(e.status, 200);
    }

    void longWalkUnderSmallBurstDrawsNo429()
    {
        ManualClock clock;
        SandboxOptions o;
        o.rows = 300;
        SandboxServer &server = sandbox(o);
        server.setClock(&clock);
        server.setBurstLimit(10, 2);
        auto c = client(server.baseUrl(), &clock);
        const qint64 start = clock.nowMs();
        ApiReply *r =
            c->getList(QStringLiteral("/api/contracts/"), QUrlQuery(QStringLiteral("limit=5")));
        QStringList keys;
        int pages = 0;
        while (r && ++pages <= 60) {
            QVERIFY(finish(r, &clock));
            QVERIFY2(!r->error().isError(), qPrintable(r->error().summary()));
            for (const QJsonValue &row : r->page().results())
                keys << row.toObject().value(QLatin1String("key")).toString();
            r->deleteLater();
            r = r->page().hasNext() ? c->getUrl(r->page().next(), ApiReply::Expect::ListPage)
                                    : nullptr;
        }
        QCOMPARE(keys, server.keysInDefaultOrder());
        for (const SandboxServer::LogEntry &e : server.requestLog())
            QVERIFY2(e.status == 200, qPrintable(QString::number(e.number)));
        QCOMPARE(server.apiRequestCount(), 60);
        // 60 requests at 10 per 2 s: five full windows must pass; the pacer adds its margin.
        const qint64 took = clock.nowMs() - start;
        QVERIFY2(took >= 10'000 && took <= 5 * (2000 + 150),
                 qPrintable(QStringLiteral("took %1 ms").arg(took)));
    }

    void concurrentRequestsUnderSmallBurstDrawNo429()
    {
        ManualClock clock;
        SandboxServer &server = sandbox();
        server.setClock(&clock);
        server.setBurstLimit(3, 2);
        auto c = client(server.baseUrl(), &clock);
        QList<ApiReply *> replies;
        for (int i = 0; i < 9; ++i)
            replies << c->get(QStringLiteral("/api/contracts/"),
                              QUrlQuery(QStringLiteral("limit=1")));
        auto allDone = [&] {
            return std::all_of(replies.begin(), replies.end(),
                               [](ApiReply *r) { return r->isFinished(); });
        };
        const qint64 start = clock.nowMs();
        QDeadlineTimer deadline(20000);
        while (!allDone() && !deadline.hasExpired()) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            // Time moves only while nothing is on the wire, as it would for a fast server.
            if (c->pacer()->inFlight() == 0 && clock.pendingCount() > 0)
                clock.advance(std::max<qint64>(0, clock.nextDueMs() - clock.nowMs()));
        }
        QVERIFY(allDone());
        for (ApiReply *r : replies)
            QVERIFY2(!r->error().isError(), qPrintable(r->error().summary()));
        QCOMPARE(server.apiRequestCount(), 9);
        for (const SandboxServer::LogEntry &e : server.requestLog())
            QCOMPARE(e.status, 200);
        const qint64 took = clock.nowMs() - start;
        QVERIFY2(took >= 4000 && took <= 2 * 2150 + 100, qPrintable(QString::number(took)));
    }

    void abortInFlight()
    {
        SandboxServer &server = sandbox();
        server.scriptFault(1, Fault::Delay, 300);
        auto c = client(server.baseUrl());
        ApiReply *r = c->get(QStringLiteral("/api/contracts/"));
        QSignalSpy failed(r, &ApiReply::failed);
        QSignalSpy succeeded(r, &ApiReply::succeeded);
        QSignalSpy finished(r, &ApiReply::finished);
        QTRY_COMPARE_WITH_TIMEOUT(server.apiRequestCount(), 1, 5000);
        r->abort();
        QCOMPARE(failed.count(), 1);
        QCOMPARE(r->error().kind(), Kind::Aborted);
        QCOMPARE(finished.count(), 1);
        r->abort(); // twice: harmless
        QCOMPARE(finished.count(), 1);
        // The server answers the delayed request later; the reply stays aborted.
        QTRY_COMPARE_WITH_TIMEOUT(server.requestLog().size(), 1, 5000);
        QCoreApplication::processEvents();
        QCOMPARE(succeeded.count(), 0);
        QCOMPARE(finished.count(), 1);
    }

    void abortWhileWaiting()
    {
        ManualClock clock;
        SandboxServer &server = sandbox();
        server.setClock(&clock);
        server.scriptFault(1, Fault::Spurious429, 45);
        auto c = client(server.baseUrl(), &clock);
        ApiReply *r = c->get(QStringLiteral("/api/contracts/"));
        QSignalSpy finished(r, &ApiReply::finished);
        QTRY_VERIFY_WITH_TIMEOUT(r->isWaiting(), 5000);
        r->abort();
        QVERIFY(!r->isWaiting());
        QCOMPARE(r->error().kind(), Kind::Aborted);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(clock.pendingCount(), 0);
        clock.advance(60'000);
        QCoreApplication::processEvents();
        QCOMPARE(server.apiRequestCount(), 1);
        QCOMPARE(r->attempts(), 1);
    }

    void abortBeforeStartSendsNothing()
    {
        SandboxServer &server = sandbox();
        auto c = client(server.baseUrl());
        ApiReply *r = c->get(QStringLiteral("/api/contracts/"));
        r->abort();
        QVERIFY(r->isFinished());
        QCOMPARE(r->error().kind(), Kind::Aborted);
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        QCOMPARE(r->attempts(), 0);
        QCOMPARE(server.apiRequestCount(), 0);
    }

    void deletingMidwayIsSafe()
    {
        ManualClock clock;
        SandboxServer &server = sandbox();
        server.setClock(&clock);
        auto c = client(server.baseUrl(), &clock);
        // A receiver that deletes the reply outright from its own signal.
        ApiReply *r = c->get(QStringLiteral("/api/contracts/NO_SUCH_KEY/"));
        QPointer<ApiReply> guard(r);
        bool sawFailure = false;
        connect(r, &ApiReply::failed, this, [&](const ApiError &e) {
            sawFailure = e.kind() == Kind::NotFound;
            delete guard.data();
        });
        QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), 5000);
        QVERIFY(sawFailure);
        // The same from rateLimitChanged, before the reply has even looked at the body.
        ApiReply *r2 = c->get(QStringLiteral("/api/contracts/"));
        QPointer<ApiReply> guard2(r2);
        auto conn =
            connect(c.get(), &ApiClient::rateLimitChanged, this, [&] { delete guard2.data(); });
        QTRY_VERIFY_WITH_TIMEOUT(guard2.isNull(), 5000);
        disconnect(conn);
        // The client goes away while one reply waits and another is on the wire.
        server.scriptFault(server.apiRequestCount() + 1, Fault::Spurious429, 30);
        ApiReply *waiting = c->get(QStringLiteral("/api/contracts/"));
        QPointer<ApiReply> waitingGuard(waiting);
        QTRY_VERIFY_WITH_TIMEOUT(waiting->isWaiting(), 5000);
        server.scriptFault(server.apiRequestCount() + 1, Fault::Delay, 200);
        c->pacer()->setEnabled(false);
        ApiReply *onWire = c->get(QStringLiteral("/api/contracts/"));
        QPointer<ApiReply> wireGuard(onWire);
        QTRY_VERIFY_WITH_TIMEOUT(onWire->attempts() == 1, 5000);
        c.reset();
        QVERIFY(waitingGuard.isNull());
        QVERIFY(wireGuard.isNull());
        clock.advance(60'000); // the cancelled wait must not fire into freed memory
        QTRY_COMPARE_WITH_TIMEOUT(server.requestLog().size(), server.apiRequestCount(), 5000);
    }

    void untrustedCertificateIsRefused()
    {
        if (!QSslSocket::supportsSsl())
            QSKIP("no TLS backend");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString key = dir.filePath(QStringLiteral("key.pem"));
        const QString cert = dir.filePath(QStringLiteral("cert.pem"));
        // A throw-away self-signed certificate, made here so that no key lives in the sources.
        const int rc = QProcess::execute(
            QStringLiteral("openssl"),
            {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
             QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
             QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
             QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert, QStringLiteral("-days"),
             QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
             QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1")});
        if (rc != 0)
            QSKIP("openssl is not available to make a test certificate");
        QFile keyFile(key), certFile(cert);
        QVERIFY(keyFile.open(QIODevice::ReadOnly) && certFile.open(QIODevice::ReadOnly));
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Ec));
        config.setLocalCertificate(QSslCertificate(certFile.readAll()));
        QSslServer tls;
        tls.setSslConfiguration(config);
        QVERIFY(tls.listen(QHostAddress::LocalHost));
        int served = 0;
        connect(&tls, &QSslServer::pendingConnectionAvailable, this, [&] {
            while (QTcpSocket *s = tls.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [&served, s] {
                    ++served; // only reachable if the client trusted us
                    s->write(RawServer::response(200, "{}"));
                    s->disconnectFromHost();
                });
            }
        });

        auto c = client(QUrl(QStringLiteral("https://127.0.0.1:%1").arg(tls.serverPort())));
        c->setRetryPolicy(RetryPolicy::none());
        ApiReply *r = c->get(QStringLiteral("/api/contracts/"));
        QVERIFY(finish(r));
        QCOMPARE(r->error().kind(), Kind::Network);
        QVERIFY2(r->error().detail().contains(QLatin1String("SSL"), Qt::CaseInsensitive),
                 qPrintable(r->error().detail()));
        QCOMPARE(served, 0); // no request, and so no key, went over the untrusted connection
    }

    void networkErrorsAreRetriedThenReported()
    {
        const quint16 port = closedPort();
        QVERIFY(port != 0);
        auto c = client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
        c->setRetryPolicy(fastRetries(1));
        ApiReply *r = c->get(QStringLiteral("/api/contracts/"));
        QVERIFY(finish(r));
        QCOMPARE(r->error().kind(), Kind::Network);
        QCOMPARE(r->error().title(), QStringLiteral("Network error"));
        QVERIFY(!r->error().detail().isEmpty());
        QCOMPARE(r->attempts(), 2);
    }

    void renewsCredentialsOnceAfter401()
    {
        SandboxServer &server = sandbox();
        auto c = client(server.baseUrl());
        auto bearer = std::make_shared<BearerCredentials>(QStringLiteral("expired-token-000"));
        int renewals = 0;
        SandboxServer *s = &server;
        bearer->setRenewer([&renewals, s](std::function<void(bool, QString)> done) {
            ++renewals;
            done(true, s->issueAccessToken(3600));
        });
        c->setCredentials(bearer);
        QSignalSpy rejected(c.get(), &ApiClient::credentialsRejected);
        ApiReply *r =
            c->get(QStringLiteral("/api/contracts/"), QUrlQuery(QStringLiteral("limit=1")));
        QVERIFY(finish(r));
        QVERIFY2(!r->error().isError(), qPrintable(r->error().summary()));
        QCOMPARE(renewals, 1);
        QCOMPARE(r->attempts(), 2);
        QCOMPARE(rejected.count(), 0);

        // A renewal that yields another bad token: one renewal, then rejected.
        renewals = 0;
        bearer->setAccessToken(QStringLiteral("expired-token-000"));
        bearer->setRenewer([&renewals](std::function<void(bool, QString)> done) {
            ++renewals;
            done(true, QStringLiteral("still-bad-token"));
        });
        ApiReply *bad = c->get(QStringLiteral("/api/contracts/"));
        QVERIFY(finish(bad));
        QCOMPARE(bad->error().kind(), Kind::Unauthorized);
        QCOMPARE(bad->error().title(), QStringLiteral("Access token rejected (401)"));
        QCOMPARE(renewals, 1);
        QCOMPARE(bad->attempts(), 2);
        QCOMPARE(rejected.count(), 1);
    }

    void secretsNeverLeak()
    {
        const QString secret = QStringLiteral("super-secret-key-ABCDEF123456");
        MessageCapture capture;
        SandboxServer &server = sandbox();
        auto c = client(server.baseUrl(), nullptr, secret);
        QUrl withKey = server.baseUrl();
        withKey.setPath(QStringLiteral("/api/contracts/"));
        withKey.setQuery(QStringLiteral("api_key=%1&token=%1&key=CONT_1").arg(secret));
        ApiReply *r = c->getUrl(withKey);
        QVERIFY(finish(r));
        QCOMPARE(r->error().kind(), Kind::Unauthorized);
        QVERIFY(!r->error().url().toString().contains(secret));
        QVERIFY(!r->url().toString().contains(secret));
        QVERIFY(!r->error().summary().contains(secret));
        QVERIFY(r->error().url().toString().contains(QLatin1String("CONT_1")));
        QVERIFY(!r->error().detail().contains(secret));
        QVERIFY(!r->error().rawBody().contains(secret.toUtf8()));
        QVERIFY(!c->credentials()->displayName().contains(secret));
        // What a caller would log.
        qWarning("%s", qPrintable(r->error().summary()));
        // A network failure's technical detail quotes URLs: still nothing secret.
        const quint16 port = closedPort();
        c->setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
        c->setRetryPolicy(RetryPolicy::none());
        QUrl bad(QStringLiteral("http://127.0.0.1:%1/api/?api_key=%2").arg(port).arg(secret));
        ApiReply *n = c->getUrl(bad);
        QVERIFY(finish(n));
        QCOMPARE(n->error().kind(), Kind::Network);
        qWarning("%s / %s", qPrintable(n->error().summary()), qPrintable(n->error().detail()));
        QVERIFY(!n->error().summary().contains(secret));
        QVERIFY(!n->error().detail().contains(secret));
        QVERIFY(!capture.messages().isEmpty());
        QVERIFY(!capture.contains(secret));
        QVERIFY(!capture.contains(secret.right(8)));
    }

    void replyReportsTimingAndRateLimit()
    {
        ManualClock clock;
        SandboxServer &server = sandbox();
        server.setClock(&clock);
        auto c = client(server.baseUrl(), &clock);
        ApiReply *r = c->get(QStringLiteral("/api/contracts/NO_SUCH_KEY/"));
        QVERIFY(finish(r, &clock));
        QCOMPARE(r->httpStatus(), 404);
        QCOMPARE(r->elapsedMs(), qint64(0)); // no clock time passed
        const RateLimitSnapshot s = r->rateLimit();
        QVERIFY(!s.isEmpty());
        QVERIFY(s.executionTimeSeconds().has_value());
        QCOMPARE(s.window(QStringLiteral("daily"))->limit,
                 std::optional<qint64>(SandboxOptions().dailyLimit));
        QCOMPARE(s.receivedAtMs(), clock.nowMs());
    }
};

QTEST_GUILESS_MAIN(tst_ApiClient)
#include "tst_ApiClient.moc"
