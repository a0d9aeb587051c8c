#include "contracts/ContractFields.h"
#include "contracts/ContractQuery.h"
#include "export/ExportJob.h"
#include "sandbox/SandboxServer.h"

#include "CsvRows.h"
#include "SandboxLog.h"
#include "SandboxSession.h"
#include "ScratchHome.h"
#include "TestPaths.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <memory>

using namespace tango;

namespace {

struct Result
{
    int exitCode = -1;
    QProcess::ExitStatus status = QProcess::CrashExit;
    QString out;
    QString err;
};

} // namespace

class tst_ExportCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void helpListsEverything();
    void exportsEveryRowInOrder();
    void columnsAndHeaderPathsAsGiven();
    void headerTitlesDelimiterBomAndQuiet();
    void maxRowsStopsEarly();
    void filtersOrderingAndSearchReachTheServer();
    void usageErrors_data();
    void usageErrors();
    void unknownFilterListsTheValidOnes();
    void rejectedKeyExitsWith3_data();
    void rejectedKeyExitsWith3();
    void missingKeyExitsWith3();
    void exhaustedDailyQuotaExitsWith4();
    void otherFailureExitsWith5();
    void unwritableOutputExitsWith5();
    void interruptExitsWith130_data();
    void interruptExitsWith130();

private:
    QStringList baseArgs(const SandboxServer &server, const QString &out) const;
    std::unique_ptr<QProcess> launch(const QStringList &args, const QString &key) const;
    Result run(const QStringList &args, const QString &key, int timeoutMs = 30000) const;
    QString outPath() const { return m_dir->filePath(QStringLiteral("out.csv")); }
    bool dirIsEmpty() const
    {
        return QDir(m_dir->path()).entryList(QDir::Files | QDir::Hidden | QDir::System).isEmpty();
    }

    QString m_binary;
    // The child's home: whatever the binary keeps (settings, caches) stays out of the user's.
    QTemporaryDir m_home;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_key = SandboxOptions().apiKey;
};

void tst_ExportCli::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_home.isValid());
    m_binary = binaryDir() + QStringLiteral("/src/app/tango-explorer");
    QVERIFY2(QFileInfo(m_binary).isExecutable(), qPrintable(m_binary));
}

void tst_ExportCli::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QStringList tst_ExportCli::baseArgs(const SandboxServer &server, const QString &out) const
{
    return {QStringLiteral("export"), QStringLiteral("--out"), out, QStringLiteral("--base-url"),
            server.baseUrl().toString()};
}

std::unique_ptr<QProcess> tst_ExportCli::launch(const QStringList &args, const QString &key) const
{
    auto p = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("TANGO_API_KEY"));
    env.remove(QStringLiteral("TANGO_BASE_URL"));
    // No session bus: the keychain fallback answers "unavailable" at once.
    env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.remove(QStringLiteral("QT_QPA_PLATFORM")); // proves it needs no display
    useScratchHome(env, m_home.path());
    if (!key.isNull())
        env.insert(QStringLiteral("TANGO_API_KEY"), key);
    p->setProcessEnvironment(env);
    p->start(m_binary, args);
    return p;
}

Result tst_ExportCli::run(const QStringList &args, const QString &key, int timeoutMs) const
{
    auto p = launch(args, key);
    QSignalSpy finished(p.get(), &QProcess::finished);
    Result r;
    // The sandbox lives in this process: keep the event loop running while waiting.
    if (!finished.wait(timeoutMs)) {
        p->kill();
        p->waitForFinished(2000);
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p->exitCode();
    r.status = p->exitStatus();
    r.out = QString::fromUtf8(p->readAllStandardOutput());
    r.err = QString::fromUtf8(p->readAllStandardError());
    return r;
}

void tst_ExportCli::helpListsEverything()
{
    const Result r = run({QStringLiteral("export"), QStringLiteral("--help")}, QString());
    QCOMPARE(r.exitCode, 0);
    for (const char *needle :
         {"--out", "--base-url", "--search", "--filter", "--ordering", "--columns", "--max-rows",
          "--delimiter", "--bom", "--header", "--formula-guard", "--page-size", "--quiet",
          "TANGO_API_KEY", "TANGO_BASE_URL", "130"})
        QVERIFY2(r.out.contains(QLatin1String(needle)), needle);
    for (const QString &f : ContractQuery::filterNames())
        QVERIFY2(r.out.contains(f), qPrintable(f));
}

void tst_ExportCli::exportsEveryRowInOrder()
{
    SandboxOptions o;
    o.rows = 250;
    auto server = SandboxSession::startServer(o);
    const Result r = run(baseArgs(*server, outPath()), m_key);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(r.status, QProcess::NormalExit);
    QFile f(outPath());
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto rows = parseCsv(f.readAll());
    // Default columns: key first, then the catalogue's defaults; header = those paths.
    QStringList expectedHeader{QStringLiteral("key")};
    for (const QString &p : ContractFields::defaultColumns()) {
        if (p != QLatin1String("key"))
            expectedHeader.append(p);
    }
    QCOMPARE(rows.first(), expectedHeader);
    QCOMPARE(firstColumn(rows), server->keysInDefaultOrder());
    QVERIFY(r.err.contains(QLatin1String("250")));
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files), QStringList{"out.csv"});
}

