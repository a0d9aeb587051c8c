#include "ContractsModel.h"
#include "LoginDialog.h"
#include "MainWindow.h"
#include "SignInController.h"
#include "api/ApiClient.h"
#include "api/ApiReply.h"
#include "auth/ApiKeyCredentials.h"
#include "auth/BearerCredentials.h"
#include "auth/OAuthSession.h"
#include "auth/SecretStore.h"
#include "contracts/ContractQuery.h"
#include "export/ExportJob.h"
#include "sandbox/SandboxServer.h"
#include "util/ManualClock.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDir>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include "ClosedPort.h"
#include "MessageCapture.h"

using namespace tango;

// The system browser, captured through QDesktopServices: it follows the authorization URL's
// redirect with a plain HTTP client, as a browser would, unless told to ignore it.
class CapturedBrowser : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> opened;
    QString lastPage;
    bool follow = true;

public Q_SLOTS:
    void handle(const QUrl &url)
    {
        opened << url;
        if (!follow)
            return;
        QNetworkRequest req(url);
        QNetworkReply *reply = m_nam.get(req);
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            lastPage = QString::fromUtf8(reply->readAll());
            reply->deleteLater();
        });
    }

private:
    QNetworkAccessManager m_nam;
};

// A main window on `baseUrl` with its own settings file and a sign-in controller attached, as
// the application builds it (no keychain here, see main()).
struct SignInWindow
{
    explicit SignInWindow(const QUrl &baseUrl)
        : settings(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat)
        , window(options(baseUrl, &settings))
        , store(QStringLiteral("com.makegov.TangoExplorer.test"))
        , controller(&window, &store)
    {
        controller.attach(&window);
    }
    static MainWindow::Options options(const QUrl &baseUrl, QSettings *settings)
    {
        MainWindow::Options o;
        o.baseUrl = baseUrl;
        o.settings = settings;
        return o;
    }

    QTemporaryDir dir;
    QSettings settings;
    MainWindow window;
    SecretStore store;
    SignInController controller;
};

class tst_LoginDialog : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SandboxServer> m_server;
    CapturedBrowser m_browser;
    QTemporaryDir m_shots;

    template<typename T> static T *child(QWidget *w, const char *name)
    {
        T *c = w->findChild<T *>(QString::fromLatin1(name));
        if (!c)
            qWarning("no child %s", name);
        return c;
    }
    static QPushButton *okButton(LoginDialog &d)
    {
        return child<QDialogButtonBox>(&d, "buttonBox")->button(QDialogButtonBox::Ok);
    }
    void shot(QWidget *w, const QString &name)
    {
        const QString dir = qEnvironmentVariable("TANGO_SCREENSHOT_DIR");
        if (dir.isEmpty())
            return;
        QDir().mkpath(dir);
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
        w->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
    }
    QString key() const { return m_server->options().apiKey; }

