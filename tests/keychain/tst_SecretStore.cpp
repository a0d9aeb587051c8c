#include "auth/SecretStore.h"
#include "auth/SignInRecord.h"
#include "util/ManualClock.h"

#include <QSignalSpy>
#include <QTest>
#include <QUuid>

#include "MessageCapture.h"

using namespace tango;

namespace {
struct Answer
{
    bool done = false;
    SecretStore::Result result = SecretStore::Result::Failed;
    QString secret;
    QString message;
};
} // namespace

// Runs inside run-in-keyring.sh: a private session bus with an unlocked gnome-keyring.
class tst_SecretStore : public QObject
{
    Q_OBJECT

private:
    QString m_service;
    QString uniqueAccount() { return QStringLiteral("test ") + QUuid::createUuid().toString(); }

    Answer write(SecretStore &store, const QString &account, const QString &secret)
    {
        auto a = std::make_shared<Answer>();
        store.write(account, secret, this, [a](SecretStore::Result r, const QString &m) {
            a->done = true;
            a->result = r;
            a->message = m;
        });
        if (!QTest::qWaitFor([a] { return a->done; }, 10000))
            qWarning("write did not answer");
        return *a;
    }
    Answer read(SecretStore &store, const QString &account)
    {
        auto a = std::make_shared<Answer>();
        store.read(account, this, [a](SecretStore::Result r, const QString &s, const QString &m) {
            a->done = true;
            a->result = r;
            a->secret = s;
            a->message = m;
        });
        if (!QTest::qWaitFor([a] { return a->done; }, 10000))
            qWarning("read did not answer");
        return *a;
    }
    Answer remove(SecretStore &store, const QString &account)
    {
        auto a = std::make_shared<Answer>();
        store.remove(account, this, [a](SecretStore::Result r, const QString &m) {
            a->done = true;
            a->result = r;
            a->message = m;
        });
        if (!QTest::qWaitFor([a] { return a->done; }, 10000))
            qWarning("remove did not answer");
        return *a;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            QSKIP("needs a session bus: run through run-in-keyring.sh (ctest does)");
        m_service = QStringLiteral("com.makegov.TangoExplorer.test");
    }

    void storeReadDelete()
    {
        SecretStore store(m_service);
        const QString account = uniqueAccount();
        const QString secret = QStringLiteral("tk-") + QUuid::createUuid().toString(QUuid::Id128);

        const Answer w = write(store, account, secret);
        QVERIFY(w.done);
        QCOMPARE(w.result, SecretStore::Result::Ok);
        QVERIFY(store.isKeychainAvailable());
        QVERIFY(!store.hasSessionSecret(account));

        const Answer r = read(store, account);
        QCOMPARE(r.result, SecretStore::Result::Ok);
        QCOMPARE(r.secret, secret);

        QCOMPARE(remove(store, account).result, SecretStore::Result::Ok);
        const Answer gone = read(store, account);
        QCOMPARE(gone.result, SecretStore::Result::NotFound);
        QVERIFY(gone.secret.isEmpty());
    }

    // A second store object (as after a restart) reads what the first one wrote.
    void persistsAcrossStoreObjects()
    {
        const QString account = uniqueAccount();
        {
            SecretStore first(m_service);
            QCOMPARE(write(first, account, QStringLiteral("persisted-secret-1a2b")).result,
                     SecretStore::Result::Ok);
        }
        SecretStore second(m_service);
        const Answer r = read(second, account);
        QCOMPARE(r.result, SecretStore::Result::Ok);
        QCOMPARE(r.secret, QStringLiteral("persisted-secret-1a2b"));
        QCOMPARE(remove(second, account).result, SecretStore::Result::Ok);
    }

    void overwriteKeepsTheLatest()
    {
        SecretStore store(m_service);
        const QString account = uniqueAccount();
        QCOMPARE(write(store, account, QStringLiteral("old-value-0000")).result,
                 SecretStore::Result::Ok);
        QCOMPARE(write(store, account, QStringLiteral("new-value-9999")).result,
                 SecretStore::Result::Ok);
        QCOMPARE(read(store, account).secret, QStringLiteral("new-value-9999"));
        remove(store, account);
    }

    void accountsAndServicesAreSeparate()
    {
        SecretStore store(m_service);
        SecretStore other(m_service + QStringLiteral(".other"));
        const QString a = uniqueAccount();
        const QString b = uniqueAccount();
        QCOMPARE(write(store, a, QStringLiteral("secret-for-a")).result, SecretStore::Result::Ok);
        QCOMPARE(write(store, b, QStringLiteral("secret-for-b")).result, SecretStore::Result::Ok);
        QCOMPARE(read(store, a).secret, QStringLiteral("secret-for-a"));
        QCOMPARE(read(other, a).result, SecretStore::Result::NotFound);
        QCOMPARE(remove(store, a).result, SecretStore::Result::Ok);
        QCOMPARE(read(store, b).secret, QStringLiteral("secret-for-b"));
        remove(store, b);
    }

