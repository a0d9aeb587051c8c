#include "sandbox/SandboxContractsApi.h"
#include "sandbox/SandboxData.h"
#include "sandbox/SandboxJsonWriter.h"
#include "sandbox/SandboxShape.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QUrl>

#include <time.h>

using namespace tango;

namespace {

QJsonObject listPage(SandboxContractsApi &api, const QList<QPair<QString, QString>> &params,
                     int *status = nullptr)
{
    const SandboxResponse r = api.list(params, QStringLiteral("http://127.0.0.1:1/api/contracts/"));
    if (status)
        *status = r.status;
    return QJsonDocument::fromJson(r.body).object();
}

} // namespace

class tst_SandboxData : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void deterministicPerSeed();
    void keysUniqueAndResolvable();
    void hundredThousandRowsQuickly();
    void referenceDataLooksReal();
    void rowsLookReal();
    void jsonRoundTripsAwkwardText();
    void shapeParser_data();
    void shapeParser();
    void flatOutput();
    void pageServingIsFast();
    void jsonWriterEscapes();
    void tinyDataSets();
};

void tst_SandboxData::deterministicPerSeed()
{
    const SandboxData a(3000, 7);
    const SandboxData b(3000, 7);
    const SandboxData c(3000, 8);
    int differences = 0;
    for (int i = 0; i < 3000; ++i) {
        QCOMPARE(a.key(i), b.key(i));
        QCOMPARE(a.description(i), b.description(i));
        QCOMPARE(a.row(i).obligated, b.row(i).obligated);
        differences += a.key(i) != c.key(i) ? 1 : 0;
    }
    QVERIFY(differences > 2500);
    QCOMPARE(a.vendors().at(10).uei, b.vendors().at(10).uei);
}

void tst_SandboxData::keysUniqueAndResolvable()
{
    const SandboxData d(20000, 20260814);
    QSet<QString> keys;
    QSet<QString> piids;
    const QRegularExpression keyRe(
        QStringLiteral("^CONT_AWD_([A-Z0-9]{15})_(\\d{4})_(-NONE-_-NONE-|[A-Z0-9]+_\\d{4})$"));
    for (int i = 0; i < d.size(); ++i) {
        const QString k = d.key(i);
        const auto m = keyRe.match(k);
        QVERIFY2(m.hasMatch(), qPrintable(k));
        QCOMPARE(m.captured(1), d.piid(i));
        QCOMPARE(m.captured(2), d.awardingAgency(i).code);
        keys.insert(k);
        piids.insert(d.piid(i));
        if (i % 97 == 0) {
            QCOMPARE(d.indexOfKey(k), i);
            QCOMPARE(d.indexOfPiid(d.piid(i).toLower()), i);
        }
    }
    QCOMPARE(keys.size(), 20000);
    QCOMPARE(piids.size(), 20000);
    QCOMPARE(d.indexOfKey(QStringLiteral("CONT_AWD_NOPE_9700_-NONE-_-NONE-")), -1);
    QCOMPARE(d.indexOfKey(QString()), -1);
    QString tampered = d.key(5);
    tampered.replace(QStringLiteral("_-NONE-"), QStringLiteral("_X"));
    QCOMPARE(d.indexOfKey(tampered), tampered == d.key(5) ? 5 : -1);
    // A PIID of a row that does not exist in a smaller data set.
    const SandboxData small(10, 20260814);
    QCOMPARE(small.indexOfPiid(d.piid(15000)), -1);
}

void tst_SandboxData::hundredThousandRowsQuickly()
{
    QElapsedTimer t;
    t.start();
    const SandboxData d(100000, 1);
    const qint64 generated = t.elapsed();
    QCOMPARE(d.size(), 100000);
    const QVector<int> &order = d.sorted(SandboxData::SortField::AwardDate, true);
    const qint64 sorted = t.elapsed() - generated;
    qInfo("100,000 rows: generated in %lld ms, default order in %lld ms, %d bytes per row",
          generated, sorted, int(sizeof(SandboxData::Row)));
    QVERIFY(generated < 1000);
    QVERIFY(sorted < 1000);
    QVERIFY(sizeof(SandboxData::Row) <= 80);
    QCOMPARE(order.size(), 100000);
    for (int i = 1; i < order.size(); i += 101)
        QVERIFY(d.row(order.at(i - 1)).awardDay >= d.row(order.at(i)).awardDay);
}

