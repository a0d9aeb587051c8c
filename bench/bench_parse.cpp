// Parse-and-display cost of one contracts page, and CSV writing cost per row.
// Run: build/bench/bench_parse   (add -iterations N or -tickcounter as Qt Test allows)
#include "api/ListPage.h"
#include "contracts/ContractFields.h"
#include "export/CsvWriter.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

#include <time.h>

using namespace tango;

namespace {

// A realistic 100-row page: ~25 fields per record with nested objects, mixed number/string
// codes, money with float noise, nulls and multi-line descriptions.
QByteArray makePage(int rows)
{
    QJsonArray results;
    for (int i = 0; i < rows; ++i) {
        const QString n = QString::number(i);
        QJsonObject recipient{
            {"uei", QStringLiteral("UX6XA5HES%1").arg(i % 1000, 3, 10, QLatin1Char('0'))},
            {"display_name", QStringLiteral("ACME FEDERAL SOLUTIONS %1 LLC").arg(n)},
            {"legal_business_name", QStringLiteral("Acme Federal Solutions %1, LLC").arg(n)},
            {"cage_code", QStringLiteral("7K%1").arg(i % 1000, 3, 10, QLatin1Char('0'))}};
        QJsonObject office{
            {"office_code", QStringLiteral("36C2%1").arg(i % 100)},
            {"office_name", QStringLiteral("NETWORK CONTRACT OFFICE %1").arg(i % 23)},
            {"agency_code", QStringLiteral("97F5")},
            {"agency_name", QStringLiteral("Department of Veterans Affairs")},
            {"department_code", 36},
            {"department_name", QStringLiteral("VETERANS AFFAIRS, DEPARTMENT OF")},
            {"organization_id",
             QStringLiteral("6f1c2d1e-4b1a-4c55-9e0b-%1").arg(i, 12, 10, QLatin1Char('0'))}};
        QJsonObject funding = office;
        funding.insert(QStringLiteral("department_code"), QStringLiteral("036"));
        QJsonObject place{{"city_name", QStringLiteral("ARLINGTON")},
                          {"state_code", QStringLiteral("VA")},
                          {"country_code", QStringLiteral("USA")},
                          {"zip_code", 22202 + i}};
        QJsonObject pop{{"start_date", QStringLiteral("2024-10-01")},
                        {"current_end_date", QStringLiteral("2025-09-30")},
                        {"ultimate_completion_date",
                         i % 7 ? QJsonValue(QStringLiteral("2029-09-30")) : QJsonValue()}};
        QJsonObject record{
            {"key", QStringLiteral("CONT_AWD_36C25524F%1_3600_36F79718D0437_3600")
                        .arg(i, 4, 10, QLatin1Char('0'))},
            {"piid", QStringLiteral("36C25524F%1").arg(i, 4, 10, QLatin1Char('0'))},
            {"award_date", QStringLiteral("2024-09-%1").arg(1 + i % 30, 2, 10, QLatin1Char('0'))},
            {"fiscal_year", 2024},
            {"description",
             QStringLiteral("FY24 MEDICAL SUPPLIES, \"SURGICAL\" KITS\nDELIVERY ORDER %1 UNDER FSS")
                 .arg(n)},
            {"total_contract_value", 5388564.6899999995 + i},
            {"obligated", i % 5 ? QJsonValue(19392.37 * i) : QJsonValue(0)},
            {"base_and_exercised_options_value", 65000 + i},
            {"naics_code", 339112},
            {"psc_code", i % 2 ? QJsonValue(QStringLiteral("6515")) : QJsonValue(6515)},
            {"set_aside", i % 3 ? QJsonValue(QStringLiteral("SBA")) : QJsonValue()},
            {"solicitation_identifier", QStringLiteral("36C25524Q%1").arg(i)},
            {"number_of_actions", 1 + i % 4},
            {"recipient", recipient},
            {"awarding_office", office},
            {"funding_office", funding},
            {"place_of_performance", place},
            {"period_of_performance", pop},
            {"naics",
             QJsonObject{
                 {"code", 339112},
                 {"description", QStringLiteral("Surgical and Medical Instrument Manufacturing")}}},
            {"award_type", QJsonObject{{"code", QStringLiteral("C")},
                                       {"description", QStringLiteral("DELIVERY ORDER")}}},
            {"subawards_summary",
             QJsonObject{{"count", i % 3}, {"total_amount", 1234.5 * (i % 3)}}},
            {"contract_financing", QJsonValue()},
            {"major_program", QJsonValue()},
        };
        results.append(record);
    }
    const QString cursor =
        QStringLiteral("WyIyMDI0LTA5LTMwIiwgImZmZWU2NDI2LTZlYWEtNWU0OS05MjkwLTFkNzQ2OWFhZDFiZCJd");
    QJsonObject body{
        {"count", 86157384},
        {"next",
         QStringLiteral("https://tango.makegov.com/api/contracts/?limit=100&cursor=") + cursor},
        {"previous", QJsonValue()},
        {"cursor", cursor},
        {"previous_cursor", QJsonValue()},
        {"results", results}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

// CPU time of this thread: on a shared machine, wall time also counts other processes.
qint64 threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

const QStringList &displayColumns()
{
    static const QStringList columns{
        QStringLiteral("piid"),
        QStringLiteral("award_date"),
        QStringLiteral("recipient.display_name"),
        QStringLiteral("description"),
        QStringLiteral("total_contract_value"),
        QStringLiteral("obligated"),
        QStringLiteral("awarding_office.agency_name"),
        QStringLiteral("naics_code"),
        QStringLiteral("psc_code"),
        QStringLiteral("place_of_performance.zip_code"),
        QStringLiteral("period_of_performance.ultimate_completion_date"),
        QStringLiteral("award_type")};
    return columns;
}

} // namespace

class bench_parse : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void parsePageAndExtract();
    void parseOnly();
    void extractOnly();
    void csvRows();
    void cleanupTestCase();

private:
    // Thread CPU time and runs per benchmark, summed over all of Qt Test's passes.
    struct Cpu
    {
        qint64 ns = 0;
        qint64 runs = 0;
    };
    QByteArray m_bytes;
    Cpu m_full;
    Cpu m_parse;
    Cpu m_extract;
    Cpu m_csv;
};

void bench_parse::initTestCase()
{
    m_bytes = makePage(100);
    qInfo("page: %lld bytes, 100 rows, %lld display columns", qint64(m_bytes.size()),
          qint64(displayColumns().size()));
}

void bench_parse::parsePageAndExtract()
{
    qint64 chars = 0;
    QBENCHMARK
    {
        const qint64 t0 = threadCpuNs();
        const QJsonDocument doc = QJsonDocument::fromJson(m_bytes);
        const auto page = ListPage::fromJson(doc.object());
        QVERIFY(page && page->results().size() == 100);
        for (const QJsonValue &r : page->results()) {
            const QJsonObject row = r.toObject();
            for (const QString &path : displayColumns())
                chars += ContractFields::text(ContractFields::valueAt(row, path)).size();
        }
        m_full.ns += threadCpuNs() - t0;
        ++m_full.runs;
    }
    QVERIFY(chars > 0);
}

void bench_parse::parseOnly()
{
    QBENCHMARK
    {
        const qint64 t0 = threadCpuNs();
        const QJsonDocument doc = QJsonDocument::fromJson(m_bytes);
        const auto page = ListPage::fromJson(doc.object());
        QVERIFY(page && page->results().size() == 100);
        m_parse.ns += threadCpuNs() - t0;
        ++m_parse.runs;
    }
}

void bench_parse::extractOnly()
{
    const auto page = ListPage::fromJson(QJsonDocument::fromJson(m_bytes).object());
    QVERIFY(page);
    qint64 chars = 0;
    QBENCHMARK
    {
        const qint64 t0 = threadCpuNs();
        for (const QJsonValue &r : page->results()) {
            const QJsonObject row = r.toObject();
            for (const QString &path : displayColumns())
                chars += ContractFields::text(ContractFields::valueAt(row, path)).size();
        }
        m_extract.ns += threadCpuNs() - t0;
        ++m_extract.runs;
    }
    QVERIFY(chars > 0);
}

void bench_parse::csvRows()
{
    const auto page = ListPage::fromJson(QJsonDocument::fromJson(m_bytes).object());
    QVERIFY(page);
    QVector<const ContractField *> fields;
    for (const QString &p : ContractFields::defaultColumns())
        fields.append(ContractFields::find(p));
    QCOMPARE(fields.size(), 8);
    QVector<QJsonObject> rows;
    for (const QJsonValue &r : page->results())
        rows.append(r.toObject());

    constexpr int kRounds = 20; // 2,000 rows per iteration
    QBuffer out;
    QBENCHMARK
    {
        out.close();
        out.setData(QByteArray());
        QVERIFY(out.open(QIODevice::WriteOnly));
        CsvWriter w(&out);
        w.setFormulaGuard(true);
        const qint64 t0 = threadCpuNs();
        for (int k = 0; k < kRounds; ++k) {
            for (const QJsonObject &row : rows)
                w.writeRow(row, fields);
        }
        QVERIFY(w.flush());
        m_csv.ns += threadCpuNs() - t0;
        m_csv.runs += kRounds * rows.size();
    }
    QCOMPARE(out.data().count("\r\n"), kRounds * rows.size()); // descriptions hold bare LFs
}

void bench_parse::cleanupTestCase()
{
    auto per = [](const Cpu &c, double scale) {
        return c.runs ? double(c.ns) / double(c.runs) / scale : 0.0;
    };
    qInfo("CPU time (this thread), averaged over every pass:");
    qInfo("  parse 100-row page + 12 columns via ContractFields::text: %.3f ms per page",
          per(m_full, 1e6));
    qInfo("  parse only (QJsonDocument + ListPage):                    %.3f ms per page",
          per(m_parse, 1e6));
    qInfo("  valueAt + text:                                           %.3f us per cell",
          per(m_extract, 1e3 * 1200.0));
    qInfo("  CsvWriter, 8 default columns:                             %.3f us per row, "
          "%.3f us per cell",
          per(m_csv, 1e3), per(m_csv, 1e3 * 8.0));
}

QTEST_GUILESS_MAIN(bench_parse)
#include "bench_parse.moc"
