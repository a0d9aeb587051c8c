#include "api/ListPage.h"
#include "contracts/ContractFields.h"
#include "contracts/ContractQuery.h"
#include "sandbox/SandboxServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QUrl>
#include <QtTest>

#include <memory>

#include <climits>

using tango::ContractQuery;

namespace {

using Filters = QList<QPair<QString, QString>>;

ContractQuery withFilters(const Filters &filters)
{
    ContractQuery q;
    for (const auto &f : filters)
        q.setFilter(f.first, f.second);
    return q;
}

QStringList itemKeys(const QUrlQuery &q)
{
    QStringList keys;
    for (const auto &item : q.queryItems(QUrl::FullyEncoded))
        keys.append(item.first);
    return keys;
}

} // namespace

Q_DECLARE_METATYPE(Filters)

class tst_ContractQuery : public QObject
{
    Q_OBJECT

private slots:
    void filterNamesMatchTheApi();
    void isFilterNameRejectsOthers_data();
    void isFilterNameRejectsOthers();
    void orderingFields();
    void setFilterTrimsAndRemoves();
    void limitIsClamped_data();
    void limitIsClamped();
    void shapeAlwaysHasKey_data();
    void shapeAlwaysHasKey();
    void validate_data();
    void validate();
    void validateUnknownFilterListsValidOnes();
    void validateMessagesNameTheValue();
    void awardTypeIsOneChoice_data();
    void awardTypeIsOneChoice();
    void urlQueryOrder();
    void urlQueryEncoding_data();
    void urlQueryEncoding();
    void urlKeepsEncodingThroughQUrl();
    void urlQueryDecodesBack();
    void cursorItem();
    void blankSearchOmitted();
    void describe_data();
    void describe();
    void equality();
    void sandboxAnswersTheQuery();
    void sandboxRefusesAnAwardTypeList();
};

void tst_ContractQuery::filterNamesMatchTheApi()
{
    // REFERENCE §5.2: the 4.22.0 runtime's filter parameters, search and ordering excluded.
    QStringList expected{"recipient",
                         "uei",
                         "piid",
                         "solicitation_identifier",
                         "key",
                         "awarding_agency",
                         "funding_agency",
                         "naics",
                         "psc",
                         "set_aside",
                         "award_type",
                         "award_date",
                         "award_date_gte",
                         "award_date_lte",
                         "fiscal_year",
                         "fiscal_year_gte",
                         "fiscal_year_lte",
                         "obligated_gte",
                         "obligated_lte",
                         "pop_start_date_gte",
                         "pop_start_date_lte",
                         "pop_end_date_gte",
                         "pop_end_date_lte",
                         "expiring_gte",
                         "expiring_lte"};
    QStringList actual = ContractQuery::filterNames();
    QCOMPARE(actual.size(), expected.size());
    expected.sort();
    actual.sort();
    QCOMPARE(actual, expected);
    for (const QString &n : expected)
        QVERIFY2(ContractQuery::isFilterName(n), qPrintable(n));
}

void tst_ContractQuery::isFilterNameRejectsOthers_data()
{
    QTest::addColumn<QString>("name");
    for (const char *n : {"search", "ordering", "cursor", "limit", "shape", "page", "flat",
                          "parent_piid", "naics_code", "psc_code", "keyword", "recipient_name",
                          "sort", "AWARD_TYPE", "award_type ", ""})
        QTest::newRow(n) << QString::fromLatin1(n);
}

void tst_ContractQuery::isFilterNameRejectsOthers()
{
    QFETCH(QString, name);
    QVERIFY(!ContractQuery::isFilterName(name));
}

void tst_ContractQuery::orderingFields()
{
    QCOMPARE(ContractQuery::orderingFields(),
             (QStringList{"award_date", "obligated", "total_contract_value"}));
}