    void unusualCharactersSurvive()
    {
        SecretStore store(m_service);
        const QString account = uniqueAccount();
        const QString secret = QStringLiteral("k\u00e9y+/=&%20 \"quoted\" \u2603 \n line");
        QCOMPARE(write(store, account, secret).result, SecretStore::Result::Ok);
        QCOMPARE(read(store, account).secret, secret);
        remove(store, account);
    }

    void removingWhatIsNotThereIsFine()
    {
        SecretStore store(m_service);
        QCOMPARE(remove(store, uniqueAccount()).result, SecretStore::Result::Ok);
    }

    // A whole remembered sign-in, as the app stores it, and a sign-out that leaves nothing.
    void signInRecordRoundTripAndSignOut()
    {
        SecretStore store(m_service);
        const QString account =
            SignInRecord::accountFor(QUrl(QStringLiteral("http://127.0.0.1:1/")));
        SignInRecord rec;
        rec.kind = SignInRecord::Kind::OAuth;
        rec.oauth = OAuthConfig::forBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:1")),
                                            QStringLiteral("client-x"), QStringLiteral("cs-777"));
        rec.tokens.accessToken = QStringLiteral("at-123456789");
        rec.tokens.refreshToken = QStringLiteral("rt-987654321");
        rec.tokens.expiresAtUtc = QDateTime(QDate(2030, 1, 2), QTime(3, 4, 5), Qt::UTC);
        QCOMPARE(write(store, account, QString::fromUtf8(rec.toJson())).result,
                 SecretStore::Result::Ok);

        const Answer r = read(store, account);
        const SignInRecord back = SignInRecord::fromJson(r.secret.toUtf8());
        QCOMPARE(back.kind, SignInRecord::Kind::OAuth);
        QCOMPARE(back.tokens.accessToken, rec.tokens.accessToken);
        QCOMPARE(back.tokens.refreshToken, rec.tokens.refreshToken);
        QCOMPARE(back.tokens.expiresAtUtc, rec.tokens.expiresAtUtc);
        QCOMPARE(back.oauth.clientSecret, QStringLiteral("cs-777"));
        QCOMPARE(back.oauth.tokenUrl, QUrl(QStringLiteral("http://127.0.0.1:1/oauth2/token/")));

        QCOMPARE(remove(store, account).result, SecretStore::Result::Ok);
        QCOMPARE(read(store, account).result, SecretStore::Result::NotFound);
    }

    void secretsNeverReachTheLog()
    {
        MessageCapture capture;
        SecretStore store(m_service);
        const QString account = uniqueAccount();
        const QString secret =
            QStringLiteral("log-probe-") + QUuid::createUuid().toString(QUuid::Id128);
        write(store, account, secret);
        QCOMPARE(read(store, account).secret, secret);
        remove(store, account);
        read(store, account);
        QVERIFY(!capture.contains(secret));
    }

    // The callback must not run when its context object is gone (a closed dialog).
    void noCallbackAfterContextDies()
    {
        SecretStore store(m_service);
        bool called = false;
        auto *context = new QObject;
        store.read(
            uniqueAccount(), context,
            [&called](SecretStore::Result, const QString &, const QString &) { called = true; });
        delete context;
        // Let the job finish; a second read on the same store shows when the first is done.
        const Answer after = read(store, uniqueAccount());
        QVERIFY(after.done);
        QVERIFY(!called);
    }

    // A keychain that does not answer is treated as none: the write is kept in memory only.
    void timeoutFallsBackToSessionOnly()
    {
        ManualClock clock;
        SecretStore store(m_service, nullptr, &clock);
        store.setTimeoutMs(5000);
        QSignalSpy availability(&store, &SecretStore::keychainAvailabilityChanged);
        bool done = false;
        SecretStore::Result result = SecretStore::Result::Failed;
        const QString account = uniqueAccount();
        store.write(account, QStringLiteral("slow-keychain-secret"), this,
                    [&](SecretStore::Result r, const QString &) {
                        done = true;
                        result = r;
                    });
        // Time runs out before the event loop gets to the keychain's answer.
        clock.advance(5000);
        QTRY_VERIFY_WITH_TIMEOUT(done, 5000);
        QCOMPARE(result, SecretStore::Result::SessionOnly);
        QVERIFY(store.hasSessionSecret(account));
        QCOMPARE(availability.count(), 1);
        QVERIFY(!store.isKeychainAvailable());
        // Whatever the keychain did meanwhile, clean up; a delete also forgets the memory copy.
        QTRY_VERIFY(remove(store, account).done);
        QVERIFY(!store.hasSessionSecret(account));
    }
};

QTEST_GUILESS_MAIN(tst_SecretStore)
#include "tst_SecretStore.moc"
