#include "api/ApiClient.h"
#include "api/ApiReply.h"
#include "auth/BearerCredentials.h"
#include "auth/OAuthSession.h"
#include "sandbox/SandboxServer.h"
#include "util/ManualClock.h"

#include "keychain/FakeAuthServer.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkInterface>
#include <QNetworkReply>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include "ClosedPort.h"
#include "MessageCapture.h"

using namespace tango;

namespace {

// Stands in for the system browser: follows the authorization URL's redirect to the loopback
// listener and keeps the page it shows.
class PlainHttpBrowser : public QObject
{
public:
    QString page;
    int status = 0;
    bool done = false;

    void open(const QUrl &url)
    {
        QNetworkRequest req(url);
        req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
        QNetworkReply *reply = m_nam.get(req);
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            page = QString::fromUtf8(reply->readAll());
            status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            done = true;
            reply->deleteLater();
        });
    }

private:
    QNetworkAccessManager m_nam;
};

OAuthConfig configFor(const FakeAuthServer &server)
{
    return OAuthConfig::forBaseUrl(server.baseUrl(), server.clientId, server.clientSecret);
}

} // namespace

class tst_OAuthSession : public QObject
{
    Q_OBJECT

private:
    // Runs one sign-in with the plain HTTP browser; returns the page it landed on.
    QString signIn(OAuthSession &session, FakeAuthServer &server, PlainHttpBrowser &browser)
    {
        session.setConfig(configFor(server));
        connect(&session, &OAuthSession::openBrowser, &browser, &PlainHttpBrowser::open);
        if (!session.signIn())
            return {};
        if (!QTest::qWaitFor([&] { return browser.done; }, 10000))
            return {};
        return browser.page;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<OAuthSession::Failure>();
        qRegisterMetaType<OAuthSession::State>();
    }

    void signInWithPlainHttpBrowser()
    {
        FakeAuthServer server;
        QVERIFY(server.isListening());
        OAuthSession session;
        PlainHttpBrowser browser;
        QSignalSpy signedIn(&session, &OAuthSession::signedIn);
        QSignalSpy tokensChanged(&session, &OAuthSession::tokensChanged);
        const QString page = signIn(session, server, browser);
        QCOMPARE(browser.status, 200);
        QVERIFY2(page.contains(QStringLiteral("Sign-in succeeded")), qPrintable(page));
        QVERIFY(page.contains(QStringLiteral("close this tab")));
        QVERIFY(signedIn.wait(5000) || signedIn.count() == 1);
        QCOMPARE(session.state(), OAuthSession::State::SignedIn);
        QCOMPARE(session.tokens().accessToken, server.lastAccessToken);
        QCOMPARE(session.tokens().refreshToken, server.lastRefreshToken);
        QVERIFY(session.tokens().expiresAtUtc.isValid());
        QCOMPARE(tokensChanged.count(), 1);
        QCOMPARE(server.tokenRequests.size(), 1);
        QCOMPARE(server.tokenRequests.first().value(QStringLiteral("grant_type")),
                 QStringLiteral("authorization_code"));
        // The listener is gone as soon as the one callback arrived.
        QVERIFY(!session.isListening());
    }