void tst_ContractQuery::setFilterTrimsAndRemoves()
{
    ContractQuery q;
    q.setFilter(QStringLiteral("naics"), QStringLiteral("  541511 "));
    QCOMPARE(q.filter(QStringLiteral("naics")), QStringLiteral("541511"));
    QCOMPARE(q.filters().size(), 1);
    q.setFilter(QStringLiteral("naics"), QStringLiteral("   "));
    QVERIFY(q.filters().isEmpty());
    q.setFilter(QStringLiteral("psc"), QStringLiteral("D302"));
    q.setFilter(QStringLiteral("psc"), QString());
    QVERIFY(q.filters().isEmpty());
    q.setFilter(QStringLiteral("awarding_agency"), QStringLiteral(" HUD | DOD |4700 "));
    QCOMPARE(q.filter(QStringLiteral("awarding_agency")), QStringLiteral("HUD|DOD|4700"));
    q.setFilter(QStringLiteral("award_type"), QStringLiteral("A | "));
    QCOMPARE(q.filter(QStringLiteral("award_type")), QStringLiteral("A|")); // still reported
    QCOMPARE(q.validate().size(), 1);
    q.clearFilters();
    q.setFilter(QStringLiteral("bogus"), QStringLiteral("x")); // kept, reported by validate()
    QCOMPARE(q.filter(QStringLiteral("bogus")), QStringLiteral("x"));
    q.clearFilters();
    QVERIFY(q.filters().isEmpty());
}

void tst_ContractQuery::limitIsClamped_data()
{
    QTest::addColumn<int>("requested");
    QTest::addColumn<int>("expected");
    QTest::newRow("zero") << 0 << 1;
    QTest::newRow("negative") << -5 << 1;
    QTest::newRow("min int") << INT_MIN << 1;
    QTest::newRow("one") << 1 << 1;
    QTest::newRow("fifty") << 50 << 50;
    QTest::newRow("max") << 100 << 100;
    QTest::newRow("above") << 101 << 100;
    QTest::newRow("max int") << INT_MAX << 100;
}

void tst_ContractQuery::limitIsClamped()
{
    QFETCH(int, requested);
    QFETCH(int, expected);
    ContractQuery q;
    QCOMPARE(q.limit(), ContractQuery::kMaxLimit);
    q.setLimit(requested);
    QCOMPARE(q.limit(), expected);
    QCOMPARE(q.toUrlQuery().queryItemValue(QStringLiteral("limit")), QString::number(expected));
}

void tst_ContractQuery::shapeAlwaysHasKey_data()
{
    QTest::addColumn<QStringList>("fields");
    QTest::addColumn<QString>("shape");
    QTest::newRow("none") << QStringList() << "key";
    QTest::newRow("key given later") << QStringList{"piid", "key"} << "key,piid";
    QTest::newRow("nested") << QStringList{"piid", "recipient.display_name", "recipient.uei"}
                            << "key,piid,recipient(display_name,uei)";
}

void tst_ContractQuery::shapeAlwaysHasKey()
{
    QFETCH(QStringList, fields);
    QFETCH(QString, shape);
    ContractQuery q;
    q.setFields(fields);
    QCOMPARE(q.fields(), fields);
    QCOMPARE(q.shape(), shape);
}

