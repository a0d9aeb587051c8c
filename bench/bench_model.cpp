// Benchmarks of the contracts table: appending a page, reading cells, memory per loaded row,
// and the --demo start-up of the real binary until the first rows are painted.
// Run: QT_QPA_PLATFORM=offscreen ./bench/bench_model
#include "ContractsModel.h"

#include "api/ApiClient.h"
#include "auth/ApiKeyCredentials.h"
#include "contracts/ContractFields.h"
#include "sandbox/SandboxServer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

#include <malloc.h>
#include <unistd.h>

using namespace tango;

namespace {
qint64 residentBytes()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> parts = f.readAll().split(' ');
    return parts.size() > 1 ? parts.at(1).toLongLong() * sysconf(_SC_PAGESIZE) : -1;
}
} // namespace

class bench_model : public QObject
{
    Q_OBJECT

private:
    QVector<QJsonArray> m_pages; // real pages from the sandbox, default columns

private Q_SLOTS:
    void initTestCase()
    {
        SandboxServer server;
        QVERIFY(server.listen());
        ApiClient client;
        QVERIFY(client.setBaseUrl(server.baseUrl()));
        client.setCredentials(std::make_shared<ApiKeyCredentials>(server.options().apiKey));
        ContractQuery q;
        q.setFields(ContractFields::defaultColumns());
        QString cursor;
        for (int p = 0; p < 50; ++p) {
            ApiReply *r = client.getList(QStringLiteral("/api/contracts/"), q.toUrlQuery(cursor));
            QSignalSpy done(r, &ApiReply::finished);
            QVERIFY(done.wait(10000));
            QVERIFY(!r->error().isError());
            m_pages << r->page().results();
            cursor = r->page().cursor();
            r->deleteLater();
            if (cursor.isEmpty())
                break;
        }
        QVERIFY(m_pages.size() >= 10);
        QCOMPARE(ContractFields::defaultColumns().size(), 8);
    }

    void residentMemoryPerRow()
    {
        ContractsModel model;
        model.setColumns(ContractFields::defaultColumns());
        model.clear();
        // Runs first, before other benchmarks free memory the allocator would reuse (which
        // would hide the growth from RSS). The heap in use is reported as a cross-check.
        const qint64 before = residentBytes();
        const size_t heapBefore = mallinfo2().uordblks;
        for (int i = 0; i < 500; ++i)
            model.appendRecords(m_pages.at(i % m_pages.size()));
        const qint64 after = residentBytes();
        const size_t heapAfter = mallinfo2().uordblks;
        QCOMPARE(model.loadedCount(), 50000);
        const double perRow = double(after - before) / model.loadedCount();
        const double heapPerRow = double(heapAfter - heapBefore) / model.loadedCount();
        qInfo("resident memory: %.0f bytes per loaded row (8 columns, 50,000 rows, RSS delta "
              "%.1f MB); heap in use: %.0f bytes per row",
              perRow, double(after - before) / 1048576.0, heapPerRow);
        QVERIFY2(perRow <= 1024, "more than 1 KB per row");
        QVERIFY2(heapPerRow <= 1024, "more than 1 KB of heap per row");
    }

    void appendPage()
    {
        ContractsModel model;
        model.setColumns(ContractFields::defaultColumns());
        model.clear();
        int i = 0;
        QBENCHMARK
        {
            model.appendRecords(m_pages.at(i++ % m_pages.size()));
        }
    }

    void appendPageAt50k()
    {
        // Appending must stay cheap when the table is already large.
        ContractsModel model;
        model.setColumns(ContractFields::defaultColumns());
        model.clear();
        for (int i = 0; i < 500; ++i)
            model.appendRecords(m_pages.at(i % m_pages.size()));
        QElapsedTimer t;
        t.start();
        const int n = 20;
        for (int i = 0; i < n; ++i)
            model.appendRecords(m_pages.at(i % m_pages.size()));
        qInfo("append 100 rows with 50,000 loaded: %.3f ms per page",
              double(t.nsecsElapsed()) / 1e6 / n);
    }

    void dataPerCell()
    {
        ContractsModel model;
        model.setColumns(ContractFields::defaultColumns());
        model.clear();
        for (const QJsonArray &p : std::as_const(m_pages))
            model.appendRecords(p);
        const int rows = model.rowCount();
        const int cols = model.columnCount();
        QVector<QModelIndex> cells;
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c)
                cells << model.index(r, c);
        qint64 chars = 0;
        QElapsedTimer t;
        QBENCHMARK
        {
            t.start();
            for (const QModelIndex &i : std::as_const(cells)) {
                chars += model.data(i, Qt::DisplayRole).toString().size();
                chars += model.data(i, Qt::TextAlignmentRole).toInt();
                chars += model.data(i, Qt::ForegroundRole).isValid();
            }
        }
        QVERIFY(chars > 0);
        // Display + alignment + foreground, as a view asks for each painted cell.
        const double ns = double(t.nsecsElapsed()) / double(cells.size()) / 3.0;
        qInfo("about %.0f ns per data() call over %lld cells (display, alignment, foreground)", ns,
              static_cast<long long>(cells.size()));
    }

    void demoStartupToFirstRowsPainted()
    {
        QString exe =
            QCoreApplication::applicationDirPath() + QStringLiteral("/../src/app/tango-explorer");
        if (!QFileInfo::exists(exe))
            QSKIP("tango-explorer is not built");
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("TANGO_EXPLORER_REPORT_FIRST_PAINT"), QStringLiteral("1"));
        env.remove(QStringLiteral("TANGO_API_KEY"));
        p.setProcessEnvironment(env);
        QList<double> runs;
        for (int i = 0; i < 5; ++i) {
            QElapsedTimer t;
            t.start();
            p.start(exe, {QStringLiteral("--demo")});
            QVERIFY(p.waitForFinished(20000));
            const double wall = double(t.nsecsElapsed()) / 1e6;
            const QByteArray out = p.readAllStandardOutput();
            const int at = out.indexOf("first-rows-painted-ms ");
            QVERIFY2(at >= 0, out.constData());
            const double inApp = out.mid(at + 22).trimmed().toDouble();
            qInfo(
                "--demo launch to first rows painted: %.0f ms (process wall time to exit %.0f ms)",
                inApp, wall);
            runs << inApp;
        }
        std::sort(runs.begin(), runs.end());
        qInfo("median: %.0f ms", runs.at(runs.size() / 2));
    }
};

QTEST_MAIN(bench_model)
#include "bench_model.moc"