private Q_SLOTS:
    void initTestCase()
    {
        // The main windows built here open dialogs that keep their choices in QSettings (export):
        // never in the user's own settings.
        QStandardPaths::setTestModeEnabled(true);
        m_server = std::make_unique<SandboxServer>();
        QString error;
        QVERIFY2(m_server->listen(0, &error), qPrintable(error));
        QDesktopServices::setUrlHandler(QStringLiteral("http"), &m_browser, "handle");
        QDesktopServices::setUrlHandler(QStringLiteral("https"), &m_browser, "handle");
    }
    void cleanupTestCase()
    {
        QDesktopServices::unsetUrlHandler(QStringLiteral("http"));
        QDesktopServices::unsetUrlHandler(QStringLiteral("https"));
    }
    void init()
    {
        m_browser.opened.clear();
        m_browser.follow = true;
        m_browser.lastPage.clear();
        m_server->setOAuthDeny(false);
        m_server->clearLog();
    }

    void keyFieldIsMaskedWithShowAndHide()
    {
        OAuthSession session;
        LoginDialog d(&session);
        auto *edit = child<QLineEdit>(&d, "keyEdit");
        auto *show = child<QToolButton>(&d, "showKeyButton");
        QCOMPARE(edit->echoMode(), QLineEdit::Password);
        QTest::keyClicks(edit, QStringLiteral("abc-secret-1234"));
        show->click();
        QCOMPARE(edit->echoMode(), QLineEdit::Normal);
        QCOMPARE(show->text(), QStringLiteral("Hide"));
        show->click();
        QCOMPARE(edit->echoMode(), QLineEdit::Password);
        QVERIFY(!edit->accessibleName().isEmpty());
        QVERIFY(!show->accessibleName().isEmpty());
    }

    void pasteTakesTheClipboardTrimmed()
    {
        OAuthSession session;
        LoginDialog d(&session);
        QGuiApplication::clipboard()->setText(QStringLiteral("  pasted-key-9876 \n"));
        child<QToolButton>(&d, "pasteKeyButton")->click();
        QCOMPARE(child<QLineEdit>(&d, "keyEdit")->text(), QStringLiteral("pasted-key-9876"));
        QGuiApplication::clipboard()->clear();
    }

    void verifyNeedsAKeyAndOkNeedsAVerification()
    {
        OAuthSession session;
        LoginDialog d(&session);
        d.setBaseUrl(m_server->baseUrl());
        QVERIFY(!child<QPushButton>(&d, "verifyButton")->isEnabled());
        QVERIFY(!okButton(d)->isEnabled());
        child<QLineEdit>(&d, "keyEdit")->setText(QStringLiteral("some key"));
        QVERIFY(child<QPushButton>(&d, "verifyButton")->isEnabled());
        // A key with a space is refused locally, without a request.
        d.verifyKey();
        QCOMPARE(d.status(), LoginDialog::Status::Failed);
        QVERIFY(d.resultText().contains(QStringLiteral("does not look like an API key")));
        QCOMPARE(m_server->requestLog().size(), 0);
        // Accept without a verified key keeps the dialog open.
        d.show();
        d.accept();
        QVERIFY(d.isVisible());
    }

    void verifiedKeyShowsLimitsVersionAndLatency()
    {
        OAuthSession session;
        LoginDialog d(&session);
        d.setBaseUrl(m_server->baseUrl());
        d.show();
        child<QLineEdit>(&d, "keyEdit")->setText(key());
        child<QPushButton>(&d, "verifyButton")->click();
        QCOMPARE(d.status(), LoginDialog::Status::Busy);
        QTRY_COMPARE_WITH_TIMEOUT(d.status(), LoginDialog::Status::Verified, 10000);
        const QString text = d.resultText();
        QVERIFY2(text.contains(maskSecret(key())), qPrintable(text));
        QVERIFY(!text.contains(key()));
        const QLocale locale;
        QVERIFY2(text.contains(QStringLiteral("Burst: ")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("of %1 requests left")
                                  .arg(locale.toString(m_server->options().burstLimit))));
        QVERIFY(text.contains(QStringLiteral("Daily: ")));
        QVERIFY(text.contains(locale.toString(m_server->options().dailyLimit)));
        const VerificationResult r = d.lastResult();
        QVERIFY(r.ok);
        QVERIFY(!r.apiVersion.isEmpty());
        QVERIFY(text.contains(QStringLiteral("API version ") + r.apiVersion));
        QVERIFY(text.contains(QStringLiteral("answered in %1 ms").arg(r.latencyMs)));
        QVERIFY(okButton(d)->isEnabled());
        // Exactly one cheap request.
        const auto log = m_server->requestLog();
        QCOMPARE(log.size(), 1);
        QCOMPARE(log.first().path, QStringLiteral("/api/contracts/"));
        QCOMPARE(log.first().query.queryItemValue(QStringLiteral("limit")), QStringLiteral("1"));
        QCOMPARE(log.first().query.queryItemValue(QStringLiteral("shape")), QStringLiteral("key"));
        shot(&d, QStringLiteral("login-key-verified"));

        // The record to remember holds the key; the credentials are the verified ones.
        const SignInRecord rec = d.record();
        QCOMPARE(rec.kind, SignInRecord::Kind::ApiKey);
        QCOMPARE(rec.apiKey, key());
        QCOMPARE(d.credentials()->kind(), QStringLiteral("api-key"));

        // Editing the key withdraws the verification.
        QTest::keyClick(child<QLineEdit>(&d, "keyEdit"), Qt::Key_X);
        QVERIFY(!okButton(d)->isEnabled());
        QVERIFY(!d.credentials());
    }

    void rejectedKeyIsExplainedInline_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("status");
        QTest::newRow("401 unknown key") << QStringLiteral("not-a-valid-key-0000") << 401;
        QTest::newRow("403 forbidden key") << QString() << 403;
    }
    void rejectedKeyIsExplainedInline()
    {
        QFETCH(QString, key);
        QFETCH(int, status);
        if (key.isEmpty())
            key = m_server->options().forbiddenKey;
        OAuthSession session;
        LoginDialog d(&session);
        d.setBaseUrl(m_server->baseUrl());
        d.show();
        child<QLineEdit>(&d, "keyEdit")->setText(key);
        d.verifyKey();
        QTRY_COMPARE_WITH_TIMEOUT(d.status(), LoginDialog::Status::Failed, 10000);
        const ApiError e = d.lastResult().error;
        QCOMPARE(e.httpStatus(), status);
        QCOMPARE(e.kind(),
                 status == 401 ? ApiError::Kind::Unauthorized : ApiError::Kind::Forbidden);
        const QString text = d.resultText();
        // The same words as the error dialogs.
        QVERIFY2(text.contains(e.title()), qPrintable(text));
        QVERIFY(text.contains(e.explanation()));
        QVERIFY(!e.likelyCauses().isEmpty());
        for (const QString &c : e.likelyCauses())
            QVERIFY2(text.contains(c), qPrintable(c));
        for (const QString &w : e.whatToDo())
            QVERIFY2(text.contains(w), qPrintable(w));
        QVERIFY(!text.contains(key));
        QVERIFY(!okButton(d)->isEnabled());
        QVERIFY(!d.credentials());
        // The whole explanation fits: the dialog grows instead of clipping it.
        auto *label = child<QLabel>(&d, "resultLabel");
        QTRY_VERIFY_WITH_TIMEOUT(label->height() >= label->heightForWidth(label->width()), 5000);
        shot(&d, QStringLiteral("login-key-rejected-%1").arg(status));
    }

    void unreachableServerIsExplained()
    {
        OAuthSession session;
        LoginDialog d(&session);
        d.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(closedPort())));
        child<QLineEdit>(&d, "keyEdit")->setText(key());
        d.verifyKey();
        QTRY_COMPARE_WITH_TIMEOUT(d.status(), LoginDialog::Status::Failed, 10000);
        QCOMPARE(d.lastResult().error.kind(), ApiError::Kind::Network);
        QVERIFY(d.resultText().contains(d.lastResult().error.title()));
    }

    void oauthPageIsPrefilledFromTheBaseUrl()
    {
        OAuthSession session;
        LoginDialog d(&session);
        d.setBaseUrl(m_server->baseUrl());
        d.setPage(LoginDialog::Page::OAuth);
        QCOMPARE(child<QTabWidget>(&d, "tabs")->currentWidget()->objectName(),
                 QStringLiteral("oauthPage"));
        const QString base = m_server->baseUrl().toString();
        QCOMPARE(child<QLineEdit>(&d, "authorizeUrlEdit")->text(),
                 base + QStringLiteral("/oauth2/authorize/"));
        QCOMPARE(child<QLineEdit>(&d, "tokenUrlEdit")->text(),
                 base + QStringLiteral("/oauth2/token/"));
        QCOMPARE(child<QLineEdit>(&d, "scopeEdit")->text(), QStringLiteral("read"));
        QCOMPARE(child<QLineEdit>(&d, "clientSecretEdit")->echoMode(), QLineEdit::Password);
        QVERIFY(!child<QPushButton>(&d, "browserSignInButton")->isEnabled());
        d.setOAuthClient(QStringLiteral(" my-client "));
        QVERIFY(child<QPushButton>(&d, "browserSignInButton")->isEnabled());
        QCOMPARE(d.oauthConfig().clientId, QStringLiteral("my-client"));
    }

    void browserSignInEndToEnd()
    {
        OAuthSession session;
        LoginDialog d(&session);
        d.setBaseUrl(m_server->baseUrl());
        d.setPage(LoginDialog::Page::OAuth);
        d.setOAuthClient(m_server->options().oauthClientId);
        d.show();
        child<QPushButton>(&d, "browserSignInButton")->click();
        // The GUI opened the system browser with the authorization URL and shows it for copying.
        QCOMPARE(m_browser.opened.size(), 1);
        QCOMPARE(d.linkText(), m_browser.opened.first().toString(QUrl::FullyEncoded));
        QVERIFY(m_browser.opened.first().toString().startsWith(
            m_server->baseUrl().toString() + QStringLiteral("/oauth2/authorize/")));
        QTRY_COMPARE_WITH_TIMEOUT(d.status(), LoginDialog::Status::Verified, 15000);
        QVERIFY(m_browser.lastPage.contains(QStringLiteral("Sign-in succeeded")));
        QVERIFY(d.resultText().contains(QStringLiteral("OAuth: client ") +
                                        m_server->options().oauthClientId));
        QVERIFY(okButton(d)->isEnabled());
        QCOMPARE(d.credentials()->kind(), QStringLiteral("bearer"));
        const SignInRecord rec = d.record();
        QCOMPARE(rec.kind, SignInRecord::Kind::OAuth);
        QCOMPARE(rec.tokens.accessToken, session.tokens().accessToken);
        // The verification request went with the bearer token.
        const auto log = m_server->requestLog();
        QVERIFY(!log.isEmpty());
        QCOMPARE(log.last().credentials, QStringLiteral("bearer"));
        QCOMPARE(log.last().status, 200);
        shot(&d, QStringLiteral("login-oauth-verified"));
    }

    void browserSignInDeniedIsExplained()
    {
        m_server->setOAuthDeny(true);
        OAuthSession session;
        LoginDialog d(&session);
        d.setBaseUrl(m_server->baseUrl());
        d.setPage(LoginDialog::Page::OAuth);
        d.setOAuthClient(m_server->options().oauthClientId);
        d.startBrowserSignIn();
        QTRY_COMPARE_WITH_TIMEOUT(d.status(), LoginDialog::Status::Failed, 10000);
        QVERIFY(d.resultText().contains(QStringLiteral("declined")));
        QVERIFY(!d.isWaitingForBrowser());
        QVERIFY(!okButton(d)->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(m_browser.lastPage.contains(QStringLiteral("did not complete")),
                                 5000);
    }

    void waitingShowsCountdownCopyLinkAndCancel()
    {
        m_browser.follow = false; // nobody finishes in the browser
        ManualClock clock;
        OAuthSession session(nullptr, nullptr, &clock);
        LoginDialog d(&session, nullptr, &clock);
        d.setBaseUrl(m_server->baseUrl());
        d.setPage(LoginDialog::Page::OAuth);
        d.setOAuthClient(m_server->options().oauthClientId);
        d.show();
        d.startBrowserSignIn();
        QVERIFY(d.isWaitingForBrowser());
        QVERIFY(child<QFrame>(&d, "waitingPanel")->isVisible());
        QVERIFY(d.countdownText().contains(QStringLiteral("5:00")));
        clock.advance(1000);
        QVERIFY2(d.countdownText().contains(QStringLiteral("4:59")), qPrintable(d.countdownText()));
        clock.advance(60000);
        QVERIFY(d.countdownText().contains(QStringLiteral("3:59")));
        QVERIFY(!child<QPushButton>(&d, "browserSignInButton")->isEnabled());
        shot(&d, QStringLiteral("login-oauth-waiting"));

        child<QToolButton>(&d, "copyLinkButton")->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), d.linkText());
        QGuiApplication::clipboard()->clear();

        const quint16 port = session.listenPort();
        QVERIFY(session.isListening());
        child<QPushButton>(&d, "cancelSignInButton")->click();
        QVERIFY(!d.isWaitingForBrowser());
        QVERIFY(!session.isListening());
        QCOMPARE(d.status(), LoginDialog::Status::Failed);
        QVERIFY(d.resultText().contains(QStringLiteral("cancelled")));
        QVERIFY(port != 0);
    }

    void browserSignInTimesOut()
    {
        m_browser.follow = false;
        ManualClock clock;
        OAuthSession session(nullptr, nullptr, &clock);
        session.setSignInTimeoutMs(2000);
        LoginDialog d(&session, nullptr, &clock);
        d.setBaseUrl(m_server->baseUrl());
        d.setOAuthClient(m_server->options().oauthClientId);
        d.startBrowserSignIn();
        clock.advance(2000);
        QCOMPARE(d.status(), LoginDialog::Status::Failed);
        QVERIFY(d.resultText().contains(QStringLiteral("No answer came back from the browser")));
        QVERIFY(child<QPushButton>(&d, "browserSignInButton")->isEnabled());
    }

    void closingTheDialogCancelsTheSignIn()
    {
        m_browser.follow = false;
        OAuthSession session;
        auto *d = new LoginDialog(&session);
        d->setBaseUrl(m_server->baseUrl());
        d->setOAuthClient(m_server->options().oauthClientId);
        d->show();
        d->startBrowserSignIn();
        QVERIFY(session.isListening());
        d->reject();
        QVERIFY(!session.isListening());
        QVERIFY(!session.isWaiting());
        delete d;
    }

    void noKeychainIsSaidPlainly()
    {
        OAuthSession session;
        LoginDialog d(&session);
        d.setKeychainAvailable(false);
        d.show();
        auto *note = child<QLabel>(&d, "keychainNote");
        QVERIFY(note->isVisible());
        QVERIFY(note->text().contains(QStringLiteral("this session only")));
        QVERIFY(!child<QCheckBox>(&d, "rememberCheck")->isEnabled());
        QVERIFY(!d.remember());
        d.setKeychainAvailable(true);
        QVERIFY(!note->isVisible());
        QVERIFY(d.remember());
    }

    // Start-up order: TANGO_API_KEY first; the identity is masked everywhere.
    void environmentKeyComesFirstAndIsMasked()
    {
        SecretStore store(QStringLiteral("com.makegov.TangoExplorer.test"));
        SignInController c(nullptr, &store);
        ApiClient client;
        client.setBaseUrl(m_server->baseUrl());
        QMenu menu;
        CredentialsPtr applied;
        c.attach(nullptr, &client, &menu, [&applied](CredentialsPtr p) { applied = p; });
        SignInOptions o;
        o.apiKey = key();
        QSignalSpy finished(&c, &SignInController::startUpFinished);
        c.startUp(o);
        QCOMPARE(finished.count(), 1);
        QVERIFY(applied);
        QCOMPARE(applied->kind(), QStringLiteral("api-key"));
        QCOMPARE(c.source(), SignInController::Source::Environment);
        QCOMPARE(c.identity(), maskSecret(key()));
        QVERIFY(c.identity().endsWith(key().right(4)));
        QVERIFY(c.identityAction()->text().contains(maskSecret(key())));
        for (QAction *a : menu.actions())
            QVERIFY(!a->text().contains(key()));
        QVERIFY(!c.dialog());
        QVERIFY(c.signOutAction()->isEnabled());
    }

    void withNothingStoredTheDialogOpens_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("clientId");
        QTest::addColumn<int>("page");
        QTest::addColumn<bool>("browserStarts");
        QTest::newRow("auto") << int(SignInOptions::Mode::Auto) << QString()
                              << int(LoginDialog::Page::ApiKey) << false;
        QTest::newRow("auto with client id")
            << int(SignInOptions::Mode::Auto) << QStringLiteral("sandbox-client")
            << int(LoginDialog::Page::OAuth) << false;
        QTest::newRow("--sign-in key")
            << int(SignInOptions::Mode::ApiKey) << QStringLiteral("sandbox-client")
            << int(LoginDialog::Page::ApiKey) << false;
        QTest::newRow("--sign-in oauth")
            << int(SignInOptions::Mode::OAuth) << QStringLiteral("sandbox-client")
            << int(LoginDialog::Page::OAuth) << true;
    }
    void withNothingStoredTheDialogOpens()
    {
        QFETCH(int, mode);
        QFETCH(QString, clientId);
        QFETCH(int, page);
        QFETCH(bool, browserStarts);
        m_browser.follow = false;
        SecretStore store(QStringLiteral("com.makegov.TangoExplorer.test"));
        SignInController c(nullptr, &store);
        ApiClient client;
        client.setBaseUrl(m_server->baseUrl());
        c.attach(nullptr, &client, nullptr, [](CredentialsPtr) {});
        SignInOptions o;
        o.mode = SignInOptions::Mode(mode);
        o.oauthClientId = clientId;
        QSignalSpy finished(&c, &SignInController::startUpFinished);
        c.startUp(o);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        QVERIFY(c.dialog());
        QCOMPARE(int(c.dialog()->page()), page);
        QCOMPARE(c.dialog()->oauthConfig().clientId, clientId);
        QCOMPARE(m_browser.opened.size(), browserStarts ? 1 : 0);
        QCOMPARE(c.dialog()->isWaitingForBrowser(), browserStarts);
        QVERIFY(!c.credentials());
        c.dialog()->reject();
    }

    void parseSignInMode()
    {
        SignInOptions::Mode m = SignInOptions::Mode::Auto;
        QVERIFY(SignInOptions::parseMode(QStringLiteral("oauth"), &m));
        QCOMPARE(m, SignInOptions::Mode::OAuth);
        QVERIFY(SignInOptions::parseMode(QStringLiteral("KEY"), &m));
        QCOMPARE(m, SignInOptions::Mode::ApiKey);
        QVERIFY(!SignInOptions::parseMode(QStringLiteral("password"), &m));
        QVERIFY(!SignInOptions::parseMode(QString(), &m));
        QCOMPARE(m, SignInOptions::Mode::ApiKey);
    }

    // Switch credentials, then sign out; without a keychain nothing is written anywhere.
    void switchAndSignOutInTheMainWindow()
    {
        SignInWindow w(m_server->baseUrl());
        QSettings &settings = w.settings;
        MainWindow &window = w.window;
        SecretStore &store = w.store;
        SignInController &c = w.controller;
        window.show();
        QSignalSpy opened(&c, &SignInController::dialogOpened);
        // Account → Sign in… (nothing has tried the keychain yet, so it is not known to be
        // missing until the write).
        QVERIFY(c.switchAction());
        QVERIFY(c.switchAction()->text().contains(QStringLiteral("Sign in")));
        c.switchAction()->trigger();
        QCOMPARE(opened.count(), 1);
        LoginDialog *d = c.dialog();
        QVERIFY(d);
        QVERIFY(d->remember());
        child<QLineEdit>(d, "keyEdit")->setText(key());
        d->verifyKey();
        QTRY_COMPARE_WITH_TIMEOUT(d->status(), LoginDialog::Status::Verified, 10000);
        QSignalSpy stored(&c, &SignInController::keychainUpdated);
        okButton(*d)->click();
        QVERIFY(window.credentials());
        QCOMPARE(window.credentials()->displayName(), maskSecret(key()));
        QVERIFY(window.apiClient()->credentials() == window.credentials());
        QCOMPARE(c.identity(), maskSecret(key()));
        QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 1, 20000);
        // No keychain on this bus: kept for the session, said so, nothing on disk.
        QCOMPARE(stored.first().first().value<SecretStore::Result>(),
                 SecretStore::Result::SessionOnly);
        QVERIFY(!store.isKeychainAvailable());
        // Said plainly, without blocking.
        auto *notice = window.findChild<QMessageBox *>(QStringLiteral("keychainNotice"));
        QVERIFY(notice);
        QVERIFY(notice->isVisible());
        QVERIFY(!notice->isModal());
        QVERIFY(notice->text().contains(QStringLiteral("session only")));
        QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("session only")));
        notice->close();

        // The account menu shows the identity and offers switch and sign-out.
        QMenu *menu = window.accountMenu();
        QStringList texts;
        for (QAction *a : menu->actions())
            texts << a->text();
        QVERIFY2(texts.join(QLatin1Char('|')).contains(maskSecret(key())),
                 qPrintable(texts.join(QLatin1Char('|'))));
        QVERIFY(!texts.join(QLatin1Char('|')).contains(key()));

        // Switch credentials… opens the dialog, which now says there is no keychain.
        QVERIFY(c.switchAction());
        c.switchAction()->trigger();
        QVERIFY(c.dialog());
        QVERIFY(!window.infoBox() || !window.infoBox()->isVisible()); // not the old hint
        QVERIFY(child<QLabel>(c.dialog(), "keychainNote")->isVisible());
        QVERIFY(!child<QCheckBox>(c.dialog(), "rememberCheck")->isEnabled());
        QVERIFY(!c.dialog()->remember());
        shot(c.dialog(), QStringLiteral("login-no-keychain"));
        c.dialog()->reject();
        QTRY_VERIFY(!c.dialog());
        QVERIFY(window.credentials()); // cancelling changes nothing

        window.saveSettings();
        settings.sync();
        QFile f(settings.fileName());
        if (f.open(QIODevice::ReadOnly))
            QVERIFY(!f.readAll().contains(key().toUtf8()));

        c.signOutAction()->trigger();
        QVERIFY(!window.credentials());
        QVERIFY(!window.apiClient()->credentials());
        QVERIFY(c.identity().isEmpty());
        QVERIFY(c.identityAction()->text().contains(QStringLiteral("Not signed in")));
        QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 2, 20000);
        QVERIFY(!store.hasSessionSecret(c.keychainAccount()));
        QVERIFY(!c.signOutAction()->isEnabled());
    }

    // A refresh that is refused asks for a new sign-in and keeps the window's credentials
    // object, so the table is not reloaded from scratch.
    void failedRefreshAsksToSignInAgain()
    {
        SecretStore store(QStringLiteral("com.makegov.TangoExplorer.test"));
        SignInController c(nullptr, &store);
        ApiClient client;
        client.setBaseUrl(m_server->baseUrl());
        CredentialsPtr applied;
        int applies = 0;
        c.attach(nullptr, &client, nullptr, [&](CredentialsPtr p) {
            applied = p;
            ++applies;
            client.setCredentials(p);
        });
        SignInOptions o;
        o.mode = SignInOptions::Mode::OAuth;
        o.oauthClientId = m_server->options().oauthClientId;
        c.startUp(o);
        QVERIFY(c.dialog());
        QTRY_COMPARE_WITH_TIMEOUT(c.dialog()->status(), LoginDialog::Status::Verified, 15000);
        okButton(*c.dialog())->click();
        QCOMPARE(applies, 1);
        QCOMPARE(applied->kind(), QStringLiteral("bearer"));

        // The server forgets every token: the next request gets 401, the refresh is refused.
        m_server->revokeAllTokens();
        QSignalSpy opened(&c, &SignInController::dialogOpened);
        QSignalSpy rejected(&client, &ApiClient::credentialsRejected);
        ApiReply *reply = client.get(QStringLiteral("/api/contracts/"),
                                     QUrlQuery(QStringLiteral("limit=1&shape=key")));
        QSignalSpy failed(reply, &ApiReply::failed);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 15000);
        QCOMPARE(rejected.count(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 5000);
        LoginDialog *d = c.dialog();
        QVERIFY(child<QLabel>(d, "messageLabel")->text().contains(QStringLiteral("expired")));
        QCOMPARE(d->page(), LoginDialog::Page::OAuth);
        QCOMPARE(d->oauthConfig().clientId, m_server->options().oauthClientId);
        shot(d, QStringLiteral("login-oauth-expired"));

        // Signing in again fixes the same credentials object; nothing is re-applied.
        d->startBrowserSignIn();
        QTRY_COMPARE_WITH_TIMEOUT(d->status(), LoginDialog::Status::Verified, 15000);
        okButton(*d)->click();
        QCOMPARE(applies, 1);
        QVERIFY(client.credentials() == applied);
        ApiReply *again = client.get(QStringLiteral("/api/contracts/"),
                                     QUrlQuery(QStringLiteral("limit=1&shape=key")));
        QSignalSpy ok(again, &ApiReply::succeeded);
        QTRY_COMPARE_WITH_TIMEOUT(ok.count(), 1, 15000);
    }

    // Keys and tokens appear in no log line, no settings file and no export.
    void noSecretInLogSettingsOrExport()
    {
        MessageCapture capture;
        SignInWindow w(m_server->baseUrl());
        QTemporaryDir &dir = w.dir;
        QSettings &settings = w.settings;
        MainWindow &window = w.window;
        SignInController &c = w.controller;
        SignInOptions o;
        o.mode = SignInOptions::Mode::OAuth;
        o.oauthClientId = m_server->options().oauthClientId;
        c.startUp(o);
        QVERIFY(c.dialog());
        QTRY_COMPARE_WITH_TIMEOUT(c.dialog()->status(), LoginDialog::Status::Verified, 15000);
        okButton(*c.dialog())->click();
        QVERIFY(window.credentials());
        // Signed in with the browser, the window shows contracts.
        QTRY_VERIFY_WITH_TIMEOUT(window.contractsModel()->rowCount() > 0, 15000);
        // The status bar names the identity, never the token.
        auto *account = window.findChild<QLabel *>(QStringLiteral("accountStatus"));
        QVERIFY(account);
        QVERIFY2(account->text().contains(QStringLiteral("OAuth: client ") +
                                          m_server->options().oauthClientId),
                 qPrintable(account->text()));
        QStringList secrets = c.oauthSession()->tokens().secrets();
        secrets << key();
        QCOMPARE(secrets.size(), 3);
        for (const QString &s : std::as_const(secrets))
            QVERIFY(!account->text().contains(s));

        // An export made with these credentials.
        ExportJob job;
        job.setApiClient(window.apiClient());
        job.setQuery(ContractQuery());
        job.setColumns({QStringLiteral("key"), QStringLiteral("piid")});
        job.setMaxRows(5);
        const QString out = dir.filePath(QStringLiteral("export.csv"));
        job.setOutputPath(out);
        QSignalSpy done(&job, &ExportJob::finished);
        QVERIFY(job.start());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);

        // Then the API key as well, through the dialog.
        c.switchCredentials();
        QVERIFY(c.dialog());
        c.dialog()->setPage(LoginDialog::Page::ApiKey);
        child<QLineEdit>(c.dialog(), "keyEdit")->setText(key());
        c.dialog()->verifyKey();
        QTRY_COMPARE_WITH_TIMEOUT(c.dialog()->status(), LoginDialog::Status::Verified, 10000);
        okButton(*c.dialog())->click();
        QCOMPARE(window.credentials()->kind(), QStringLiteral("api-key"));
        window.saveSettings();
        settings.sync();

        QFile csv(out);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QByteArray exported = csv.readAll();
        QVERIFY(exported.count('\n') >= 5);
        QFile ini(settings.fileName());
        QVERIFY(ini.open(QIODevice::ReadOnly));
        const QByteArray saved = ini.readAll();
        QVERIFY(!saved.isEmpty());
        for (const QString &s : std::as_const(secrets)) {
            QVERIFY(!exported.contains(s.toUtf8()));
            QVERIFY(!saved.contains(s.toUtf8()));
            QVERIFY2(!capture.contains(s), qPrintable(capture.messages().join(QLatin1Char('\n'))));
        }
    }

    void nothingSecretInTheLog()
    {
        MessageCapture capture;
        OAuthSession session;
        LoginDialog d(&session);
        d.setBaseUrl(m_server->baseUrl());
        child<QLineEdit>(&d, "keyEdit")->setText(key());
        d.verifyKey();
        QTRY_COMPARE_WITH_TIMEOUT(d.status(), LoginDialog::Status::Verified, 10000);
        d.setPage(LoginDialog::Page::OAuth);
        d.setOAuthClient(m_server->options().oauthClientId);
        d.startBrowserSignIn();
        QTRY_COMPARE_WITH_TIMEOUT(d.status(), LoginDialog::Status::Verified, 15000);
        QStringList secrets = session.tokens().secrets();
        secrets << key();
        QCOMPARE(secrets.size(), 3);
        for (const QString &s : secrets)
            QVERIFY(!capture.contains(s));
    }
};

int main(int argc, char **argv)
{
    // No keychain for these tests: the session bus address leads nowhere, so the "session
    // only" path is what runs (tests/keychain covers the real keychain).
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/tango-no-bus");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("tst_LoginDialog"));
    tst_LoginDialog t;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&t, argc, argv);
}

#include "tst_LoginDialog.moc"