void tst_ContractQuery::validate_data()
{
    QTest::addColumn<Filters>("filters");
    QTest::addColumn<QString>("ordering");
    QTest::addColumn<int>("problems");

    auto row = [](const char *name, const Filters &f, const char *ordering, int problems) {
        QTest::newRow(name) << f << QString::fromLatin1(ordering) << problems;
    };
    row("empty", {}, "", 0);
    row("all valid",
        {{"award_date_gte", "2024-01-01"},
         {"award_date_lte", "2024-12-31"},
         {"fiscal_year", "2024"},
         {"obligated_gte", "-5"},
         {"obligated_lte", "1250.50"},
         {"award_type", "c"},
         {"awarding_agency", "HUD|DOD"}},
        "-total_contract_value", 0);
    row("leap day", {{"award_date", "2024-02-29"}}, "", 0);
    row("not a leap day", {{"award_date", "2023-02-29"}}, "", 1);
    row("february 30", {{"pop_start_date_gte", "2024-02-30"}}, "", 1);
    row("month 13", {{"pop_end_date_lte", "2024-13-01"}}, "", 1);
    row("short month", {{"award_date_gte", "2024-1-01"}}, "", 1);
    row("no dashes", {{"expiring_gte", "20240101"}}, "", 1);
    row("us format", {{"expiring_lte", "01/31/2024"}}, "", 1);
    row("datetime", {{"award_date", "2024-01-01T00:00:00"}}, "", 1);
    row("inverted award date", {{"award_date_gte", "2024-12-31"}, {"award_date_lte", "2024-01-01"}},
        "", 1);
    row("equal bounds", {{"award_date_gte", "2024-05-05"}, {"award_date_lte", "2024-05-05"}}, "",
        0);
    row("inverted fiscal year", {{"fiscal_year_gte", "2025"}, {"fiscal_year_lte", "2023"}}, "", 1);
    row("inverted pop start",
        {{"pop_start_date_gte", "2025-01-02"}, {"pop_start_date_lte", "2025-01-01"}}, "", 1);
    row("inverted pop end",
        {{"pop_end_date_gte", "2026-01-01"}, {"pop_end_date_lte", "2025-12-31"}}, "", 1);
    row("inverted expiring", {{"expiring_gte", "2026-06-01"}, {"expiring_lte", "2026-05-01"}}, "",
        1);
    // Compared as numbers, not as text ("9" > "10" as strings).
    row("obligated numeric order", {{"obligated_gte", "9"}, {"obligated_lte", "10"}}, "", 0);
    row("inverted obligated", {{"obligated_gte", "1000.01"}, {"obligated_lte", "1000"}}, "", 1);
    row("bad bound only reported once",
        {{"award_date_gte", "garbage"}, {"award_date_lte", "2024-01-01"}}, "", 1);
    row("fiscal year text", {{"fiscal_year", "FY24"}}, "", 1);
    row("fiscal year two digits", {{"fiscal_year_gte", "24"}}, "", 1);
    row("fiscal year decimal", {{"fiscal_year_lte", "2024.5"}}, "", 1);
    row("obligated text", {{"obligated_gte", "abc"}}, "", 1);
    row("obligated grouped", {{"obligated_lte", "1,000"}}, "", 1);
    row("obligated dollar", {{"obligated_lte", "$1000"}}, "", 1);
    row("award type E", {{"award_type", "E"}}, "", 1);
    row("award type list", {{"award_type", "A|B"}}, "", 1);
    row("award type list of all four", {{"award_type", "a|B|c|D"}}, "", 1);
    row("award type list with E", {{"award_type", "A|E"}}, "", 1);
    row("award type two letters", {{"award_type", "AB"}}, "", 1);
    row("award type empty part", {{"award_type", "A|"}}, "", 1);
    row("unknown filter", {{"naics_code", "541511"}}, "", 1);
    row("two unknown filters", {{"page", "2"}, {"keyword", "x"}}, "", 2);
    row("bad ordering", {}, "fiscal_year", 1);
    row("double minus", {}, "--obligated", 1);
    row("lone minus", {}, "-", 1);
    row("plus prefix", {}, "+obligated", 1);
    row("several orderings", {}, "award_date,obligated", 1);
    row("ascending ok", {}, "award_date", 0);
    row("everything wrong",
        {{"bogus", "1"},
         {"award_date", "x"},
         {"fiscal_year", "y"},
         {"award_type", "Z"},
         {"obligated_gte", "5"},
         {"obligated_lte", "1"}},
        "name", 6);
}

void tst_ContractQuery::validate()
{
    QFETCH(Filters, filters);
    QFETCH(QString, ordering);
    QFETCH(int, problems);
    ContractQuery q = withFilters(filters);
    q.setOrdering(ordering);
    const QStringList messages = q.validate();
    QCOMPARE(messages.size(), problems);
    QCOMPARE(q.isValid(), problems == 0);
    for (const QString &m : messages)
        QVERIFY(!m.trimmed().isEmpty());
}

void tst_ContractQuery::validateUnknownFilterListsValidOnes()
{
    ContractQuery q;
    q.setFilter(QStringLiteral("naics_code"), QStringLiteral("541511"));
    const QStringList m = q.validate();
    QCOMPARE(m.size(), 1);
    QVERIFY(m.first().contains(QLatin1String("naics_code")));
    for (const QString &name : ContractQuery::filterNames())
        QVERIFY2(m.first().contains(name), qPrintable(name));
}