void tst_ExportCli::columnsAndHeaderPathsAsGiven()
{
    SandboxOptions o;
    o.rows = 40;
    auto server = SandboxSession::startServer(o);
    QStringList args = baseArgs(*server, outPath());
    args << QStringLiteral("--columns")
         << QStringLiteral("piid, key,recipient.display_name,total_contract_value")
         << QStringLiteral("--header") << QStringLiteral("paths");
    const Result r = run(args, m_key);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QFile f(outPath());
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    QVERIFY(bytes.startsWith("piid,key,recipient.display_name,total_contract_value\r\n"));
    const auto rows = parseCsv(bytes);
    QCOMPARE(rows.size(), 41);
    QStringList keys;
    for (int i = 1; i < rows.size(); ++i) {
        QCOMPARE(rows.at(i).size(), 4);
        keys.append(rows.at(i).at(1));
    }
    QCOMPARE(keys, server->keysInDefaultOrder());
    const auto log = apiLog(*server);
    QCOMPARE(log.first().query.queryItemValue(QStringLiteral("shape"), QUrl::FullyDecoded),
             QStringLiteral("key,piid,recipient(display_name),total_contract_value"));
}

void tst_ExportCli::headerTitlesDelimiterBomAndQuiet()
{
    SandboxOptions o;
    o.rows = 5;
    auto server = SandboxSession::startServer(o);
    QStringList args = baseArgs(*server, outPath());
    args << QStringLiteral("--columns") << QStringLiteral("key,piid") << QStringLiteral("--header")
         << QStringLiteral("titles") << QStringLiteral("--delimiter") << QStringLiteral("tab")
         << QStringLiteral("--bom") << QStringLiteral("--quiet");
    const Result r = run(args, m_key);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    QFile f(outPath());
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    QVERIFY(bytes.startsWith("\xEF\xBB\xBF"));
    const auto rows = parseCsv(bytes, QLatin1Char('\t'));
    QCOMPARE(rows.first(), (QStringList{ExportJob::columnTitle(QStringLiteral("key")),
                                        ExportJob::columnTitle(QStringLiteral("piid"))}));
    QCOMPARE(rows.size(), 6);
}

void tst_ExportCli::maxRowsStopsEarly()
{
    SandboxOptions o;
    o.rows = 1000;
    auto server = SandboxSession::startServer(o);
    QStringList args = baseArgs(*server, outPath());
    args << QStringLiteral("--max-rows") << QStringLiteral("120") << QStringLiteral("--columns")
         << QStringLiteral("key");
    const Result r = run(args, m_key);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QFile f(outPath());
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList keys = firstColumn(parseCsv(f.readAll()));
    QCOMPARE(keys, server->keysInDefaultOrder().mid(0, 120));
    const auto log = apiLog(*server);
    QCOMPARE(log.size(), 2);
    QCOMPARE(log.at(1).query.queryItemValue(QStringLiteral("limit")), QStringLiteral("20"));
}

