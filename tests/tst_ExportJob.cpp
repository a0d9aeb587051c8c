#include "api/ApiClient.h"
#include "api/Pacer.h"
#include "auth/ApiKeyCredentials.h"
#include "export/ExportJob.h"
#include "sandbox/SandboxServer.h"
#include "util/ManualClock.h"

#include "ClockPump.h"
#include "CsvRows.h"
#include "FailingDevice.h"
#include "SandboxLog.h"
#include "SandboxSession.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <memory>

using namespace tango;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

} // namespace

class tst_ExportJob : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void cleanWalkWritesEveryRowInOrder();
    void titlesHeaderDelimiterAndBom();
    void faultOnAPageStillGivesTheExactFile_data();
    void faultOnAPageStillGivesTheExactFile();
    void pacingUnderSmallBurstWindowDrawsNo429();
    void exhaustedDailyWindowStopsWithQuotaExhausted();
    void cancelLeavesNothingAtTheDestination();
    void resumeAfterServerWentAwayGivesTheExactFile();
    void resumeAfterRetriesExhaustedGivesTheExactFile();
    void maxRowsLimitsRowsAndRequests();
    void keysAreWrittenInTheGivenOrder();
    void recordsModeWritesTheGivenRecords();
    void rowProviderIsPulledOnlyAsFastAsWritten();
    void writeErrorOnDeviceEndsWithClearError();
    void unwritablePathEndsWithClearError();
    void badInputs();
    void serverRejectsUnknownColumnWithoutRetrying();

private:
    void makeClient(SandboxServer *server, Clock *clock);
    QString outPath(const QString &name = QStringLiteral("out.csv")) const
    {
        return m_dir->filePath(name);
    }
    // The usual set-up: the default query through m_client, written to outPath(); `columns`
    // when given.
    void prepareQueryJob(ExportJob &job, const QStringList &columns = {}) const;
    bool runToEnd(ExportJob &job, int timeoutMs = 20000);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<ClockPump> m_pump;
    std::unique_ptr<ApiClient> m_client;
};

void tst_ExportJob::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_clock = std::make_unique<ManualClock>();
    m_pump = std::make_unique<ClockPump>(m_clock.get());
}

void tst_ExportJob::cleanup()
{
    m_client.reset();
    m_pump.reset();
    m_clock.reset();
    m_dir.reset();
}

void tst_ExportJob::makeClient(SandboxServer *server, Clock *clock)
{
    RetryPolicy p;
    p.baseDelayMs = 20;
    p.maxDelayMs = 100;
    p.jitter = 0;
    m_client = SandboxSession::clientFor(*server, p, clock);
    QVERIFY(m_client);
    m_client->setTransferTimeoutMs(5000);
}

void tst_ExportJob::prepareQueryJob(ExportJob &job, const QStringList &columns) const
{
    job.setApiClient(m_client.get());
    job.setQuery(ContractQuery());
    if (!columns.isEmpty())
        job.setColumns(columns);
    job.setOutputPath(outPath());
}

bool tst_ExportJob::runToEnd(ExportJob &job, int timeoutMs)
{
    QSignalSpy done(&job, &ExportJob::finished);
    QSignalSpy failed(&job, &ExportJob::failed);
    if (job.state() != ExportJob::State::Running && !job.start())
        return false;
    QElapsedTimer t;
    t.start();
    while (done.isEmpty() && failed.isEmpty() && t.elapsed() < timeoutMs)
        QTest::qWait(5);
    return !done.isEmpty();
}