void tst_ContractQuery::validateMessagesNameTheValue()
{
    ContractQuery q;
    q.setFilter(QStringLiteral("award_date_gte"), QStringLiteral("2024-02-30"));
    QVERIFY(q.validate().value(0).contains(QLatin1String("2024-02-30")));
    QVERIFY(q.validate().value(0).contains(QLatin1String("YYYY-MM-DD")));

    ContractQuery r;
    r.setFilter(QStringLiteral("fiscal_year_gte"), QStringLiteral("2025"));
    r.setFilter(QStringLiteral("fiscal_year_lte"), QStringLiteral("2020"));
    const QString m = r.validate().value(0);
    QVERIFY(m.contains(QLatin1String("2025")) && m.contains(QLatin1String("2020")));
    QVERIFY(m.contains(QLatin1String("fiscal_year_gte")) &&
            m.contains(QLatin1String("fiscal_year_lte")));

    ContractQuery s;
    s.setOrdering(QStringLiteral("-fiscal_year"));
    const QString o = s.validate().value(0);
    QVERIFY(o.contains(QLatin1String("-fiscal_year")));
    QVERIFY(o.contains(QLatin1String("total_contract_value")));
}

void tst_ContractQuery::awardTypeIsOneChoice_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<bool>("list");
    QTest::newRow("A") << "A" << true << false;
    QTest::newRow("lower b") << "b" << true << false;
    QTest::newRow("spaced c") << " c " << true << false;
    QTest::newRow("D") << "D" << true << false;
    QTest::newRow("two") << "A|B" << false << true;
    QTest::newRow("all four") << "a|b|c|d" << false << true;
    QTest::newRow("same twice") << "A|A" << false << true;
    QTest::newRow("spaced list") << " B | C " << false << true;
    QTest::newRow("trailing bar") << "A|" << false << true;
    QTest::newRow("bar only") << "|" << false << true;
    QTest::newRow("E") << "E" << false << false;
    QTest::newRow("two letters") << "AB" << false << false;
    QTest::newRow("comma list") << "A,B" << false << false;
    QTest::newRow("digit") << "1" << false << false;
}

void tst_ContractQuery::awardTypeIsOneChoice()
{
    QFETCH(QString, value);
    QFETCH(bool, valid);
    QFETCH(bool, list);
    ContractQuery q;
    q.setFilter(QStringLiteral("award_type"), value);
    const QStringList messages = q.validate();
    QCOMPARE(q.isValid(), valid);
    if (valid)
        return;
    QCOMPARE(messages.size(), 1);
    const QString m = messages.first();
    QVERIFY2(m.contains(q.filter(QStringLiteral("award_type"))), qPrintable(m));
    QVERIFY2(m.contains(QLatin1String("A, B, C or D")), qPrintable(m));
    // A list gets its own message: every part may be a valid letter, only one is allowed.
    QCOMPARE(m.contains(QLatin1String("one value only")), list);
    QCOMPARE(m.contains(QLatin1String("award_type")), list);
}

void tst_ContractQuery::urlQueryOrder()
{
    ContractQuery q;
    q.setLimit(50);
    q.setOrdering(QStringLiteral("-obligated"));
    q.setFields({QStringLiteral("piid")});
    q.setFilter(QStringLiteral("uei"), QStringLiteral("U1"));
    q.setFilter(QStringLiteral("award_date_gte"), QStringLiteral("2024-01-01"));
    q.setFilter(QStringLiteral("fiscal_year"), QStringLiteral("2024"));
    q.setSearch(QStringLiteral("cloud"));
    const QStringList expected{"search",   "award_date_gte", "fiscal_year", "uei",
                               "ordering", "shape",          "limit",       "cursor"};
    QCOMPARE(itemKeys(q.toUrlQuery(QStringLiteral("C1"))), expected);
    QCOMPARE(itemKeys(q.toUrlQuery()), expected.mid(0, expected.size() - 1));

    ContractQuery bare;
    QCOMPARE(itemKeys(bare.toUrlQuery()), (QStringList{"shape", "limit"}));
    QCOMPARE(bare.toUrlQuery().toString(QUrl::FullyEncoded), QStringLiteral("shape=key&limit=100"));
}