void tst_SandboxData::referenceDataLooksReal()
{
    const SandboxData d(10, 3);
    QVERIFY(d.agencies().size() >= 20);
    QHash<QString, QString> abbreviations;
    for (const SandboxData::Agency &a : d.agencies())
        abbreviations.insert(a.code, a.abbreviation);
    QCOMPARE(abbreviations.value("9700"), QStringLiteral("DOD"));
    QCOMPARE(abbreviations.value("4700"), QStringLiteral("GSA"));
    QCOMPARE(abbreviations.value("7500"), QStringLiteral("HHS"));
    QCOMPARE(abbreviations.value("8600"), QStringLiteral("HUD"));

    QCOMPARE(d.vendors().size(), 300);
    QSet<QString> names;
    bool cjk = false, emoji = false;
    for (const SandboxData::Vendor &v : d.vendors()) {
        names.insert(v.name);
        QCOMPARE(v.uei.size(), 12);
        QCOMPARE(v.cage.size(), 5);
        for (const QChar c : v.name) {
            cjk = cjk || (c.unicode() >= 0x4E00 && c.unicode() <= 0x9FFF);
            emoji = emoji || c.isSurrogate();
        }
    }
    QCOMPARE(names.size(), 300);
    QVERIFY(names.contains(QStringLiteral("Société Générale Services")));
    QVERIFY(names.contains(QStringLiteral("Müller & Söhne GmbH")));
    QVERIFY(names.contains(QStringLiteral("Núcleo Técnico")));
    QVERIFY(cjk);
    QVERIFY(emoji);

    bool numericPsc = false, letterPsc = false;
    for (const auto &p : SandboxData::pscCodes()) {
        numericPsc = numericPsc || QByteArray(p.code).toInt() > 0;
        letterPsc = letterPsc || (p.code[0] >= 'A' && p.code[0] <= 'Z');
    }
    QVERIFY(numericPsc && letterPsc);
}

void tst_SandboxData::rowsLookReal()
{
    const SandboxData d(5000, 20260814);
    QSet<int> years;
    int zero = 0, negative = 0, cents = 0, comma = 0, quote = 0, newline = 0, padded = 0;
    QSet<int> vendors, awardTypes;
    for (int i = 0; i < d.size(); ++i) {
        const SandboxData::Row &r = d.row(i);
        years.insert(r.fiscalYear);
        QVERIFY(r.totalContractValue >= r.obligated);
        QVERIFY(r.totalContractValue >= r.baseAndExercised);
        QVERIFY(r.popStartDay >= r.awardDay);
        QVERIFY(r.popEndDay > r.popStartDay);
        QVERIFY(r.popUltimateDay >= r.popEndDay);
        zero += r.obligated == 0;
        negative += r.obligated < 0;
        cents += r.totalContractValue % 100 != 0;
        vendors.insert(r.vendor);
        awardTypes.insert(r.awardType);
        const QString desc = d.description(i);
        comma += desc.contains(QLatin1Char(','));
        quote += desc.contains(QLatin1Char('"'));
        newline += desc.contains(QLatin1Char('\n'));
        padded += desc != desc.trimmed();
        const QDate award = QDate::fromJulianDay(r.awardDay);
        QCOMPARE(int(r.fiscalYear), award.year() + (award.month() >= 10 ? 1 : 0));
    }
    QCOMPARE(years, (QSet<int>{2021, 2022, 2023, 2024, 2025}));
    QVERIFY(zero > 0);
    QVERIFY(negative > 0);
    QVERIFY(cents > 2500);
    QVERIFY(comma > 0 && quote > 0 && newline > 0 && padded > 0);
    QVERIFY(vendors.size() > 200);
    QCOMPARE(awardTypes.size(), 4);
}