void tst_ExportJob::cleanWalkWritesEveryRowInOrder()
{
    SandboxOptions o;
    o.rows = 250;
    auto server = SandboxSession::startServer(o);
    QVERIFY(server->isListening());
    makeClient(server.get(), m_clock.get());

    ExportJob job;
    prepareQueryJob(job, {QStringLiteral("key"), QStringLiteral("piid"),
                          QStringLiteral("recipient.display_name"),
                          QStringLiteral("total_contract_value")});
    QSignalSpy progress(&job, &ExportJob::progressChanged);
    QVERIFY(runToEnd(job));
    QCOMPARE(job.state(), ExportJob::State::Finished);

    const auto rows = parseCsv(readAll(outPath()));
    QVERIFY(!rows.isEmpty());
    QCOMPARE(rows.first(),
             (QStringList{"key", "piid", "recipient.display_name", "total_contract_value"}));
    QCOMPARE(firstColumn(rows), server->keysInDefaultOrder());
    for (const QStringList &r : rows)
        QCOMPARE(r.size(), 4);

    // Three pages of 100, 100, 50; the later ones by the body's cursor.
    const auto log = server->requestLog();
    QCOMPARE(countApiRequests(log), 3);
    QVERIFY(!log.at(0).query.hasQueryItem(QStringLiteral("cursor")));
    QVERIFY(log.at(1).query.hasQueryItem(QStringLiteral("cursor")));
    QCOMPARE(log.at(0).query.queryItemValue(QStringLiteral("limit")), QStringLiteral("100"));

    const ExportProgress last = job.progress();
    QCOMPARE(last.rowsWritten, 250);
    QCOMPARE(last.pages, 3);
    QCOMPARE(last.bytesWritten, QFileInfo(outPath()).size());
    QCOMPARE(last.rowsExpected.value_or(-1), 250);
    QVERIFY(progress.size() >= 3);
    // Nothing left beside the file (no temporary part file).
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files), QStringList{"out.csv"});
}

void tst_ExportJob::titlesHeaderDelimiterAndBom()
{
    SandboxOptions o;
    o.rows = 30;
    auto server = SandboxSession::startServer(o);
    makeClient(server.get(), m_clock.get());

    ExportJob job;
    prepareQueryJob(job, {QStringLiteral("key"), QStringLiteral("piid")});
    job.setHeader(ExportJob::Header::Titles);
    job.setDelimiter(QLatin1Char(';'));
    job.setBom(true);
    QVERIFY(runToEnd(job));
    const QByteArray bytes = readAll(outPath());
    QVERIFY(bytes.startsWith("\xEF\xBB\xBF"));
    const auto rows = parseCsv(bytes, QLatin1Char(';'));
    QCOMPARE(rows.first(), (QStringList{ExportJob::columnTitle(QStringLiteral("key")),
                                        ExportJob::columnTitle(QStringLiteral("piid"))}));
    QVERIFY(rows.first().first() != QLatin1String("key"));
    QCOMPARE(firstColumn(rows), server->keysInDefaultOrder());
}

void tst_ExportJob::faultOnAPageStillGivesTheExactFile_data()
{
    QTest::addColumn<SandboxServer::Fault>("fault");
    QTest::addColumn<int>("param");
    QTest::addColumn<int>("times");
    QTest::addColumn<int>("statusSeen"); // a status the log must show, -1 for none
    QTest::newRow("Http500") << SandboxServer::Fault::Http500 << 0 << 1 << 500;
    QTest::newRow("Http502Html") << SandboxServer::Fault::Http502Html << 0 << 1 << 502;
    QTest::newRow("TruncatedBody") << SandboxServer::Fault::TruncatedBody << 0 << 1 << -1;
    // The network layer re-sends silently once after a drop: drop three in a row.
    QTest::newRow("DropConnection") << SandboxServer::Fault::DropConnection << 0 << 3 << 0;
    QTest::newRow("OkWithError") << SandboxServer::Fault::OkWithError << 0 << 1 << -1;
    QTest::newRow("Spurious429") << SandboxServer::Fault::Spurious429 << 2 << 1 << 429;
    QTest::newRow("Delay") << SandboxServer::Fault::Delay << 300 << 1 << -1;
    QTest::newRow("NotJson") << SandboxServer::Fault::NotJson << 0 << 1 << -1;
    QTest::newRow("Http500 x6 (page retry)") << SandboxServer::Fault::Http500 << 0 << 6 << 500;
}