void tst_ContractQuery::urlQueryEncoding_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("encoded");
    QTest::newRow("pipe") << "awarding_agency"
                          << "HUD|DOD"
                          << "HUD%7CDOD";
    QTest::newRow("space") << "recipient"
                           << "Booz Allen"
                           << "Booz%20Allen";
    QTest::newRow("non-ascii") << "recipient"
                               << "Café Ñu"
                               << "Caf%C3%A9%20%C3%91u";
    QTest::newRow("emoji") << "search"
                           << "🚀"
                           << "%F0%9F%9A%80";
    QTest::newRow("plus amp equals") << "search"
                                     << "a+b&c=d"
                                     << "a%2Bb%26c%3Dd";
    QTest::newRow("hash percent") << "search"
                                  << "50% #1"
                                  << "50%25%20%231";
    QTest::newRow("unreserved kept") << "piid"
                                     << "AB-12_c.d~e"
                                     << "AB-12_c.d~e";
    QTest::newRow("quote") << "search"
                           << "\"cloud\""
                           << "%22cloud%22";
}

void tst_ContractQuery::urlQueryEncoding()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    QFETCH(QString, encoded);
    ContractQuery q;
    if (name == QLatin1String("search"))
        q.setSearch(value);
    else
        q.setFilter(name, value);
    const QString query = q.toUrlQuery().toString(QUrl::FullyEncoded);
    QVERIFY2(query.contains(name + QLatin1Char('=') + encoded + QLatin1Char('&')),
             qPrintable(query));
}

void tst_ContractQuery::urlKeepsEncodingThroughQUrl()
{
    ContractQuery q;
    q.setSearch(QStringLiteral("cloud café"));
    q.setFilter(QStringLiteral("awarding_agency"), QStringLiteral("HUD|DOD"));
    q.setFields({QStringLiteral("piid"), QStringLiteral("recipient.display_name"),
                 QStringLiteral("recipient.uei"), QStringLiteral("period_of_performance.*")});
    const QString expectedQuery =
        QStringLiteral("search=cloud%20caf%C3%A9&awarding_agency=HUD%7CDOD"
                       "&shape=key%2Cpiid%2Crecipient%28display_name%2Cuei%29%2C"
                       "period_of_performance%28%2A%29&limit=100&cursor=YWJj%2B%2F%3D");
    const QUrlQuery uq = q.toUrlQuery(QStringLiteral("YWJj+/="));
    QCOMPARE(uq.toString(QUrl::FullyEncoded), expectedQuery);

    const QString base = QStringLiteral("https://tango.makegov.com/api/contracts/");
    QUrl viaQuery(base);
    viaQuery.setQuery(uq);
    QCOMPARE(viaQuery.toString(QUrl::FullyEncoded), base + QLatin1Char('?') + expectedQuery);
    QCOMPARE(viaQuery.query(QUrl::FullyEncoded), expectedQuery);

    QUrl viaString(base);
    viaString.setQuery(uq.toString(QUrl::FullyEncoded), QUrl::StrictMode);
    QVERIFY(viaString.isValid());
    QCOMPARE(viaString.toString(QUrl::FullyEncoded), base + QLatin1Char('?') + expectedQuery);

    // The encoded form survives a trip through text (as a stored "next" link would).
    const QUrl reparsed(viaQuery.toString(QUrl::FullyEncoded), QUrl::StrictMode);
    QCOMPARE(reparsed.query(QUrl::FullyEncoded), expectedQuery);
}

void tst_ContractQuery::urlQueryDecodesBack()
{
    ContractQuery q;
    q.setSearch(QStringLiteral("a+b & c=d café 🚀 50%"));
    q.setFilter(QStringLiteral("set_aside"), QStringLiteral("SBA|8A"));
    q.setFields({QStringLiteral("recipient.uei"), QStringLiteral("naics.*")});
    QUrl url(QStringLiteral("http://127.0.0.1:1/api/contracts/"));
    url.setQuery(q.toUrlQuery(QStringLiteral("eyJ2IjogWzFdfQ==")));
    // What a server sees after decoding.
    const QUrlQuery seen(url.query(QUrl::FullyEncoded));
    QCOMPARE(seen.queryItemValue(QStringLiteral("search"), QUrl::FullyDecoded), q.search());
    QCOMPARE(seen.queryItemValue(QStringLiteral("set_aside"), QUrl::FullyDecoded),
             QStringLiteral("SBA|8A"));
    QCOMPARE(seen.queryItemValue(QStringLiteral("shape"), QUrl::FullyDecoded),
             QStringLiteral("key,recipient(uei),naics(*)"));
    QCOMPARE(seen.queryItemValue(QStringLiteral("cursor"), QUrl::FullyDecoded),
             QStringLiteral("eyJ2IjogWzFdfQ=="));
    QCOMPARE(seen.queryItemValue(QStringLiteral("limit"), QUrl::FullyDecoded),
             QStringLiteral("100"));
}

