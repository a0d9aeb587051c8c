#include "auth/SecretStore.h"

#include <QDirIterator>
#include <QTest>

#include "MessageCapture.h"

using namespace tango;

// The machine has no keychain: the session bus address leads nowhere. Secrets must then live
// in memory for this session only, with a plain message, and never in a file.
class tst_SecretStoreWithoutKeychain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writeKeepsTheSecretForThisSessionOnly()
    {
        MessageCapture capture;
        SecretStore store(QStringLiteral("com.makegov.TangoExplorer.test"));
        const QString secret = QStringLiteral("no-keychain-secret-1a2b");
        bool done = false;
        SecretStore::Result result = SecretStore::Result::Ok;
        QString message;
        store.write(QStringLiteral("acct"), secret, this,
                    [&](SecretStore::Result r, const QString &m) {
                        done = true;
                        result = r;
                        message = m;
                    });
        QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
        QCOMPARE(result, SecretStore::Result::SessionOnly);
        QVERIFY(!store.isKeychainAvailable());
        QVERIFY(message.contains(QStringLiteral("session only")));

        // Readable in this session.
        done = false;
        QString back;
        store.read(QStringLiteral("acct"), this,
                   [&](SecretStore::Result r, const QString &s, const QString &) {
                       done = true;
                       result = r;
                       back = s;
                   });
        QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
        QCOMPARE(result, SecretStore::Result::Ok);
        QCOMPARE(back, secret);

        // Nothing in plain text under HOME (the wrapper made it empty and throw-away).
        const QString home = QDir::homePath();
        QDirIterator it(home, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (f.open(QIODevice::ReadOnly))
                QVERIFY2(!f.readAll().contains(secret.toUtf8()), qPrintable(f.fileName()));
        }
        QVERIFY(!capture.contains(secret));

        // Sign-out forgets it.
        done = false;
        store.remove(QStringLiteral("acct"), this, [&](SecretStore::Result r, const QString &) {
            done = true;
            result = r;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
        QCOMPARE(result, SecretStore::Result::Ok);
        done = false;
        store.read(QStringLiteral("acct"), this,
                   [&](SecretStore::Result r, const QString &s, const QString &) {
                       done = true;
                       result = r;
                       back = s;
                   });
        QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
        QCOMPARE(result, SecretStore::Result::Unavailable);
        QVERIFY(back.isEmpty());
    }
};

int main(int argc, char **argv)
{
    // Before anything talks to D-Bus: a bus that does not exist.
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/tango-no-bus");
    QCoreApplication app(argc, argv);
    tst_SecretStoreWithoutKeychain t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_SecretStoreWithoutKeychain.moc"