void tst_ExportJob::faultOnAPageStillGivesTheExactFile()
{
    QFETCH(SandboxServer::Fault, fault);
    QFETCH(int, param);
    QFETCH(int, times);
    QFETCH(int, statusSeen);

    SandboxOptions o;
    o.rows = 500;
    auto server = SandboxSession::startServer(o);
    makeClient(server.get(), m_clock.get());
    // Page 3 onwards: the third /api/ request and, for repeated faults, its retries.
    for (int i = 0; i < times; ++i)
        server->scriptFault(3 + i, fault, param);

    ExportJob job;
    prepareQueryJob(
        job, {QStringLiteral("key"), QStringLiteral("award_date"), QStringLiteral("obligated")});
    job.setPageSize(50);
    job.setPageRetries(2, 100);
    QSignalSpy waits(&job, &ExportJob::waiting);
    QVERIFY2(runToEnd(job), qPrintable(job.errorString()));

    const auto rows = parseCsv(readAll(outPath()));
    const QStringList keys = firstColumn(rows);
    QCOMPARE(keys.size(), 500);
    QCOMPARE(keys, server->keysInDefaultOrder());
    QCOMPARE(QSet<QString>(keys.begin(), keys.end()).size(), 500);

    const auto log = server->requestLog();
    // The fault did happen: more requests than the 10 pages.
    QVERIFY2(countApiRequests(log) > 10 || fault == SandboxServer::Fault::Delay,
             qPrintable(QString::number(countApiRequests(log))));
    if (statusSeen >= 0)
        QVERIFY(countStatus(log, statusSeen) >= 1);
    if (fault != SandboxServer::Fault::Delay)
        QVERIFY(job.progress().retries >= 1);
    if (fault == SandboxServer::Fault::Spurious429) {
        // The server's wait was forwarded.
        bool sawRateLimitWait = false;
        for (const auto &w : waits) {
            if (w.at(0).toLongLong() >= param &&
                w.at(1).value<ApiReply::WaitReason>() == ApiReply::WaitReason::RateLimit)
                sawRateLimitWait = true;
        }
        QVERIFY(sawRateLimitWait);
        QCOMPARE(job.progress().rateLimited, 1);
    }
}

void tst_ExportJob::pacingUnderSmallBurstWindowDrawsNo429()
{
    // Real time: the window is real. 25 pages, 10 requests per 1 s window.
    SandboxOptions o;
    o.rows = 250;
    o.burstLimit = 10;
    o.burstWindowSeconds = 1;
    auto server = SandboxSession::startServer(o);
    server->setClock(Clock::system());
    makeClient(server.get(), Clock::system());
    // The sandbox rounds its reset up to whole seconds, so the pacer's safety margin would only
    // add to every wait; with a 1 s window it alone is 15 %. Real windows are ~60 s.
    m_client->pacer()->setResetMarginMs(0);

    ExportJob job;
    prepareQueryJob(job, {QStringLiteral("key")});
    job.setPageSize(10);
    QElapsedTimer t;
    t.start();
    QVERIFY2(runToEnd(job, 15000), qPrintable(job.errorString()));
    const qint64 elapsed = t.elapsed();

    const auto log = server->requestLog();
    QCOMPARE(countApiRequests(log), 25);
    QCOMPARE(countStatus(log, 429), 0);
    QCOMPARE(job.progress().rateLimited, 0);
    QCOMPARE(job.progress().retries, 0);
    QCOMPARE(firstColumn(parseCsv(readAll(outPath()))), server->keysInDefaultOrder());
    // 25 requests at 10 a window need at least two window turns after the first request.
    const qint64 minimum = 2000;
    QVERIFY2(elapsed >= minimum - 100, qPrintable(QString::number(elapsed)));
    QVERIFY2(elapsed <= minimum * 115 / 100, qPrintable(QString::number(elapsed)));
}

void tst_ExportJob::exhaustedDailyWindowStopsWithQuotaExhausted()
{
    SandboxOptions o;
    o.rows = 1000;
    o.dailyLimit = 3;
    auto server = SandboxSession::startServer(o);
    makeClient(server.get(), m_clock.get());

    ExportJob job;
    prepareQueryJob(job, {QStringLiteral("key")});
    QSignalSpy failed(&job, &ExportJob::failed);
    QVERIFY(!runToEnd(job));
    QCOMPARE(failed.size(), 1);
    QCOMPARE(job.state(), ExportJob::State::Failed);
    QCOMPARE(job.failure(), ExportJob::Failure::Api);
    QCOMPARE(job.lastError().kind(), ApiError::Kind::QuotaExhausted);
    QCOMPARE(job.progress().rowsWritten, 300);
    // No file yet; and no waiting for the reset: at most one refused request went out.
    QVERIFY(!QFileInfo::exists(outPath()));
    QVERIFY(countApiRequests(server->requestLog()) <= 4);
}