void tst_ContractQuery::cursorItem()
{
    ContractQuery q;
    QVERIFY(!q.toUrlQuery().hasQueryItem(QStringLiteral("cursor")));
    QVERIFY(!q.toUrlQuery(QString()).hasQueryItem(QStringLiteral("cursor")));
    const QUrlQuery uq = q.toUrlQuery(QStringLiteral("WyIyMDI0In0="));
    QCOMPARE(uq.queryItemValue(QStringLiteral("cursor"), QUrl::FullyEncoded),
             QStringLiteral("WyIyMDI0In0%3D"));
    QCOMPARE(itemKeys(uq).last(), QStringLiteral("cursor"));
}

void tst_ContractQuery::blankSearchOmitted()
{
    ContractQuery q;
    q.setSearch(QStringLiteral("   "));
    QVERIFY(!q.toUrlQuery().hasQueryItem(QStringLiteral("search")));
    q.setSearch(QStringLiteral("  cloud  "));
    QCOMPARE(q.toUrlQuery().queryItemValue(QStringLiteral("search")), QStringLiteral("cloud"));
    QVERIFY(!q.toUrlQuery().hasQueryItem(QStringLiteral("ordering")));
}

void tst_ContractQuery::describe_data()
{
    QTest::addColumn<QString>("search");
    QTest::addColumn<Filters>("filters");
    QTest::addColumn<QString>("ordering");
    QTest::addColumn<QString>("summary");
    QTest::newRow("nothing") << "" << Filters{} << ""
                             << "";
    QTest::newRow("example") << "cloud"
                             << Filters{{"awarding_agency", "DOD"}, {"fiscal_year_gte", "2023"}}
                             << "-obligated"
                             << "search \"cloud\" · awarding agency: DOD · fiscal year ≥ 2023 · "
                                "sorted by obligated (descending)";
    QTest::newRow("upper bound and ascending")
        << "" << Filters{{"award_date_lte", "2024-12-31"}} << "award_date"
        << "award date ≤ 2024-12-31 · sorted by award date (ascending)";
    QTest::newRow("several values") << "" << Filters{{"awarding_agency", "HUD|DOD"}} << ""
                                    << "awarding agency: HUD or DOD";
}

void tst_ContractQuery::describe()
{
    QFETCH(QString, search);
    QFETCH(Filters, filters);
    QFETCH(QString, ordering);
    QFETCH(QString, summary);
    ContractQuery q = withFilters(filters);
    q.setSearch(search);
    q.setOrdering(ordering);
    QCOMPARE(q.describe(), summary);
}

void tst_ContractQuery::equality()
{
    ContractQuery a;
    ContractQuery b;
    QVERIFY(a == b);
    a.setSearch(QStringLiteral("x"));
    QVERIFY(a != b);
    b.setSearch(QStringLiteral("x"));
    QVERIFY(a == b);
    a.setFilter(QStringLiteral("naics"), QStringLiteral("1"));
    QVERIFY(a != b);
    b.setFilter(QStringLiteral("naics"), QStringLiteral("1"));
    a.setOrdering(QStringLiteral("obligated"));
    QVERIFY(a != b);
    b.setOrdering(QStringLiteral("obligated"));
    a.setFields({QStringLiteral("piid")});
    QVERIFY(a != b);
    b.setFields({QStringLiteral("piid")});
    a.setLimit(10);
    QVERIFY(a != b);
    b.setLimit(10);
    QVERIFY(a == b);
}