void tst_SandboxData::jsonRoundTripsAwkwardText()
{
    SandboxData d(2000, 5);
    SandboxContractsApi api(&d);
    QVector<SandboxShape::Field> fields;
    QVector<SandboxShape::Issue> issues;
    QVERIFY(SandboxShape::parse(QStringLiteral("key,description,recipient(display_name),obligated"),
                                &fields, &issues));
    for (int i = 0; i < d.size(); ++i) {
        SandboxJsonWriter w;
        d.writeRow(w, i, fields, {});
        QJsonParseError error;
        const QJsonObject o = QJsonDocument::fromJson(w.data(), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(o.value("description").toString(), d.description(i));
        QCOMPARE(o.value("recipient").toObject().value("display_name").toString(),
                 d.vendor(i).name);
        QCOMPARE(qRound64(o.value("obligated").toDouble() * 100), d.row(i).obligated);
    }
}

void tst_SandboxData::shapeParser_data()
{
    QTest::addColumn<QString>("shape");
    QTest::addColumn<QStringList>("outNames");
    QTest::newRow("leaves") << "key,piid" << QStringList{"key", "piid"};
    QTest::newRow("spaces") << " key , piid ,recipient( uei )"
                            << QStringList{"key", "piid", "recipient"};
    QTest::newRow("alias") << "key::id,recipient(uei)::r" << QStringList{"id", "r"};
    QTest::newRow("duplicate") << "key,key" << QStringList{"key"};
    QTest::newRow("legacy naics") << "naics_code(code)" << QStringList{"naics"};
    QTest::newRow("leaf and expansion")
        << "set_aside,award_type(*)" << QStringList{"set_aside", "award_type"};
}

void tst_SandboxData::shapeParser()
{
    QFETCH(QString, shape);
    QFETCH(QStringList, outNames);
    QVector<SandboxShape::Field> fields;
    QVector<SandboxShape::Issue> issues;
    QVERIFY(SandboxShape::parse(shape, &fields, &issues));
    QVERIFY(issues.isEmpty());
    QStringList names;
    for (const auto &f : fields)
        names.append(f.outName);
    QCOMPARE(names, outNames);

    for (const QString &bad :
         {QStringLiteral(""), QStringLiteral("key,,piid"), QStringLiteral("key)"),
          QStringLiteral("recipient(uei"), QStringLiteral("1key"), QStringLiteral("key:id"),
          QStringLiteral("a(b(c(d(e(f(g)))))))")}) {
        QVector<SandboxShape::Issue> badIssues;
        QVERIFY2(!SandboxShape::parse(bad, &fields, &badIssues), qPrintable(bad));
        QVERIFY(!badIssues.isEmpty());
    }
}

void tst_SandboxData::flatOutput()
{
    SandboxData d(50, 5);
    SandboxContractsApi api(&d);
    QJsonObject page =
        listPage(api, {{"limit", "2"},
                       {"shape", "key,recipient(uei,display_name),transactions(obligated)"},
                       {"flat", "true"}});
    QJsonObject row = page.value("results").toArray().at(0).toObject();
    QVERIFY(row.contains("recipient.uei"));
    QVERIFY(row.contains("recipient.display_name"));
    QVERIFY(!row.contains("recipient"));
    QVERIFY(row.value("transactions").isArray()); // arrays stay arrays

    page = listPage(api, {{"limit", "2"},
                          {"shape", "key,recipient(uei),transactions(obligated)"},
                          {"flat", "true"},
                          {"flat_lists", "true"},
                          {"joiner", "__"}});
    row = page.value("results").toArray().at(0).toObject();
    QVERIFY(row.contains("recipient__uei"));
    QVERIFY(row.contains("transactions__0__obligated"));
    QVERIFY(!row.contains("transactions"));
}

void tst_SandboxData::pageServingIsFast()
{
    // The export benchmark pulls 100,000 rows through the sandbox, 100 at a time.
    SandboxData d(100000, 20260814);
    SandboxContractsApi api(&d);
    const QString shape = QStringLiteral("key,piid,award_date,recipient(display_name,uei),"
                                         "description,total_contract_value,obligated,"
                                         "awarding_office(agency_name)");
    QList<QPair<QString, QString>> params{{"limit", "100"}, {"shape", shape}};
    listPage(api, params); // builds the default order once
    // Thread CPU time, so that other processes on a busy machine do not count.
    auto cpuNs = [] {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
    };
    qint64 servingNs = 0;
    int pages = 0;
    QString cursor;
    for (; pages < 200; ++pages) {
        auto p = params;
        if (!cursor.isEmpty())
            p.append({"cursor", cursor});
        const qint64 before = cpuNs();
        const SandboxResponse r = api.list(p, QStringLiteral("http://127.0.0.1:1/api/contracts/"));
        servingNs += cpuNs() - before;
        const QJsonObject page = QJsonDocument::fromJson(r.body).object();
        QCOMPARE(page.value("results").toArray().size(), 100);
        cursor = page.value("cursor").toString();
    }
    const double perPage = double(servingNs) / 1e6 / pages;
    qInfo("100-row page, 8 columns, 100,000 rows: %.3f ms of CPU per page", perPage);
    // Generous against a busy machine; typical figures are printed above.
    QVERIFY2(perPage < 3.0, qPrintable(QString::number(perPage)));
}

void tst_SandboxData::jsonWriterEscapes()
{
    SandboxJsonWriter w;
    w.beginObject();
    w.key(QStringLiteral("a\"b"));
    w.string(QStringLiteral("x\\y\n\t\r\x01 é 🚀"));
    w.key(QStringLiteral("n"));
    w.cents(-1205);
    w.key(QStringLiteral("m"));
    w.cents(500);
    w.key(QStringLiteral("k"));
    w.cents(1);
    w.key(QStringLiteral("arr"));
    w.beginArray();
    w.integer(1);
    w.null();
    w.boolean(true);
    w.endArray();
    w.endObject();
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(w.data(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(o.value("a\"b").toString(), QStringLiteral("x\\y\n\t\r\x01 é 🚀"));
    QCOMPARE(o.value("n").toDouble(), -12.05);
    QCOMPARE(o.value("m").toDouble(), 5.0);
    QVERIFY(w.data().contains("\"m\":5,"));
    QCOMPARE(o.value("k").toDouble(), 0.01);
    QCOMPARE(o.value("arr").toArray(), (QJsonArray{1, QJsonValue(), true}));
}

void tst_SandboxData::tinyDataSets()
{
    SandboxData empty(0, 1);
    SandboxContractsApi emptyApi(&empty);
    int status = 0;
    QJsonObject page = listPage(emptyApi, {{"limit", "10"}}, &status);
    QCOMPARE(status, 200);
    QCOMPARE(page.value("count").toInt(), 0);
    QVERIFY(page.value("next").isNull());
    QVERIFY(page.value("cursor").isNull());

    // Exactly one full page: no next page.
    SandboxData hundred(100, 1);
    SandboxContractsApi api(&hundred);
    page = listPage(api, {{"limit", "100"}, {"shape", "key"}});
    QCOMPARE(page.value("results").toArray().size(), 100);
    QVERIFY(page.value("next").isNull());
    QVERIFY(page.value("previous").isNull());

    // One row at a time, forwards to the end.
    QString cursor;
    QStringList keys;
    for (int i = 0; i < 150; ++i) {
        QList<QPair<QString, QString>> p{
            {"limit", "1"}, {"shape", "key"}, {"ordering", "obligated"}};
        if (!cursor.isEmpty())
            p.append({"cursor", cursor});
        page = listPage(api, p);
        const QJsonArray results = page.value("results").toArray();
        QCOMPARE(results.size(), 1);
        keys.append(results.at(0).toObject().value("key").toString());
        if (page.value("cursor").isNull())
            break;
        cursor = page.value("cursor").toString();
    }
    QCOMPARE(keys.size(), 100);
    QCOMPARE(QSet<QString>(keys.begin(), keys.end()).size(), 100);

    // More rows than PIID serials exist are clamped rather than repeated.
    QCOMPARE(SandboxData(-5, 1).size(), 0);
}

QTEST_GUILESS_MAIN(tst_SandboxData)
#include "tst_SandboxData.moc"