    void authorizationUrlCarriesPkceStateAndLoopbackRedirect()
    {
        FakeAuthServer server;
        OAuthSession session;
        session.setConfig(configFor(server));
        QSignalSpy open(&session, &OAuthSession::openBrowser);
        QVERIFY(session.signIn());
        QCOMPARE(open.count(), 1);
        const QUrl url = open.first().first().toUrl();
        QCOMPARE(url, session.authorizationUrl());
        QCOMPARE(url.path(), QStringLiteral("/oauth2/authorize/"));
        const QUrlQuery q(url);
        QCOMPARE(q.queryItemValue(QStringLiteral("response_type")), QStringLiteral("code"));
        QCOMPARE(q.queryItemValue(QStringLiteral("client_id")), server.clientId);
        QCOMPARE(q.queryItemValue(QStringLiteral("scope")), QStringLiteral("read"));
        QCOMPARE(q.queryItemValue(QStringLiteral("code_challenge_method")), QStringLiteral("S256"));
        // base64url of a SHA-256 without padding is 43 characters.
        QCOMPARE(q.queryItemValue(QStringLiteral("code_challenge")).size(), 43);
        QVERIFY(q.queryItemValue(QStringLiteral("state")).size() >= 16);
        const QUrl redirect(q.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded));
        QCOMPARE(redirect.host(), QStringLiteral("127.0.0.1"));
        QCOMPARE(redirect.port(), int(session.listenPort()));
        QCOMPARE(redirect, session.redirectUri());
        QVERIFY(session.isListening());
        session.cancel();
    }

    void freshVerifierAndStateForEachAttempt()
    {
        FakeAuthServer server;
        OAuthSession session;
        session.setConfig(configFor(server));
        QSignalSpy open(&session, &OAuthSession::openBrowser);
        QVERIFY(session.signIn());
        const quint16 firstPort = session.listenPort();
        QVERIFY(session.signIn());
        QCOMPARE(open.count(), 2);
        const QUrlQuery a(open.at(0).first().toUrl());
        const QUrlQuery b(open.at(1).first().toUrl());
        QVERIFY(a.queryItemValue(QStringLiteral("code_challenge")) !=
                b.queryItemValue(QStringLiteral("code_challenge")));
        QVERIFY(a.queryItemValue(QStringLiteral("state")) !=
                b.queryItemValue(QStringLiteral("state")));
        // The first attempt's listener is closed when the second starts.
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, firstPort);
        QVERIFY(!probe.waitForConnected(2000) || firstPort == session.listenPort());
        session.cancel();
    }

    // Qt 6.4 sends a code containing %2B/%2F as %252B/%252F; the server must get it intact.
    void codeWithReservedCharactersArrivesIntact()
    {
        FakeAuthServer server;
        server.code = QStringLiteral("a+b/c=d%e&f g");
        OAuthSession session;
        PlainHttpBrowser browser;
        QSignalSpy signedIn(&session, &OAuthSession::signedIn);
        QSignalSpy failed(&session, &OAuthSession::signInFailed);
        signIn(session, server, browser);
        QTRY_VERIFY_WITH_TIMEOUT(signedIn.count() + failed.count() > 0, 5000);
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));
        QCOMPARE(server.tokenRequests.first().value(QStringLiteral("code")), server.code);
        // Encoded exactly once on the wire.
        QVERIFY(server.rawTokenBodies.first().contains(
            "code=" + QUrl::toPercentEncoding(server.code) + '&'));
    }

    void confidentialClientSendsItsSecretEncoded()
    {
        FakeAuthServer server;
        server.clientSecret = QStringLiteral("s3cr+t&x=y");
        OAuthSession session;
        PlainHttpBrowser browser;
        QSignalSpy signedIn(&session, &OAuthSession::signedIn);
        signIn(session, server, browser);
        QVERIFY(signedIn.count() == 1 || signedIn.wait(5000));
        QCOMPARE(server.tokenRequests.first().value(QStringLiteral("client_secret")),
                 server.clientSecret);
        // The secret is never part of the URL the browser sees.
        QVERIFY(!session.authorizationUrl().toString().contains(QStringLiteral("s3cr")));
    }

    void stateMismatchEndsWithAClearMessage()
    {
        FakeAuthServer server;
        server.authorize = FakeAuthServer::Authorize::WrongState;
        OAuthSession session;
        session.setSignInTimeoutMs(3000);
        PlainHttpBrowser browser;
        QSignalSpy failed(&session, &OAuthSession::signInFailed);
        const QString page = signIn(session, server, browser);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 3000);
        QCOMPARE(failed.first().at(0).value<OAuthSession::Failure>(),
                 OAuthSession::Failure::StateMismatch);
        QVERIFY(failed.first().at(1).toString().contains(QStringLiteral("state mismatch")));
        QVERIFY(page.contains(QStringLiteral("did not complete")));
        QVERIFY(!page.contains(QStringLiteral("Sign-in succeeded")));
        QVERIFY(server.tokenRequests.isEmpty());
        QCOMPARE(session.state(), OAuthSession::State::Failed);
        QVERIFY(!session.isListening());
    }

    void accessDeniedEndsWithAClearMessage()
    {
        FakeAuthServer server;
        server.authorize = FakeAuthServer::Authorize::Deny;
        OAuthSession session;
        session.setSignInTimeoutMs(3000);
        PlainHttpBrowser browser;
        QSignalSpy failed(&session, &OAuthSession::signInFailed);
        const QString page = signIn(session, server, browser);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 3000);
        QCOMPARE(failed.first().at(0).value<OAuthSession::Failure>(),
                 OAuthSession::Failure::AccessDenied);
        const QString message = failed.first().at(1).toString();
        QVERIFY(message.contains(QStringLiteral("declined")));
        QVERIFY(message.contains(QStringLiteral("The user said no")));
        QVERIFY(page.contains(QStringLiteral("did not complete")));
        QVERIFY(server.tokenRequests.isEmpty());
    }

    void missingCodeEndsWithAClearMessage()
    {
        FakeAuthServer server;
        server.authorize = FakeAuthServer::Authorize::NoCode;
        OAuthSession session;
        session.setSignInTimeoutMs(3000);
        PlainHttpBrowser browser;
        QSignalSpy failed(&session, &OAuthSession::signInFailed);
        signIn(session, server, browser);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 3000);
        QCOMPARE(failed.first().at(0).value<OAuthSession::Failure>(),
                 OAuthSession::Failure::MissingCode);
    }

    // Qt 6.4 emits nothing for a token-endpoint 4xx; the session must.
    void tokenEndpoint400EndsWithTheServersWords()
    {
        FakeAuthServer server;
        server.token = FakeAuthServer::Token::Reject400;
        OAuthSession session;
        session.setSignInTimeoutMs(3000);
        PlainHttpBrowser browser;
        QSignalSpy failed(&session, &OAuthSession::signInFailed);
        signIn(session, server, browser);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 3000);
        QCOMPARE(failed.first().at(0).value<OAuthSession::Failure>(),
                 OAuthSession::Failure::TokenRejected);
        const QString message = failed.first().at(1).toString();
        QVERIFY2(message.contains(QStringLiteral("400")), qPrintable(message));
        QVERIFY(message.contains(QStringLiteral("invalid_grant")));
        QVERIFY(message.contains(QStringLiteral("Told to refuse")));
        QVERIFY(!session.hasTokens());
    }

    void tokenEndpointGarbageIsNotASuccess_data()
    {
        QTest::addColumn<int>("how");
        QTest::newRow("html") << int(FakeAuthServer::Token::Garbage200);
        QTest::newRow("no access_token") << int(FakeAuthServer::Token::NoAccessToken);
    }
    void tokenEndpointGarbageIsNotASuccess()
    {
        QFETCH(int, how);
        FakeAuthServer server;
        server.token = FakeAuthServer::Token(how);
        OAuthSession session;
        session.setSignInTimeoutMs(3000);
        PlainHttpBrowser browser;
        QSignalSpy failed(&session, &OAuthSession::signInFailed);
        QSignalSpy signedIn(&session, &OAuthSession::signedIn);
        signIn(session, server, browser);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 2500);
        QCOMPARE(failed.first().at(0).value<OAuthSession::Failure>(),
                 OAuthSession::Failure::BadTokenResponse);
        QCOMPARE(signedIn.count(), 0);
    }

    void tokenEndpointUnreachable()
    {
        FakeAuthServer server;
        OAuthSession session;
        session.setSignInTimeoutMs(3000);
        OAuthConfig c = configFor(server);
        c.tokenUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/oauth2/token/").arg(closedPort()));
        session.setConfig(c);
        PlainHttpBrowser browser;
        connect(&session, &OAuthSession::openBrowser, &browser, &PlainHttpBrowser::open);
        QSignalSpy failed(&session, &OAuthSession::signInFailed);
        QVERIFY(session.signIn());
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 3000);
        QCOMPARE(failed.first().at(0).value<OAuthSession::Failure>(),
                 OAuthSession::Failure::TokenNetworkError);
        QVERIFY(failed.first().at(1).toString().contains(QStringLiteral("could not be reached")));
    }

    // Nobody finishes in the browser: the countdown runs from 300 and the attempt ends at 0.
    void timesOutAfterFiveMinutesWithCountdown()
    {
        FakeAuthServer server;
        ManualClock clock;
        OAuthSession session(nullptr, nullptr, &clock);
        session.setConfig(configFor(server));
        QSignalSpy countdown(&session, &OAuthSession::countdown);
        QSignalSpy failed(&session, &OAuthSession::signInFailed);
        QVERIFY(session.signIn());
        QCOMPARE(countdown.count(), 1);
        QCOMPARE(countdown.last().first().toLongLong(), 300);
        QCOMPARE(session.secondsLeft(), 300);
        clock.advance(1000);
        QCOMPARE(countdown.last().first().toLongLong(), 299);
        clock.advance(5 * 60 * 1000 - 1001);
        QCOMPARE(failed.count(), 0);
        QVERIFY(session.isListening());
        QCOMPARE(countdown.last().first().toLongLong(), 1);
        clock.advance(1);
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.first().at(0).value<OAuthSession::Failure>(),
                 OAuthSession::Failure::TimedOut);
        QVERIFY(failed.first().at(1).toString().contains(QStringLiteral("5 minute")));
        QVERIFY(!session.isListening());
        QCOMPARE(clock.pendingCount(), 0);
    }

    void cancelClosesTheListener()
    {
        FakeAuthServer server;
        OAuthSession session;
        session.setConfig(configFor(server));
        QSignalSpy failed(&session, &OAuthSession::signInFailed);
        QVERIFY(session.signIn());
        const quint16 port = session.listenPort();
        QVERIFY(port != 0);
        session.cancel();
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.first().at(0).value<OAuthSession::Failure>(),
                 OAuthSession::Failure::Cancelled);
        QVERIFY(!session.isListening());
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(!probe.waitForConnected(2000));
    }

    // The one-shot listener must not be reachable from the network.
    void listenerIsOnLoopbackOnly()
    {
        FakeAuthServer server;
        OAuthSession session;
        session.setConfig(configFor(server));
        QVERIFY(session.signIn());
        QCOMPARE(session.listenAddress(), QHostAddress(QHostAddress::LocalHost));
        QTcpSocket local;
        local.connectToHost(QHostAddress::LocalHost, session.listenPort());
        QVERIFY(local.waitForConnected(2000));
        local.abort();
        QHostAddress external;
        const auto all = QNetworkInterface::allAddresses();
        for (const QHostAddress &a : all) {
            if (a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLoopback()) {
                external = a;
                break;
            }
        }
        if (!external.isNull()) {
            QTcpSocket remote;
            remote.connectToHost(external, session.listenPort());
            QVERIFY2(!remote.waitForConnected(2000), qPrintable(external.toString()));
        }
        session.cancel();
        if (external.isNull())
            QSKIP("no non-loopback IPv4 address on this machine to probe from");
    }

    void invalidConfigIsRefusedBeforeListening_data()
    {
        QTest::addColumn<QString>("clientId");
        QTest::addColumn<QString>("base");
        QTest::newRow("no client id") << QString() << QStringLiteral("http://127.0.0.1:9");
        QTest::newRow("blank client id")
            << QStringLiteral("   ") << QStringLiteral("http://127.0.0.1:9");
        QTest::newRow("plain http to a remote host")
            << QStringLiteral("c") << QStringLiteral("http://example.com");
        QTest::newRow("not a url") << QStringLiteral("c") << QStringLiteral("::::");
    }
    void invalidConfigIsRefusedBeforeListening()
    {
        QFETCH(QString, clientId);
        QFETCH(QString, base);
        OAuthSession session;
        session.setConfig(OAuthConfig::forBaseUrl(QUrl(base), clientId));
        QSignalSpy failed(&session, &OAuthSession::signInFailed);
        QSignalSpy open(&session, &OAuthSession::openBrowser);
        QVERIFY(!session.signIn());
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.first().at(0).value<OAuthSession::Failure>(),
                 OAuthSession::Failure::InvalidConfig);
        QVERIFY(!failed.first().at(1).toString().isEmpty());
        QCOMPARE(open.count(), 0);
        QVERIFY(!session.isListening());
    }

    void refreshesBeforeExpiry()
    {
        FakeAuthServer server;
        server.lifetimeSeconds = 120;
        ManualClock clock;
        OAuthSession session(nullptr, nullptr, &clock);
        session.setRefreshMarginMs(60000);
        PlainHttpBrowser browser;
        QSignalSpy signedIn(&session, &OAuthSession::signedIn);
        signIn(session, server, browser);
        QVERIFY(signedIn.count() == 1 || signedIn.wait(5000));
        auto bearer = session.credentials();
        const QString first = session.tokens().accessToken;
        QCOMPARE(bearer->accessToken(), first);
        QSignalSpy changed(&session, &OAuthSession::tokensChanged);

        clock.advance(59999);
        QTest::qWait(50);
        QCOMPARE(server.tokenRequests.size(), 1);
        clock.advance(1);
        QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, 5000);
        QCOMPARE(server.tokenRequests.size(), 2);
        const auto req = server.tokenRequests.last();
        QCOMPARE(req.value(QStringLiteral("grant_type")), QStringLiteral("refresh_token"));
        // Public client: no empty client_secret (Qt 6.4's refresh sends one).
        QVERIFY(!req.contains(QStringLiteral("client_secret")));
        QVERIFY(session.tokens().accessToken != first);
        QCOMPARE(bearer->accessToken(), session.tokens().accessToken);
        QCOMPARE(session.tokens().refreshToken, server.lastRefreshToken);
        // And the next refresh is scheduled from the new expiry.
        QVERIFY(clock.pendingCount() >= 1);
    }

    void restoredTokensThatAlreadyExpiredRefreshAtOnce()
    {
        FakeAuthServer server;
        // Make the server know a refresh token by signing in once.
        OAuthSession first;
        PlainHttpBrowser browser;
        QSignalSpy signedIn(&first, &OAuthSession::signedIn);
        signIn(first, server, browser);
        QVERIFY(signedIn.count() == 1 || signedIn.wait(5000));

        ManualClock clock;
        OAuthSession restored(nullptr, nullptr, &clock);
        restored.setConfig(configFor(server));
        OAuthTokens old = first.tokens();
        old.expiresAtUtc = clock.utcNow().addSecs(-10);
        QSignalSpy changed(&restored, &OAuthSession::tokensChanged);
        restored.setTokens(old);
        clock.advance(0);
        QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, 5000);
        QCOMPARE(restored.tokens().accessToken, server.lastAccessToken);
    }

    // After a 401 the API client asks the credentials to renew once.
    void renewAfter401RefreshesOnceForConcurrentCallers()
    {
        FakeAuthServer server;
        OAuthSession session;
        PlainHttpBrowser browser;
        QSignalSpy signedIn(&session, &OAuthSession::signedIn);
        signIn(session, server, browser);
        QVERIFY(signedIn.count() == 1 || signedIn.wait(5000));
        auto bearer = session.credentials();
        QVERIFY(bearer->canRenew());
        int answers = 0;
        bool allOk = true;
        bearer->renew([&](bool ok) {
            ++answers;
            allOk = allOk && ok;
        });
        bearer->renew([&](bool ok) {
            ++answers;
            allOk = allOk && ok;
        });
        QTRY_COMPARE_WITH_TIMEOUT(answers, 2, 5000);
        QVERIFY(allOk);
        QCOMPARE(server.tokenRequests.size(), 2); // one code exchange, one refresh
        QCOMPARE(bearer->accessToken(), server.lastAccessToken);
    }

    void rejectedRefreshAsksToSignInAgain()
    {
        FakeAuthServer server;
        OAuthSession session;
        PlainHttpBrowser browser;
        QSignalSpy signedIn(&session, &OAuthSession::signedIn);
        signIn(session, server, browser);
        QVERIFY(signedIn.count() == 1 || signedIn.wait(5000));
        server.refresh = FakeAuthServer::Token::Reject400;
        auto bearer = session.credentials();
        QSignalSpy refreshFailed(&session, &OAuthSession::refreshFailed);
        bool answered = false, result = true;
        bearer->renew([&](bool ok) {
            answered = true;
            result = ok;
        });
        QTRY_VERIFY_WITH_TIMEOUT(answered, 5000);
        QVERIFY(!result);
        QCOMPARE(refreshFailed.count(), 1);
        QVERIFY(refreshFailed.first().first().toString().contains(QStringLiteral("invalid_grant")));
        // Not stuck: a new sign-in works at once and fixes the same credentials object.
        server.refresh = FakeAuthServer::Token::Ok;
        browser.done = false;
        QVERIFY(session.signIn());
        QTRY_COMPARE_WITH_TIMEOUT(signedIn.count(), 2, 5000);
        QCOMPARE(bearer->accessToken(), server.lastAccessToken);
    }

    void noRefreshTokenMeansNoRenewal()
    {
        FakeAuthServer server;
        server.issueRefreshToken = false;
        OAuthSession session;
        PlainHttpBrowser browser;
        QSignalSpy signedIn(&session, &OAuthSession::signedIn);
        signIn(session, server, browser);
        QVERIFY(signedIn.count() == 1 || signedIn.wait(5000));
        QVERIFY(!session.tokens().canRefresh());
        bool answered = false, result = true;
        session.credentials()->renew([&](bool ok) {
            answered = true;
            result = ok;
        });
        QTRY_VERIFY_WITH_TIMEOUT(answered, 2000);
        QVERIFY(!result);
        QCOMPARE(server.tokenRequests.size(), 1);
    }

    void signOutForgetsEverything()
    {
        FakeAuthServer server;
        ManualClock clock;
        OAuthSession session(nullptr, nullptr, &clock);
        PlainHttpBrowser browser;
        QSignalSpy signedIn(&session, &OAuthSession::signedIn);
        signIn(session, server, browser);
        QVERIFY(signedIn.count() == 1 || signedIn.wait(5000));
        auto bearer = session.credentials();
        QVERIFY(clock.pendingCount() > 0); // the refresh timer
        session.signOut();
        QVERIFY(!session.hasTokens());
        QVERIFY(session.tokens().refreshToken.isEmpty());
        QVERIFY(bearer->accessToken().isEmpty());
        QVERIFY(!bearer->canRenew());
        QCOMPARE(clock.pendingCount(), 0);
        QCOMPARE(session.state(), OAuthSession::State::Idle);
    }

    // The code, the verifier, the tokens: none of them may reach the log.
    void nothingSecretInTheLog()
    {
        // Qt's own OAuth debug output too, as a user chasing a problem would turn it on.
        QLoggingCategory::setFilterRules(QStringLiteral("qt.networkauth*=true"));
        auto restore = qScopeGuard([] { QLoggingCategory::setFilterRules(QString()); });
        MessageCapture capture;
        FakeAuthServer server;
        server.code = QStringLiteral("log-probe-code-777");
        OAuthSession session;
        PlainHttpBrowser browser;
        QSignalSpy signedIn(&session, &OAuthSession::signedIn);
        signIn(session, server, browser);
        QVERIFY(signedIn.count() == 1 || signedIn.wait(5000));
        bool answered = false;
        session.refresh([&](bool, const QString &) { answered = true; });
        QTRY_VERIFY_WITH_TIMEOUT(answered, 5000);
        // Then a failing exchange, whose warnings Qt writes itself.
        server.token = FakeAuthServer::Token::Reject400;
        QSignalSpy failed(&session, &OAuthSession::signInFailed);
        browser.done = false;
        session.signIn();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 5000);
        const QStringList secrets{
            server.code,
            server.lastAccessToken,
            server.lastRefreshToken,
            QStringLiteral("fake-at-1"),
            QStringLiteral("fake-rt-1"),
            server.tokenRequests.first().value(QStringLiteral("code_verifier"))};
        QVERIFY(!capture.messages().isEmpty()); // the capture did see Qt's OAuth output
        for (const QString &s : secrets) {
            QVERIFY(!s.isEmpty());
            QVERIFY2(!capture.contains(s), qPrintable(capture.messages().join(QLatin1Char('\n'))));
        }
        QVERIFY(!session.credentials()->displayName().contains(session.tokens().accessToken));
    }

    // Against the SandboxServer: sign in with the plain HTTP browser, read contracts with the
    // token, and when the server says 401 (token expired there) the API client renews once
    // through the session and the request succeeds.
    void sandboxTokenExpiresAndIsRenewedAfter401()
    {
        ManualClock serverClock;
        SandboxServer server;
        server.setClock(&serverClock);
        server.setOAuthTokenLifetime(120);
        QString error;
        QVERIFY2(server.listen(0, &error), qPrintable(error));
        OAuthSession session;
        session.setConfig(
            OAuthConfig::forBaseUrl(server.baseUrl(), server.options().oauthClientId));
        PlainHttpBrowser browser;
        connect(&session, &OAuthSession::openBrowser, &browser, &PlainHttpBrowser::open);
        QSignalSpy signedIn(&session, &OAuthSession::signedIn);
        QSignalSpy failed(&session, &OAuthSession::signInFailed);
        QVERIFY(session.signIn());
        QTRY_VERIFY_WITH_TIMEOUT(signedIn.count() + failed.count() > 0, 10000);
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));
        QVERIFY(browser.page.contains(QStringLiteral("Sign-in succeeded")));
        // The sandbox's code has '+' and '/': the exchange worked, so it arrived intact.

        ApiClient client;
        QVERIFY(client.setBaseUrl(server.baseUrl()));
        client.setCredentials(session.credentials());
        const QString first = session.tokens().accessToken;
        auto get = [&client] {
            return client.get(QStringLiteral("/api/contracts/"),
                              QUrlQuery(QStringLiteral("limit=1&shape=key")));
        };
        ApiReply *one = get();
        QSignalSpy ok1(one, &ApiReply::succeeded);
        QTRY_COMPARE_WITH_TIMEOUT(ok1.count(), 1, 10000);

        serverClock.advance(121 * 1000); // the server now refuses the access token
        QSignalSpy rejected(&client, &ApiClient::credentialsRejected);
        ApiReply *two = get();
        QSignalSpy ok2(two, &ApiReply::succeeded);
        QTRY_COMPARE_WITH_TIMEOUT(ok2.count(), 1, 10000);
        QCOMPARE(rejected.count(), 0);
        QVERIFY(session.tokens().accessToken != first);
        const auto log = server.requestLog();
        int bad = 0;
        for (const auto &e : log)
            bad += e.status == 401 ? 1 : 0;
        QCOMPARE(bad, 1); // one 401, one renewal, one successful retry
    }

    // The refresh token is gone too: the 401 is reported once and the user must sign in again.
    void sandboxRevokedTokensEndInSignInAgain()
    {
        SandboxServer server;
        QString error;
        QVERIFY2(server.listen(0, &error), qPrintable(error));
        OAuthSession session;
        session.setConfig(
            OAuthConfig::forBaseUrl(server.baseUrl(), server.options().oauthClientId));
        PlainHttpBrowser browser;
        connect(&session, &OAuthSession::openBrowser, &browser, &PlainHttpBrowser::open);
        QSignalSpy signedIn(&session, &OAuthSession::signedIn);
        QVERIFY(session.signIn());
        QTRY_COMPARE_WITH_TIMEOUT(signedIn.count(), 1, 10000);
        ApiClient client;
        QVERIFY(client.setBaseUrl(server.baseUrl()));
        client.setCredentials(session.credentials());
        server.revokeAllTokens();
        QSignalSpy rejected(&client, &ApiClient::credentialsRejected);
        QSignalSpy refreshFailed(&session, &OAuthSession::refreshFailed);
        ApiReply *r = client.get(QStringLiteral("/api/contracts/"),
                                 QUrlQuery(QStringLiteral("limit=1&shape=key")));
        QSignalSpy failedReply(r, &ApiReply::failed);
        QTRY_COMPARE_WITH_TIMEOUT(failedReply.count(), 1, 10000);
        QCOMPARE(failedReply.first().first().value<ApiError>().kind(),
                 ApiError::Kind::Unauthorized);
        QCOMPARE(rejected.count(), 1);
        QCOMPARE(refreshFailed.count(), 1);
        // Signing in again is possible at once (the 6.4 flow would be stuck in RefreshingToken).
        QVERIFY(session.signIn());
        QTRY_COMPARE_WITH_TIMEOUT(signedIn.count(), 2, 10000);
    }

    void tokenResponseParsing()
    {
        const QDateTime now(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
        OAuthTokens t =
            OAuthTokens::fromTokenResponse({{QStringLiteral("access_token"), QStringLiteral("a")},
                                            {QStringLiteral("expires_in"), QStringLiteral("3600")}},
                                           now, QStringLiteral("kept"));
        QCOMPARE(t.expiresAtUtc, now.addSecs(3600));
        QCOMPARE(t.refreshToken, QStringLiteral("kept"));
        t = OAuthTokens::fromTokenResponse({{QStringLiteral("access_token"), QStringLiteral("a")},
                                            {QStringLiteral("expires_in"), QStringLiteral("soon")}},
                                           now);
        QVERIFY(!t.expiresAtUtc.isValid());
        t = OAuthTokens::fromTokenResponse({{QStringLiteral("expires_in"), 10}}, now);
        QVERIFY(!t.isValid());
        t = OAuthTokens::fromTokenResponse({{QStringLiteral("access_token"), QStringLiteral("a")},
                                            {QStringLiteral("expires_in"), -5}},
                                           now);
        QVERIFY(!t.expiresAtUtc.isValid());
    }
};

QTEST_GUILESS_MAIN(tst_OAuthSession)
#include "tst_OAuthSession.moc"