void tst_ContractQuery::sandboxAnswersTheQuery()
{
    // The encoded query reaches a real HTTP server intact and the answer walks by cursor.
    tango::SandboxServer server;
    QString error;
    QVERIFY2(server.listen(0, &error), qPrintable(error));
    QNetworkAccessManager nam;

    ContractQuery q;
    q.setFields({QStringLiteral("piid"), QStringLiteral("recipient.display_name"),
                 QStringLiteral("obligated"), QStringLiteral("awarding_office.agency_name")});
    q.setOrdering(QStringLiteral("-obligated"));
    q.setFilter(QStringLiteral("award_type"), QStringLiteral("c"));
    q.setLimit(7);
    QVERIFY(q.isValid());

    auto fetch = [&](const QString &cursor) -> std::optional<tango::ListPage> {
        QUrl url = server.baseUrl();
        url.setPath(QStringLiteral("/api/contracts/"));
        url.setQuery(q.toUrlQuery(cursor));
        QNetworkRequest request(url);
        request.setRawHeader("X-API-KEY", server.options().apiKey.toUtf8());
        std::unique_ptr<QNetworkReply> reply(nam.get(request));
        QSignalSpy done(reply.get(), &QNetworkReply::finished);
        if (!done.wait(10000))
            return std::nullopt;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        if (status != 200) {
            qWarning("status %d: %s", status, body.constData());
            return std::nullopt;
        }
        return tango::ListPage::fromJson(QJsonDocument::fromJson(body).object());
    };

    const auto first = fetch(QString());
    QVERIFY(first);
    const auto log = server.requestLog();
    QVERIFY(!log.isEmpty());
    QCOMPARE(log.last().query.queryItemValue(QStringLiteral("shape"), QUrl::FullyDecoded),
             q.shape());
    QCOMPARE(log.last().query.queryItemValue(QStringLiteral("award_type"), QUrl::FullyDecoded),
             QStringLiteral("c"));
    QCOMPARE(first->results().size(), 7);
    QVERIFY(!first->cursor().isEmpty());
    const auto second = fetch(first->cursor());
    QVERIFY(second);
    QCOMPARE(second->results().size(), 7);

    QSet<QString> keys;
    double last = qInf();
    for (const auto *page : {&*first, &*second}) {
        for (const QJsonValue &r : page->results()) {
            const QJsonObject o = r.toObject();
            // Exactly the shaped fields, nothing more.
            QStringList rootKeys = o.keys();
            rootKeys.sort();
            QCOMPARE(rootKeys,
                     (QStringList{"awarding_office", "key", "obligated", "piid", "recipient"}));
            for (const QString &path : q.fields())
                QVERIFY2(!tango::ContractFields::valueAt(o, path).isUndefined(), qPrintable(path));
            const QString key = tango::ContractFields::text(o.value(QLatin1String("key")));
            QVERIFY2(!keys.contains(key), "a row came twice across the cursor walk");
            keys.insert(key);
            const auto obligated =
                tango::ContractFields::number(o.value(QLatin1String("obligated")));
            if (obligated) {
                QVERIFY(*obligated <= last);
                last = *obligated;
            }
        }
    }
}

void tst_ContractQuery::sandboxRefusesAnAwardTypeList()
{
    // Why validate() refuses a list: the server answers 400 to it, and 200 to one value.
    tango::SandboxServer server;
    QString error;
    QVERIFY2(server.listen(0, &error), qPrintable(error));
    QNetworkAccessManager nam;
    auto status = [&](const QString &awardType) {
        ContractQuery q;
        q.setFilter(QStringLiteral("award_type"), awardType);
        q.setLimit(1);
        QUrl url = server.baseUrl();
        url.setPath(QStringLiteral("/api/contracts/"));
        url.setQuery(q.toUrlQuery());
        QNetworkRequest request(url);
        request.setRawHeader("X-API-KEY", server.options().apiKey.toUtf8());
        std::unique_ptr<QNetworkReply> reply(nam.get(request));
        QSignalSpy done(reply.get(), &QNetworkReply::finished);
        if (!done.wait(10000))
            return -1;
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    };
    QCOMPARE(status(QStringLiteral("A")), 200);
    QCOMPARE(status(QStringLiteral("A|B")), 400);
    QCOMPARE(server.requestLog().last().query.queryItemValue(QStringLiteral("award_type"),
                                                             QUrl::FullyDecoded),
             QStringLiteral("A|B"));
}

QTEST_GUILESS_MAIN(tst_ContractQuery)
#include "tst_ContractQuery.moc"
