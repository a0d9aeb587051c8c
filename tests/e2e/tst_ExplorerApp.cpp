// The real tango-explorer binary, started as a user would: --demo, a key against a sandbox,
// and a refused plain-http address. Also renders the main window and every error dialog to
// PNG files when TANGO_SHOTS_DIR is set (for looking at them).
#include "ActionRegistry.h"
#include "ContractsModel.h"
#include "DetailPane.h"
#include "ErrorDialog.h"
#include "FilterPanel.h"
#include "MainWindow.h"
#include "RateLimitIndicator.h"

#include "api/ApiClient.h"
#include "auth/ApiKeyCredentials.h"
#include "sandbox/SandboxServer.h"
#include "util/ManualClock.h"

#include "ScratchHome.h"
#include "TestPaths.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QMessageBox>
#include <QProcess>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace tango;

class tst_ExplorerApp : public QObject
{
    Q_OBJECT

private:
    QString exe() const { return binaryDir() + QStringLiteral("/src/app/tango-explorer"); }
    QProcessEnvironment env(const QTemporaryDir &home) const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        useScratchHome(e, home.path());
        e.insert(QStringLiteral("TANGO_EXPLORER_REPORT_FIRST_PAINT"), QStringLiteral("1"));
        e.remove(QStringLiteral("TANGO_API_KEY"));
        e.remove(QStringLiteral("TANGO_BASE_URL"));
        return e;
    }
    void save(QWidget *w, const QString &name)
    {
        const QString dir = qEnvironmentVariable("TANGO_SHOTS_DIR");
        const QPixmap pix = w->grab();
        QVERIFY(!pix.isNull());
        if (!dir.isEmpty()) {
            QDir().mkpath(dir);
            QVERIFY(pix.save(dir + QLatin1Char('/') + name + QStringLiteral(".png")));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The windows built in this process keep their dialogs' choices (export) in QSettings:
        // never in the user's own settings.
        QStandardPaths::setTestModeEnabled(true);
        if (!QFileInfo::exists(exe()))
            QSKIP("tango-explorer is not built");
    }

    void demoStartsAndPaintsRows()
    {
        QTemporaryDir home;
        QProcess p;
        p.setProcessEnvironment(env(home));
        p.start(exe(), {QStringLiteral("--demo")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 0);
        const QByteArray out = p.readAllStandardOutput();
        QVERIFY2(out.contains("first-rows-painted-ms "), out.constData());
    }

    void keyFromEnvironmentLoadsFromTheGivenServer()
    {
        SandboxServer server;
        QVERIFY(server.listen());
        QTemporaryDir home;
        QProcess p;
        QProcessEnvironment e = env(home);
        e.insert(QStringLiteral("TANGO_API_KEY"), server.options().apiKey);
        p.setProcessEnvironment(e);
        p.start(exe(), {QStringLiteral("--base-url"), server.baseUrl().toString()});
        QVERIFY(p.waitForStarted(10000));
        // The server lives in this process: keep its event loop turning while the app runs.
        QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, 30000);
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().contains("first-rows-painted-ms "));
        bool sawList = false;
        for (const auto &entry : server.requestLog()) {
            if (entry.path == QLatin1String("/api/contracts/")) {
                sawList = true;
                QCOMPARE(entry.credentials, QStringLiteral("api-key"));
                QCOMPARE(entry.query.queryItemValue(QStringLiteral("limit")),
                         QStringLiteral("100"));
            }
        }
        QVERIFY(sawList);
        // The key is never written to the settings.
        QDirIterator it(home.path(), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(!f.readAll().contains(server.options().apiKey.toUtf8()),
                     qPrintable(f.fileName()));
        }
    }

    void plainHttpToARemoteHostIsRefused()
    {
        QTemporaryDir home;
        QProcess p;
        QProcessEnvironment e = env(home);
        e.insert(QStringLiteral("TANGO_BASE_URL"), QStringLiteral("http://tango.example.org"));
        p.setProcessEnvironment(e);
        // The refusal is printed and also shown in a message box, which waits for the user:
        // read the message, then end the process.
        QByteArray err;
        connect(&p, &QProcess::readyReadStandardError, this,
                [&] { err += p.readAllStandardError(); });
        p.start(exe());
        QVERIFY(p.waitForStarted(10000));
        QTRY_VERIFY_WITH_TIMEOUT(
            err.contains("tango.example.org") || p.state() == QProcess::NotRunning, 10000);
        QVERIFY2(err.contains("http"), err.constData());
        if (p.state() != QProcess::NotRunning) {
            p.kill();
            QVERIFY(p.waitForFinished(5000));
        } else {
            QCOMPARE(p.exitCode(), 2);
        }
    }

    void screens()
    {
        ManualClock clock;
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
        MainWindow::Options o;
        o.demo = true;
        o.settings = &settings;
        MainWindow w(o);
        w.resize(1400, 860);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTRY_VERIFY_WITH_TIMEOUT(
            w.contractsModel()->loadedCount() >= 100 && !w.contractsModel()->isLoading(), 10000);
        QSignalSpy detail(w.detailPane(), &DetailPane::loaded);
        w.tableView()->selectRow(1);
        QVERIFY(detail.wait(10000));
        QTest::qWait(200);
        save(&w, QStringLiteral("01-main-window-demo"));

        w.filterPanel()->setFilters({{QStringLiteral("fiscal_year_gte"), QStringLiteral("20x4")}});
        QVERIFY(!w.applyFilters());
        QTest::qWait(50);
        save(&w, QStringLiteral("02-filter-validation"));
        w.filterPanel()->clear();

        const QUrl url = w.apiClient()->baseUrl().resolved(
            QUrl(QStringLiteral("/api/contracts/?limit=100&shape=key,piid")));
        struct Case
        {
            const char *name;
            int status;
            QByteArray body;
        };
        const Case cases[] = {
            {"03-dialog-401", 401, "{\"detail\":\"Invalid API key or authentication required\"}"},
            {"04-dialog-403", 403,
             "{\"error\":\"InsufficientPermissions\",\"message\":\"You don't have permission to "
             "access this resource\",\"code\":403}"},
            {"05-dialog-429", 429,
             "{\"detail\":\"Rate limit exceeded for burst. Please try again in 45 seconds.\","
             "\"wait_in_seconds\":45}"},
            {"06-dialog-quota", 429,
             "{\"detail\":\"Rate limit exceeded for daily. Please try again in 25200 seconds.\","
             "\"wait_in_seconds\":25200}"},
            {"07-dialog-400", 400,
             "{\"detail\":\"Invalid shape\",\"issues\":[{\"path\":\"tradeoff_process\","
             "\"reason\":\"unknown_field\"}]}"},
            {"08-dialog-502", 502, "<html><body>Bad gateway</body></html>"},
        };
        for (const Case &c : cases) {
            ApiError e = ApiError::fromHttp(c.status, c.body, url);
            e.setApiVersion(QStringLiteral("4.22.0"));
            w.showError(e);
            QVERIFY(w.errorDialog()->isVisible());
            QTest::qWait(100);
            save(w.errorDialog(), QString::fromLatin1(c.name));
        }
        w.errorDialog()->setDetailsVisible(true);
        QTest::qWait(50);
        save(w.errorDialog(), QStringLiteral("09-dialog-details"));
        w.errorDialog()->cancelRetry();

        w.openColumnChooser();
        QTest::qWait(100);
        save(w.columnChooser(), QStringLiteral("10-column-chooser"));
        w.columnChooser()->reject();

        w.tableView()->horizontalScrollBar()->setValue(
            w.tableView()->horizontalScrollBar()->maximum());
        QTest::qWait(50);
        save(&w, QStringLiteral("12-money-columns"));
        w.actionRegistry()->action(ActionRegistry::Id::Shortcuts)->trigger();
        QTRY_VERIFY(w.infoBox() && w.infoBox()->isVisible());
        QTest::qWait(50);
        save(w.infoBox(), QStringLiteral("13-keyboard-shortcuts"));
        w.infoBox()->close();

        MainWindow::Options none;
        none.settings = &settings;
        none.baseUrl = w.apiClient()->baseUrl();
        MainWindow empty(none);
        empty.resize(1200, 700);
        empty.show();
        QVERIFY(QTest::qWaitForWindowExposed(&empty));
        QTest::qWait(100);
        save(&empty, QStringLiteral("11-not-signed-in"));
    }
};

QTEST_MAIN(tst_ExplorerApp)
#include "tst_ExplorerApp.moc"
