#include "api/ApiClient.h"
#include "api/ApiReply.h"
#include "auth/BearerCredentials.h"
#include "auth/OAuthSession.h"
#include "sandbox/SandboxServer.h"

#include <QDesktopServices>
#include <QFileInfo>
#include <QGuiApplication>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace tango;

// The system browser is real headless Chromium, reached the way the application reaches it:
// QDesktopServices::openUrl, captured with setUrlHandler.
class ChromiumBrowser : public QObject
{
    Q_OBJECT
public:
    static QString executable()
    {
        for (const char *p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
            if (QFileInfo(QString::fromLatin1(p)).isExecutable())
                return QString::fromLatin1(p);
        }
        return {};
    }

    QString dom;
    int runs = 0;

    ~ChromiumBrowser() override
    {
        QDesktopServices::unsetUrlHandler(QStringLiteral("http"));
        for (QProcess *p : std::as_const(m_processes)) {
            if (p->state() != QProcess::NotRunning) {
                p->kill();
                p->waitForFinished(5000);
            }
        }
    }

    bool finished() const
    {
        for (QProcess *p : m_processes) {
            if (p->state() != QProcess::NotRunning)
                return false;
        }
        return !m_processes.isEmpty();
    }

public Q_SLOTS:
    void open(const QUrl &url)
    {
        ++runs;
        auto *profile = new QTemporaryDir;
        auto *p = new QProcess(this);
        m_processes << p;
        p->setProcessChannelMode(QProcess::SeparateChannels);
        connect(p, &QProcess::finished, this, [this, p, profile] {
            dom += QString::fromUtf8(p->readAllStandardOutput());
            delete profile;
        });
        p->start(executable(),
                 {QStringLiteral("--headless"), QStringLiteral("--no-sandbox"),
                  QStringLiteral("--disable-gpu"), QStringLiteral("--no-first-run"),
                  QStringLiteral("--disable-background-networking"),
                  QStringLiteral("--disable-component-update"), QStringLiteral("--disable-sync"),
                  QStringLiteral("--user-data-dir=") + profile->path(),
                  QStringLiteral("--dump-dom"), url.toString(QUrl::FullyEncoded)});
    }

private:
    QList<QProcess *> m_processes;
};

class tst_OAuthBrowser : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SandboxServer> m_server;

private Q_SLOTS:
    void initTestCase()
    {
        if (ChromiumBrowser::executable().isEmpty())
            QSKIP("chromium is not installed (apt install chromium)");
        qRegisterMetaType<OAuthSession::Failure>();
        m_server = std::make_unique<SandboxServer>();
        QString error;
        QVERIFY2(m_server->listen(0, &error), qPrintable(error));
    }

    void cleanup() { QDesktopServices::unsetUrlHandler(QStringLiteral("http")); }

    void signInWithChromiumThenReadContracts()
    {
        m_server->setOAuthDeny(false);
        ChromiumBrowser browser;
        QDesktopServices::setUrlHandler(QStringLiteral("http"), &browser, "open");
        OAuthSession session;
        session.setSignInTimeoutMs(45000);
        session.setConfig(
            OAuthConfig::forBaseUrl(m_server->baseUrl(), m_server->options().oauthClientId));
        // What the dialog does with the URL.
        connect(&session, &OAuthSession::openBrowser, this,
                [](const QUrl &url) { QDesktopServices::openUrl(url); });
        QSignalSpy signedIn(&session, &OAuthSession::signedIn);
        QSignalSpy failed(&session, &OAuthSession::signInFailed);
        QVERIFY(session.signIn());
        QTRY_VERIFY_WITH_TIMEOUT(signedIn.count() + failed.count() > 0, 45000);
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));
        QCOMPARE(browser.runs, 1);
        QTRY_VERIFY_WITH_TIMEOUT(browser.finished(), 30000);
        QVERIFY2(browser.dom.contains(QStringLiteral("Sign-in succeeded")),
                 qPrintable(browser.dom));
        QVERIFY(browser.dom.contains(QStringLiteral("close this tab")));
        QVERIFY(!session.isListening());

        // The token works on the API.
        ApiClient client;
        QVERIFY(client.setBaseUrl(m_server->baseUrl()));
        client.setCredentials(session.credentials());
        ApiReply *reply = client.getList(QStringLiteral("/api/contracts/"),
                                         QUrlQuery(QStringLiteral("limit=3&shape=key")));
        QSignalSpy page(reply, &ApiReply::pageReady);
        QTRY_COMPARE_WITH_TIMEOUT(page.count(), 1, 15000);
        QCOMPARE(m_server->requestLog().last().credentials, QStringLiteral("bearer"));
    }

    void chromiumDeniedEndsWithAMessage()
    {
        m_server->setOAuthDeny(true);
        ChromiumBrowser browser;
        QDesktopServices::setUrlHandler(QStringLiteral("http"), &browser, "open");
        OAuthSession session;
        session.setSignInTimeoutMs(45000);
        session.setConfig(
            OAuthConfig::forBaseUrl(m_server->baseUrl(), m_server->options().oauthClientId));
        connect(&session, &OAuthSession::openBrowser, this,
                [](const QUrl &url) { QDesktopServices::openUrl(url); });
        QSignalSpy failed(&session, &OAuthSession::signInFailed);
        QVERIFY(session.signIn());
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 45000);
        QCOMPARE(failed.first().at(0).value<OAuthSession::Failure>(),
                 OAuthSession::Failure::AccessDenied);
        QTRY_VERIFY_WITH_TIMEOUT(browser.finished(), 30000);
        QVERIFY2(browser.dom.contains(QStringLiteral("did not complete")), qPrintable(browser.dom));
        m_server->setOAuthDeny(false);
    }
};

QTEST_MAIN(tst_OAuthBrowser)
#include "tst_OAuthBrowser.moc"