void tst_ExportCli::filtersOrderingAndSearchReachTheServer()
{
    SandboxOptions o;
    o.rows = 300;
    auto server = SandboxSession::startServer(o);
    QStringList args = baseArgs(*server, outPath());
    args << QStringLiteral("--filter") << QStringLiteral("award_date_gte=2020-01-01")
         << QStringLiteral("--filter") << QStringLiteral("award_type=A")
         << QStringLiteral("--ordering") << QStringLiteral("-obligated")
         << QStringLiteral("--search") << QStringLiteral("services")
         << QStringLiteral("--page-size") << QStringLiteral("25") << QStringLiteral("--columns")
         << QStringLiteral("key,obligated");
    const Result r = run(args, m_key);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto log = apiLog(*server);
    QVERIFY(!log.isEmpty());
    for (const auto &e : log) {
        QCOMPARE(e.query.queryItemValue(QStringLiteral("award_date_gte")),
                 QStringLiteral("2020-01-01"));
        QCOMPARE(e.query.queryItemValue(QStringLiteral("award_type"), QUrl::FullyDecoded),
                 QStringLiteral("A"));
        QCOMPARE(e.query.queryItemValue(QStringLiteral("ordering")), QStringLiteral("-obligated"));
        QCOMPARE(e.query.queryItemValue(QStringLiteral("search")), QStringLiteral("services"));
        QCOMPARE(e.query.queryItemValue(QStringLiteral("limit")), QStringLiteral("25"));
    }
    // Descending by obligated, as the server returned it.
    QFile f(outPath());
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto rows = parseCsv(f.readAll());
    QVERIFY2(rows.size() > 10, "the query should match some rows");
    for (int i = 2; i < rows.size(); ++i) {
        if (rows.at(i).at(1).isEmpty() || rows.at(i - 1).at(1).isEmpty())
            continue;
        QVERIFY(rows.at(i).at(1).toDouble() <= rows.at(i - 1).at(1).toDouble());
    }
}

void tst_ExportCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("needle");
    const QString out = QStringLiteral("x.csv");
    const QString url = QStringLiteral("http://127.0.0.1:9");
    QTest::newRow("no --out") << QStringList{"export"} << "--out";
    QTest::newRow("unknown option")
        << QStringList{"export", "--out", out, "--frobnicate"} << "frobnicate";
    QTest::newRow("stray argument") << QStringList{"export", "--out", out, "extra"} << "extra";
    QTest::newRow("bad delimiter")
        << QStringList{"export", "--out", out, "--delimiter", "|"} << "--delimiter";
    QTest::newRow("bad header") << QStringList{"export", "--out", out, "--header", "names"}
                                << "--header";
    QTest::newRow("max-rows zero")
        << QStringList{"export", "--out", out, "--max-rows", "0"} << "--max-rows";
    QTest::newRow("max-rows text")
        << QStringList{"export", "--out", out, "--max-rows", "ten"} << "--max-rows";
    QTest::newRow("page-size 101")
        << QStringList{"export", "--out", out, "--page-size", "101"} << "--page-size";
    QTest::newRow("bad ordering") << QStringList{"export", "--out", out, "--ordering", "-piid"}
                                  << "award_date";
    QTest::newRow("filter without value")
        << QStringList{"export", "--out", out, "--filter", "naics"} << "naics";
    QTest::newRow("bad filter value")
        << QStringList{"export", "--out", out, "--filter", "award_date_gte=yesterday"}
        << "award_date_gte";
    QTest::newRow("plain http to another host")
        << QStringList{"export", "--out", out, "--base-url", "http://example.com"} << "http";
    QTest::newRow("empty columns")
        << QStringList{"export", "--out", out, "--columns", ","} << "--columns";
    Q_UNUSED(url);
}

void tst_ExportCli::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, needle);
    const Result r = run(args, m_key);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(needle), qPrintable(r.err));
    QVERIFY(dirIsEmpty());
}

void tst_ExportCli::unknownFilterListsTheValidOnes()
{
    auto server = SandboxSession::startServer({});
    QStringList args = baseArgs(*server, outPath());
    args << QStringLiteral("--filter") << QStringLiteral("vendor=ACME");
    const Result r = run(args, m_key);
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains(QLatin1String("vendor")));
    for (const QString &f : ContractQuery::filterNames())
        QVERIFY2(r.err.contains(f), qPrintable(f));
    QVERIFY(apiLog(*server).isEmpty());
}