void tst_ExportJob::cancelLeavesNothingAtTheDestination()
{
    SandboxOptions o;
    o.rows = 1000;
    auto server = SandboxSession::startServer(o);
    makeClient(server.get(), m_clock.get());

    ExportJob job;
    prepareQueryJob(job);
    QSignalSpy cancelled(&job, &ExportJob::cancelled);
    connect(&job, &ExportJob::progressChanged, &job, [&job](const ExportProgress &p) {
        if (p.pages == 2)
            job.cancel();
    });
    QVERIFY(job.start());
    QTRY_COMPARE_WITH_TIMEOUT(cancelled.size(), 1, 10000);
    QCOMPARE(job.state(), ExportJob::State::Cancelled);
    QVERIFY(!QFileInfo::exists(outPath()));
    QVERIFY(QDir(m_dir->path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
    QVERIFY(!job.canResume());
    // Nothing else goes out after the cancel.
    const int sent = countApiRequests(server->requestLog());
    QTest::qWait(100);
    QCOMPARE(countApiRequests(server->requestLog()), sent);
}

void tst_ExportJob::resumeAfterServerWentAwayGivesTheExactFile()
{
    SandboxOptions o;
    o.rows = 500;
    auto server = SandboxSession::startServer(o);
    const quint16 port = server->port();
    makeClient(server.get(), m_clock.get());
    const QStringList expected = server->keysInDefaultOrder();

    ExportJob job;
    prepareQueryJob(job, {QStringLiteral("key"), QStringLiteral("piid")});
    job.setPageSize(50);
    job.setPageRetries(1, 50);
    bool closed = false;
    connect(&job, &ExportJob::progressChanged, server.get(),
            [&server, &closed](const ExportProgress &p) {
                if (p.pages == 4 && !closed) {
                    closed = true;
                    server->close();
                }
            });
    QSignalSpy failed(&job, &ExportJob::failed);
    QVERIFY(!runToEnd(job));
    QCOMPARE(failed.size(), 1);
    QCOMPARE(job.lastError().kind(), ApiError::Kind::Network);
    QVERIFY(job.canResume());
    QCOMPARE(job.progress().rowsWritten, 200);
    QVERIFY(!QFileInfo::exists(outPath()));

    QVERIFY(server->listen(port));
    QVERIFY(job.resume());
    QVERIFY2(runToEnd(job), qPrintable(job.errorString()));
    const QStringList keys = firstColumn(parseCsv(readAll(outPath())));
    QCOMPARE(keys, expected);
}

void tst_ExportJob::resumeAfterRetriesExhaustedGivesTheExactFile()
{
    SandboxOptions o;
    o.rows = 300;
    auto server = SandboxSession::startServer(o);
    makeClient(server.get(), m_clock.get());

    ExportJob job;
    prepareQueryJob(job, {QStringLiteral("key")});
    job.setPageSize(50);
    job.setPageRetries(1, 10);
    // Page 3 and every retry of it: 4 attempts per reply, 2 replies.
    for (int n = 3; n < 3 + 8; ++n)
        server->scriptFault(n, SandboxServer::Fault::Http500);
    QVERIFY(!runToEnd(job));
    QCOMPARE(job.lastError().kind(), ApiError::Kind::ServerError);
    QCOMPARE(job.progress().rowsWritten, 100);
    QVERIFY(job.canResume());
    QVERIFY(job.resume());
    QVERIFY2(runToEnd(job), qPrintable(job.errorString()));
    QCOMPARE(firstColumn(parseCsv(readAll(outPath()))), server->keysInDefaultOrder());
    QCOMPARE(job.progress().rowsWritten, 300);
}

void tst_ExportJob::maxRowsLimitsRowsAndRequests()
{
    SandboxOptions o;
    o.rows = 1000;
    auto server = SandboxSession::startServer(o);
    makeClient(server.get(), m_clock.get());

    ExportJob job;
    job.setApiClient(m_client.get());
    ContractQuery q;
    q.setOrdering(QStringLiteral("-obligated"));
    job.setQuery(q);
    job.setColumns({QStringLiteral("key")});
    job.setMaxRows(150);
    job.setOutputPath(outPath());
    QVERIFY(runToEnd(job));
    const QStringList keys = firstColumn(parseCsv(readAll(outPath())));
    QCOMPARE(keys.size(), 150);
    const auto log = server->requestLog();
    QCOMPARE(countApiRequests(log), 2);
    QCOMPARE(log.at(1).query.queryItemValue(QStringLiteral("limit")), QStringLiteral("50"));
    QCOMPARE(log.at(0).query.queryItemValue(QStringLiteral("ordering")),
             QStringLiteral("-obligated"));
    QCOMPARE(job.progress().rowsExpected.value_or(-1), 150);
}

void tst_ExportJob::keysAreWrittenInTheGivenOrder()
{
    SandboxOptions o;
    o.rows = 300;
    auto server = SandboxSession::startServer(o);
    makeClient(server.get(), m_clock.get());
    const QStringList all = server->keysInDefaultOrder();
    QStringList wanted;
    for (int i = all.size() - 1; i >= 0; i -= 2)
        wanted.append(all.at(i)); // 150 keys, reversed order: two requests of 100 and 50
    wanted.insert(5, QStringLiteral("no-such-contract-key"));

    ExportJob job;
    job.setApiClient(m_client.get());
    job.setKeys(wanted);
    job.setColumns({QStringLiteral("key"), QStringLiteral("piid")});
    job.setOutputPath(outPath());
    QVERIFY2(runToEnd(job), qPrintable(job.errorString()));
    wanted.removeAt(5);
    QCOMPARE(firstColumn(parseCsv(readAll(outPath()))), wanted);
    QCOMPARE(countApiRequests(server->requestLog()), 2);
    QVERIFY(server->requestLog().first().query.hasQueryItem(QStringLiteral("key")));
}

void tst_ExportJob::recordsModeWritesTheGivenRecords()
{
    QVector<QJsonObject> records;
    records.append(QJsonObject{{"key", "K1"},
                               {"piid", "=HYPERLINK(\"x\")"},
                               {"obligated", 1234.5},
                               {"recipient", QJsonObject{{"display_name", "Acme, \"Inc\""}}}});
    records.append(QJsonObject{{"key", "K2"}, {"piid", QJsonValue::Null}, {"obligated", 7}});
    records.append(QJsonObject{{"key", "K3"}, {"piid", "P3"}});

    ExportJob job; // no client: records need none
    job.setRecords(records);
    job.setColumns({QStringLiteral("key"), QStringLiteral("piid"), QStringLiteral("obligated"),
                    QStringLiteral("recipient.display_name")});
    job.setFormulaGuard(true);
    job.setMaxRows(2);
    job.setOutputPath(outPath());
    QVERIFY(runToEnd(job));
    const auto rows = parseCsv(readAll(outPath()));
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows.at(1), (QStringList{"K1", "'=HYPERLINK(\"x\")", "1234.50", "Acme, \"Inc\""}));
    QCOMPARE(rows.at(2), (QStringList{"K2", "", "7.00", ""}));
}

void tst_ExportJob::rowProviderIsPulledOnlyAsFastAsWritten()
{
    qint64 pulled = 0;
    const qint64 total = 5000;
    ExportJob job;
    job.setPageSize(100);
    job.setRowProvider(
        [&pulled, total]() -> std::optional<QJsonObject> {
            if (pulled >= total)
                return std::nullopt;
            ++pulled;
            return QJsonObject{{"key", QStringLiteral("R%1").arg(pulled)}};
        },
        total);
    job.setColumns({QStringLiteral("key")});
    job.setOutputPath(outPath());
    qint64 maxAhead = 0;
    connect(&job, &ExportJob::progressChanged, &job,
            [&](const ExportProgress &p) { maxAhead = qMax(maxAhead, pulled - p.rowsWritten); });
    QVERIFY(runToEnd(job));
    QCOMPARE(job.progress().rowsWritten, total);
    QVERIFY(maxAhead <= 1);
    const QStringList keys = firstColumn(parseCsv(readAll(outPath())));
    QCOMPARE(keys.size(), int(total));
    QCOMPARE(keys.last(), QStringLiteral("R5000"));
}

void tst_ExportJob::writeErrorOnDeviceEndsWithClearError()
{
    SandboxOptions o;
    o.rows = 500;
    auto server = SandboxSession::startServer(o);
    makeClient(server.get(), m_clock.get());

    FailingDevice device(3000);
    QVERIFY(device.open(QIODevice::WriteOnly));
    ExportJob job;
    job.setApiClient(m_client.get());
    job.setQuery(ContractQuery());
    job.setOutputDevice(&device);
    QSignalSpy failed(&job, &ExportJob::failed);
    QVERIFY(!runToEnd(job));
    QCOMPARE(failed.size(), 1);
    QCOMPARE(job.failure(), ExportJob::Failure::Write);
    QVERIFY2(job.errorString().contains(QLatin1String("No space left on device")),
             qPrintable(job.errorString()));
    QVERIFY(!job.canResume());
    // It stopped asking the server after the failure.
    QVERIFY(countApiRequests(server->requestLog()) <= 2);
}

void tst_ExportJob::unwritablePathEndsWithClearError()
{
    ExportJob job;
    job.setRecords({QJsonObject{{"key", "K"}}});
    const QString path = m_dir->filePath(QStringLiteral("missing-folder/out.csv"));
    job.setOutputPath(path);
    QSignalSpy failed(&job, &ExportJob::failed);
    QVERIFY(!job.start());
    QCOMPARE(failed.size(), 1);
    QCOMPARE(job.failure(), ExportJob::Failure::Write);
    QVERIFY2(job.errorString().contains(path), qPrintable(job.errorString()));
    QVERIFY(!QFileInfo::exists(path));

    // A directory where the file should be.
    ExportJob job2;
    job2.setRecords({QJsonObject{{"key", "K"}}});
    job2.setOutputPath(m_dir->path());
    QVERIFY(!job2.start());
    QCOMPARE(job2.failure(), ExportJob::Failure::Write);
}

void tst_ExportJob::badInputs()
{
    {
        ExportJob job; // no source
        job.setOutputPath(outPath());
        QVERIFY(!job.start());
        QCOMPARE(job.state(), ExportJob::State::Failed);
        QVERIFY(!job.errorString().isEmpty());
        QVERIFY(!job.resume());
    }
    {
        ExportJob job; // a query but no client
        job.setQuery(ContractQuery());
        job.setOutputPath(outPath());
        QVERIFY(!job.start());
        QVERIFY(!QFileInfo::exists(outPath()));
    }
    {
        ExportJob job; // a delimiter CsvWriter refuses
        job.setRecords({QJsonObject{{"key", "K"}}});
        job.setDelimiter(QLatin1Char('x'));
        job.setOutputPath(outPath());
        QVERIFY(!job.start());
        QVERIFY(job.errorString().contains(QLatin1Char('x')));
        QVERIFY(!QFileInfo::exists(outPath()));
    }
    {
        SandboxOptions o;
        o.rows = 10;
        auto server = SandboxSession::startServer(o);
        makeClient(server.get(), m_clock.get());
        ExportJob job; // an unknown filter is refused before any request
        ContractQuery q;
        q.setFilter(QStringLiteral("no_such_filter"), QStringLiteral("1"));
        job.setApiClient(m_client.get());
        job.setQuery(q);
        job.setOutputPath(outPath());
        QVERIFY(!job.start());
        QCOMPARE(job.lastError().kind(), ApiError::Kind::InvalidRequest);
        QCOMPARE(countApiRequests(server->requestLog()), 0);
        QVERIFY(!job.canResume());
    }
    {
        ExportJob job;
        job.setPageSize(0);
        QCOMPARE(job.pageSize(), 1);
        job.setPageSize(1000);
        QCOMPARE(job.pageSize(), 100);
        QCOMPARE(job.columns().first(), QStringLiteral("key"));
    }
}

void tst_ExportJob::serverRejectsUnknownColumnWithoutRetrying()
{
    SandboxOptions o;
    o.rows = 10;
    auto server = SandboxSession::startServer(o);
    makeClient(server.get(), m_clock.get());
    ExportJob job;
    prepareQueryJob(job, {QStringLiteral("key"), QStringLiteral("no_such_field")});
    QVERIFY(!runToEnd(job));
    QCOMPARE(job.lastError().kind(), ApiError::Kind::BadRequest);
    QCOMPARE(countApiRequests(server->requestLog()), 1);
    QVERIFY(!QFileInfo::exists(outPath()));
}

QTEST_GUILESS_MAIN(tst_ExportJob)
#include "tst_ExportJob.moc"
