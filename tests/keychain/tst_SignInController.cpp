#include "LoginDialog.h"
#include "SignInController.h"
#include "api/ApiClient.h"
#include "api/ApiReply.h"
#include "auth/OAuthSession.h"
#include "auth/SecretStore.h"
#include "sandbox/SandboxServer.h"

#include <QApplication>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QMenu>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include "MessageCapture.h"

using namespace tango;

// Follows the authorization URL with a plain HTTP client, as a browser would.
class FollowingBrowser : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    void open(const QUrl &url)
    {
        QNetworkReply *r = m_nam.get(QNetworkRequest(url));
        connect(r, &QNetworkReply::finished, r, &QObject::deleteLater);
    }

private:
    QNetworkAccessManager m_nam;
};

// Start-up, remember and sign-out against the real Secret Service (run-in-keyring.sh).
class tst_SignInController : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SandboxServer> m_server;
    FollowingBrowser m_browser;
    const QString m_service = QStringLiteral("com.makegov.TangoExplorer.test.signin");

    struct App
    {
        SecretStore store;
        ApiClient client;
        QMenu menu;
        SignInController controller;
        int applies = 0;
        explicit App(const QString &service, const QUrl &base)
            : store(service)
            , controller(nullptr, &store)
        {
            client.setBaseUrl(base);
            controller.attach(nullptr, &client, &menu, [this](CredentialsPtr c) {
                ++applies;
                client.setCredentials(c);
            });
        }
    };

    SecretStore::Result readEntry(const QString &account, QString *secret = nullptr)
    {
        SecretStore store(m_service);
        bool done = false;
        SecretStore::Result result = SecretStore::Result::Failed;
        store.read(account, this, [&](SecretStore::Result r, const QString &s, const QString &) {
            done = true;
            result = r;
            if (secret)
                *secret = s;
        });
        if (!QTest::qWaitFor([&] { return done; }, 10000))
            qWarning("keychain read did not answer");
        return result;
    }

    static void accept(LoginDialog *d)
    {
        d->findChild<QDialogButtonBox *>(QStringLiteral("buttonBox"))
            ->button(QDialogButtonBox::Ok)
            ->click();
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Besides the throw-away HOME of run-in-keyring.sh: nothing here may reach the user's
        // settings, even when the test is started by hand.
        QStandardPaths::setTestModeEnabled(true);
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            QSKIP("needs a session bus: run through run-in-keyring.sh (ctest does)");
        m_server = std::make_unique<SandboxServer>();
        QString error;
        QVERIFY2(m_server->listen(0, &error), qPrintable(error));
        QDesktopServices::setUrlHandler(QStringLiteral("http"), &m_browser, "open");
    }
    void cleanupTestCase() { QDesktopServices::unsetUrlHandler(QStringLiteral("http")); }

    void rememberedKeyIsUsedAtTheNextStartAndSignOutLeavesNothing()
    {
        MessageCapture capture;
        const QString key = m_server->options().apiKey;
        QString account;
        {
            App first(m_service, m_server->baseUrl());
            account = first.controller.keychainAccount();
            QSignalSpy finished(&first.controller, &SignInController::startUpFinished);
            first.controller.startUp(SignInOptions());
            QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
            LoginDialog *d = first.controller.dialog();
            QVERIFY(d); // nothing stored yet
            QVERIFY(d->remember());
            d->findChild<QLineEdit *>(QStringLiteral("keyEdit"))->setText(key);
            d->verifyKey();
            QTRY_COMPARE_WITH_TIMEOUT(d->status(), LoginDialog::Status::Verified, 10000);
            QSignalSpy stored(&first.controller, &SignInController::keychainUpdated);
            accept(d);
            QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 1, 10000);
            QCOMPARE(stored.first().first().value<SecretStore::Result>(), SecretStore::Result::Ok);
        }
        QString secret;
        QCOMPARE(readEntry(account, &secret), SecretStore::Result::Ok);
        QVERIFY(secret.contains(key)); // the keychain holds it, as JSON

        // Next start: the keychain answers, no dialog.
        App second(m_service, m_server->baseUrl());
        QSignalSpy finished(&second.controller, &SignInController::startUpFinished);
        second.controller.startUp(SignInOptions());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY(!second.controller.dialog());
        QCOMPARE(second.controller.source(), SignInController::Source::Keychain);
        QCOMPARE(second.controller.identity(), maskSecret(key));
        QVERIFY(second.controller.identityAction()->text().contains(QStringLiteral("remembered")));
        QCOMPARE(second.client.credentials()->kind(), QStringLiteral("api-key"));

        // Sign out: gone from the keychain and from memory.
        QSignalSpy removed(&second.controller, &SignInController::keychainUpdated);
        second.controller.signOutAction()->trigger();
        QVERIFY(!second.client.credentials());
        QTRY_COMPARE_WITH_TIMEOUT(removed.count(), 1, 10000);
        QCOMPARE(removed.first().first().value<SecretStore::Result>(), SecretStore::Result::Ok);
        QCOMPARE(readEntry(account), SecretStore::Result::NotFound);

        // And the start after that asks again.
        App third(m_service, m_server->baseUrl());
        QSignalSpy finished3(&third.controller, &SignInController::startUpFinished);
        third.controller.startUp(SignInOptions());
        QTRY_COMPARE_WITH_TIMEOUT(finished3.count(), 1, 10000);
        QVERIFY(third.controller.dialog());
        QVERIFY(!third.client.credentials());
        QVERIFY(!capture.contains(key));
    }

    void environmentKeyWinsOverTheKeychain()
    {
        // Something remembered...
        App first(m_service, m_server->baseUrl());
        SignInRecord r;
        r.kind = SignInRecord::Kind::ApiKey;
        r.apiKey = QStringLiteral("remembered-key-aaaa");
        bool done = false;
        first.store.write(first.controller.keychainAccount(), QString::fromUtf8(r.toJson()), this,
                          [&](SecretStore::Result, const QString &) { done = true; });
        QTRY_VERIFY(done);
        // ...but TANGO_API_KEY is set.
        SignInOptions o;
        o.apiKey = m_server->options().apiKey;
        first.controller.startUp(o);
        QCOMPARE(first.controller.source(), SignInController::Source::Environment);
        QCOMPARE(first.controller.identity(), maskSecret(o.apiKey));
        first.controller.signOut();
        QTRY_COMPARE_WITH_TIMEOUT(readEntry(first.controller.keychainAccount()),
                                  SecretStore::Result::NotFound, 10000);
    }

    void notRememberingRemovesWhatWasRemembered()
    {
        App app(m_service, m_server->baseUrl());
        SignInRecord r;
        r.kind = SignInRecord::Kind::ApiKey;
        r.apiKey = QStringLiteral("old-remembered-key-bbbb");
        bool done = false;
        app.store.write(app.controller.keychainAccount(), QString::fromUtf8(r.toJson()), this,
                        [&](SecretStore::Result, const QString &) { done = true; });
        QTRY_VERIFY(done);
        app.controller.switchCredentials();
        LoginDialog *d = app.controller.dialog();
        QVERIFY(d);
        d->setRemember(false);
        d->findChild<QLineEdit *>(QStringLiteral("keyEdit"))->setText(m_server->options().apiKey);
        d->verifyKey();
        QTRY_COMPARE_WITH_TIMEOUT(d->status(), LoginDialog::Status::Verified, 10000);
        QSignalSpy updated(&app.controller, &SignInController::keychainUpdated);
        accept(d);
        QTRY_COMPARE_WITH_TIMEOUT(updated.count(), 1, 10000);
        QCOMPARE(readEntry(app.controller.keychainAccount()), SecretStore::Result::NotFound);
        QCOMPARE(app.controller.identity(), maskSecret(m_server->options().apiKey));
    }

    // Access token, refresh token and expiry go to the keychain, a refresh rewrites them, and
    // the next start uses them.
    void oauthTokensAreRememberedRefreshedAndRestored()
    {
        MessageCapture capture;
        QString account;
        QString firstAccess;
        QString refreshedAccess;
        {
            App app(m_service, m_server->baseUrl());
            account = app.controller.keychainAccount();
            SignInOptions o;
            o.mode = SignInOptions::Mode::OAuth;
            o.oauthClientId = m_server->options().oauthClientId;
            app.controller.startUp(o);
            LoginDialog *d = app.controller.dialog();
            QVERIFY(d);
            QTRY_COMPARE_WITH_TIMEOUT(d->status(), LoginDialog::Status::Verified, 15000);
            QSignalSpy stored(&app.controller, &SignInController::keychainUpdated);
            accept(d);
            QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 1, 10000);
            QString secret;
            QCOMPARE(readEntry(account, &secret), SecretStore::Result::Ok);
            SignInRecord rec = SignInRecord::fromJson(secret.toUtf8());
            QCOMPARE(rec.kind, SignInRecord::Kind::OAuth);
            firstAccess = app.controller.oauthSession()->tokens().accessToken;
            QCOMPARE(rec.tokens.accessToken, firstAccess);
            QVERIFY(!rec.tokens.refreshToken.isEmpty());
            QVERIFY(rec.tokens.expiresAtUtc.isValid());
            QCOMPARE(rec.oauth.clientId, m_server->options().oauthClientId);

            bool refreshed = false;
            app.controller.oauthSession()->refresh(
                [&](bool ok, const QString &) { refreshed = ok; });
            QTRY_VERIFY_WITH_TIMEOUT(refreshed, 10000);
            QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 2, 10000);
            refreshedAccess = app.controller.oauthSession()->tokens().accessToken;
            QVERIFY(refreshedAccess != firstAccess);
            QCOMPARE(readEntry(account, &secret), SecretStore::Result::Ok);
            QCOMPARE(SignInRecord::fromJson(secret.toUtf8()).tokens.accessToken, refreshedAccess);
        }
        App next(m_service, m_server->baseUrl());
        QSignalSpy finished(&next.controller, &SignInController::startUpFinished);
        next.controller.startUp(SignInOptions());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY(!next.controller.dialog());
        QCOMPARE(next.controller.identity(),
                 QStringLiteral("OAuth: client ") + m_server->options().oauthClientId);
        ApiReply *reply = next.client.get(QStringLiteral("/api/contracts/"),
                                          QUrlQuery(QStringLiteral("limit=1&shape=key")));
        QSignalSpy ok(reply, &ApiReply::succeeded);
        QTRY_COMPARE_WITH_TIMEOUT(ok.count(), 1, 10000);
        next.controller.signOut();
        QTRY_COMPARE_WITH_TIMEOUT(readEntry(account), SecretStore::Result::NotFound, 10000);
        QVERIFY(!next.controller.oauthSession());
        QVERIFY(!capture.contains(firstAccess));
        QVERIFY(!capture.contains(refreshedAccess));
    }
};

QTEST_MAIN(tst_SignInController)
#include "tst_SignInController.moc"