void tst_ExportCli::rejectedKeyExitsWith3_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("status");
    QTest::newRow("401") << "not-a-valid-key"
                         << "401";
    QTest::newRow("403") << SandboxOptions().forbiddenKey << "403";
}

void tst_ExportCli::rejectedKeyExitsWith3()
{
    QFETCH(QString, key);
    QFETCH(QString, status);
    auto server = SandboxSession::startServer({});
    const Result r = run(baseArgs(*server, outPath()), key);
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(status), qPrintable(r.err));
    QVERIFY2(!r.err.contains(key), "the key must not be printed");
    QVERIFY(dirIsEmpty());
    QCOMPARE(apiLog(*server).size(), 1); // not retried
}

void tst_ExportCli::missingKeyExitsWith3()
{
    auto server = SandboxSession::startServer({});
    const Result r = run(baseArgs(*server, outPath()), QString());
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(QLatin1String("TANGO_API_KEY")), qPrintable(r.err));
    QVERIFY(apiLog(*server).isEmpty());
    QVERIFY(dirIsEmpty());
}

void tst_ExportCli::exhaustedDailyQuotaExitsWith4()
{
    SandboxOptions o;
    o.rows = 1000;
    o.dailyLimit = 2;
    auto server = SandboxSession::startServer(o);
    QStringList args = baseArgs(*server, outPath());
    args << QStringLiteral("--columns") << QStringLiteral("key");
    const Result r = run(args, m_key, 20000);
    QCOMPARE(r.exitCode, 4);
    QVERIFY2(r.err.contains(QLatin1String("resets")), qPrintable(r.err));
    QVERIFY(dirIsEmpty());
    QVERIFY(apiLog(*server).size() <= 3);
}

void tst_ExportCli::otherFailureExitsWith5()
{
    SandboxOptions o;
    o.rows = 50;
    auto server = SandboxSession::startServer(o);
    QStringList args = baseArgs(*server, outPath());
    args << QStringLiteral("--columns") << QStringLiteral("key,no_such_field");
    const Result r = run(args, m_key);
    QCOMPARE(r.exitCode, 5);
    QVERIFY2(r.err.contains(QLatin1String("400")), qPrintable(r.err));
    QVERIFY(dirIsEmpty());
}

void tst_ExportCli::unwritableOutputExitsWith5()
{
    auto server = SandboxSession::startServer({});
    const QString out = m_dir->filePath(QStringLiteral("no-such-folder/out.csv"));
    const Result r = run(baseArgs(*server, out), m_key);
    QCOMPARE(r.exitCode, 5);
    QVERIFY2(r.err.contains(out), qPrintable(r.err));
    QVERIFY(apiLog(*server).isEmpty()); // refused before any request
    QVERIFY(dirIsEmpty());
}

void tst_ExportCli::interruptExitsWith130_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGINT") << int(SIGINT);
    QTest::newRow("SIGTERM") << int(SIGTERM);
}

void tst_ExportCli::interruptExitsWith130()
{
    QFETCH(int, signal);
    SandboxOptions o;
    o.rows = 5000;
    auto server = SandboxSession::startServer(o);
    // Slow pages, so the export is surely running when the signal comes.
    server->faultEvery(SandboxServer::Fault::Delay, 1000, 150);
    QStringList args = baseArgs(*server, outPath());
    args << QStringLiteral("--columns") << QStringLiteral("key") << QStringLiteral("--page-size")
         << QStringLiteral("10");
    auto p = launch(args, m_key);
    QSignalSpy finished(p.get(), &QProcess::finished);
    QTRY_VERIFY_WITH_TIMEOUT(apiLog(*server).size() >= 3, 15000);
    QVERIFY(p->state() == QProcess::Running);
    QElapsedTimer t;
    t.start();
    ::kill(pid_t(p->processId()), signal);
    QVERIFY(finished.wait(5000));
    QVERIFY2(t.elapsed() < 2000, "stops promptly");
    QCOMPARE(p->exitStatus(), QProcess::NormalExit);
    QCOMPARE(p->exitCode(), 130);
    QVERIFY(!QFileInfo::exists(outPath()));
    QVERIFY(dirIsEmpty());
}

QTEST_MAIN(tst_ExportCli)
#include "tst_ExportCli.moc"
