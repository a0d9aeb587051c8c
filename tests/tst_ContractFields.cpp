#include "contracts/ContractFields.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSet>
#include <QtTest>

#include <cmath>

using tango::ContractField;
using tango::ContractFields;

Q_DECLARE_METATYPE(QJsonValue)

namespace {

QJsonObject parse(const char *json)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json), &err);
    if (err.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(err.errorString()));
    return doc.object();
}

// A JSON number exactly as a server would send it (through the parser, not a C++ literal).
QJsonValue jsonNumber(const char *literal)
{
    return parse(QByteArray("{\"v\":").append(literal).append('}').constData())
        .value(QLatin1String("v"));
}

} // namespace

class tst_ContractFields : public QObject
{
    Q_OBJECT

private slots:
    void catalogueIsConsistent();
    void findUnknown();
    void defaultColumns();
    void sortableFields();
    void noArrayColumns();
    void rootLeavesCovered_data();
    void rootLeavesCovered();
    void titles_data();
    void titles();
    void types_data();
    void types();
    void groupTitles();
    void rootAndLeafNames();
    void shapeFor_data();
    void shapeFor();
    void valueAt_data();
    void valueAt();
    void text_data();
    void text();
    void textRoundTripsRandomDoubles();
    void number_data();
    void number();
    void code_data();
    void code();
    void isNull();
};

void tst_ContractFields::catalogueIsConsistent()
{
    const auto &all = ContractFields::all();
    QVERIFY(all.size() >= 50);
    QSet<QString> paths;
    for (const ContractField &f : all) {
        QVERIFY2(!f.path.isEmpty(), "empty path");
        QVERIFY2(!paths.contains(f.path), qPrintable(f.path));
        paths.insert(f.path);
        QVERIFY2(f.title && *f.title, qPrintable(f.path));
        QVERIFY2(!ContractFields::title(f).isEmpty(), qPrintable(f.path));
        QCOMPARE(ContractFields::find(f.path), &f);
        // Field names match the API's grammar: [a-zA-Z_][a-zA-Z0-9_]* per segment.
        static const QRegularExpression re(
            QStringLiteral("^[a-zA-Z_][a-zA-Z0-9_]*(\\.[a-zA-Z_][a-zA-Z0-9_]*)*$"));
        QVERIFY2(re.match(f.path).hasMatch(), qPrintable(f.path));
    }
    // Titles are distinct, so a column header never names two fields.
    QSet<QString> titles;
    for (const ContractField &f : all) {
        QVERIFY2(!titles.contains(ContractFields::title(f)), f.title);
        titles.insert(ContractFields::title(f));
    }
}

void tst_ContractFields::findUnknown()
{
    QCOMPARE(ContractFields::find(QStringLiteral("no_such_field")), nullptr);
    QCOMPARE(ContractFields::find(QString()), nullptr);
    QCOMPARE(ContractFields::find(QStringLiteral("recipient")), nullptr); // expansion, not a leaf
    QCOMPARE(ContractFields::find(QStringLiteral("PIID")), nullptr);      // case matters
    QVERIFY(ContractFields::find(QStringLiteral("piid")));
}

void tst_ContractFields::defaultColumns()
{
    const QStringList expected{QStringLiteral("piid"),
                               QStringLiteral("award_date"),
                               QStringLiteral("recipient.display_name"),
                               QStringLiteral("description"),
                               QStringLiteral("total_contract_value"),
                               QStringLiteral("obligated"),
                               QStringLiteral("awarding_office.agency_name"),
                               QStringLiteral("naics_code")};
    QCOMPARE(ContractFields::defaultColumns(), expected);
    int visible = 0;
    for (const ContractField &f : ContractFields::all())
        visible += f.defaultVisible ? 1 : 0;
    QCOMPARE(visible, expected.size());
}

void tst_ContractFields::sortableFields()
{
    QMap<QString, QString> sortable;
    for (const ContractField &f : ContractFields::all()) {
        if (!f.ordering.isEmpty())
            sortable.insert(f.path, f.ordering);
    }
    QMap<QString, QString> expected;
    expected.insert(QStringLiteral("award_date"), QStringLiteral("award_date"));
    expected.insert(QStringLiteral("obligated"), QStringLiteral("obligated"));
    expected.insert(QStringLiteral("total_contract_value"), QStringLiteral("total_contract_value"));
    QCOMPARE(sortable, expected);
}

void tst_ContractFields::noArrayColumns()
{
    for (const ContractField &f : ContractFields::all()) {
        QVERIFY2(f.rootName() != QLatin1String("transactions"), qPrintable(f.path));
        QVERIFY2(f.rootName() != QLatin1String("officers"), qPrintable(f.path));
        QVERIFY2(f.rootName() != QLatin1String("vehicle"), qPrintable(f.path));
    }
}

void tst_ContractFields::rootLeavesCovered_data()
{
    QTest::addColumn<QString>("leaf");
    // REFERENCE §5.4 root leaves, less the array (transactions) and the object leaf
    // subawards_summary, which is offered through its nested leaves.
    const char *leaves[] = {
        "award_date", "award_type", "base_and_exercised_options_value", "contract_financing",
        "description", "dod_acquisition_program", "dod_transaction_number", "fiscal_year",
        "government_furnished_property", "key", "local_area_set_aside", "major_program",
        "naics_code", "number_of_actions", "number_of_offers_source", "obligated", "piid",
        "price_evaluation_percent_difference", "psc_code", "purchase_card_as_payment_method",
        "set_aside", "simplified_procedures_for_certain_commercial_items",
        "small_business_competitiveness_demonstration_program", "solicitation_identifier",
        "total_contract_value", "type_of_set_aside_source",
        // nested leaves the task names
        "recipient.display_name", "recipient.uei", "awarding_office.agency_name",
        "funding_office.agency_name", "place_of_performance.state_code",
        "period_of_performance.start_date", "period_of_performance.current_end_date",
        "period_of_performance.ultimate_completion_date", "parent_award.piid", "naics.code",
        "naics.description", "psc.code", "psc.description", "set_aside.code",
        "set_aside.description", "award_type.code", "award_type.description",
        "subawards_summary.count", "subawards_summary.total_amount", "competition.extent_competed",
        "competition.number_of_offers_received"};
    for (const char *l : leaves)
        QTest::newRow(l) << QString::fromLatin1(l);
}

void tst_ContractFields::rootLeavesCovered()
{
    QFETCH(QString, leaf);
    QVERIFY2(ContractFields::find(leaf), qPrintable(leaf));
}

void tst_ContractFields::titles_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("title");
    QTest::newRow("piid") << "piid"
                          << "PIID";
    QTest::newRow("award_date") << "award_date"
                                << "Award date";
    QTest::newRow("recipient") << "recipient.display_name"
                               << "Recipient";
    QTest::newRow("description") << "description"
                                 << "Description";
    QTest::newRow("tcv") << "total_contract_value"
                         << "Total contract value";
    QTest::newRow("obligated") << "obligated"
                               << "Obligated";
    QTest::newRow("agency") << "awarding_office.agency_name"
                            << "Awarding agency";
    QTest::newRow("naics") << "naics_code"
                           << "NAICS";
}

void tst_ContractFields::titles()
{
    QFETCH(QString, path);
    QFETCH(QString, title);
    const ContractField *f = ContractFields::find(path);
    QVERIFY(f);
    QCOMPARE(ContractFields::title(*f), title);
}

void tst_ContractFields::types_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("group");
    using T = ContractField::Type;
    using G = ContractField::Group;
    QTest::newRow("piid") << "piid" << int(T::Text) << int(G::Award);
    QTest::newRow("award_date") << "award_date" << int(T::Date) << int(G::Dates);
    QTest::newRow("tcv") << "total_contract_value" << int(T::Money) << int(G::Amounts);
    QTest::newRow("obligated") << "obligated" << int(T::Money) << int(G::Amounts);
    QTest::newRow("base") << "base_and_exercised_options_value" << int(T::Money) << int(G::Amounts);
    QTest::newRow("fy") << "fiscal_year" << int(T::Integer) << int(G::Dates);
    QTest::newRow("actions") << "number_of_actions" << int(T::Integer) << int(G::Award);
    QTest::newRow("naics") << "naics_code" << int(T::Code) << int(G::Codes);
    QTest::newRow("psc") << "psc_code" << int(T::Code) << int(G::Codes);
    QTest::newRow("recipient") << "recipient.display_name" << int(T::Text) << int(G::Recipient);
    QTest::newRow("dept code") << "awarding_office.department_code" << int(T::Code)
                               << int(G::Agencies);
    QTest::newRow("zip") << "place_of_performance.zip_code" << int(T::Code) << int(G::Performance);
    QTest::newRow("pop start") << "period_of_performance.start_date" << int(T::Date)
                               << int(G::Dates);
    QTest::newRow("sub total") << "subawards_summary.total_amount" << int(T::Money)
                               << int(G::Amounts);
    QTest::newRow("sub count") << "subawards_summary.count" << int(T::Integer) << int(G::Amounts);
}

void tst_ContractFields::types()
{
    QFETCH(QString, path);
    QFETCH(int, type);
    QFETCH(int, group);
    const ContractField *f = ContractFields::find(path);
    QVERIFY(f);
    QCOMPARE(int(f->type), type);
    QCOMPARE(int(f->group), group);
    // Every date field is named like one, and no money field is a code or date.
    for (const ContractField &c : ContractFields::all()) {
        if (c.type == ContractField::Type::Date)
            QVERIFY2(c.leafName().contains(QLatin1String("date")), qPrintable(c.path));
    }
}

void tst_ContractFields::groupTitles()
{
    using G = ContractField::Group;
    QSet<QString> seen;
    for (G g : {G::Award, G::Recipient, G::Agencies, G::Codes, G::Dates, G::Amounts, G::Performance,
                G::Other}) {
        const QString t = ContractFields::groupTitle(g);
        QVERIFY(!t.isEmpty());
        QVERIFY2(!seen.contains(t), qPrintable(t));
        seen.insert(t);
    }
}

void tst_ContractFields::rootAndLeafNames()
{
    ContractField f;
    f.path = QStringLiteral("recipient.display_name");
    QCOMPARE(f.rootName(), QStringLiteral("recipient"));
    QCOMPARE(f.leafName(), QStringLiteral("display_name"));
    QVERIFY(f.isNested());
    f.path = QStringLiteral("piid");
    QCOMPARE(f.rootName(), QStringLiteral("piid"));
    QCOMPARE(f.leafName(), QStringLiteral("piid"));
    QVERIFY(!f.isNested());
    f.path = QStringLiteral("competition.extent_competed.code");
    QCOMPARE(f.rootName(), QStringLiteral("competition"));
    QCOMPARE(f.leafName(), QStringLiteral("code"));
}

void tst_ContractFields::shapeFor_data()
{
    QTest::addColumn<QStringList>("paths");
    QTest::addColumn<QString>("shape");
    QTest::newRow("empty") << QStringList() << "";
    QTest::newRow("roots") << QStringList{"key", "piid", "award_date"} << "key,piid,award_date";
    QTest::newRow("grouped") << QStringList{"key", "piid", "recipient.display_name",
                                            "recipient.uei"}
                             << "key,piid,recipient(display_name,uei)";
    QTest::newRow("grouped under first appearance")
        << QStringList{"recipient.display_name", "piid", "recipient.uei", "award_date"}
        << "recipient(display_name,uei),piid,award_date";
    QTest::newRow("duplicates") << QStringList{"piid",          "key",           "piid",
                                               "recipient.uei", "recipient.uei", "key"}
                                << "piid,key,recipient(uei)";
    QTest::newRow("two expansions")
        << QStringList{"awarding_office.agency_name", "funding_office.agency_name",
                       "awarding_office.office_name"}
        << "awarding_office(agency_name,office_name),funding_office(agency_name)";
    QTest::newRow("star") << QStringList{"period_of_performance.*",
                                         "period_of_performance.start_date"}
                          << "period_of_performance(*)";
    QTest::newRow("expansion wins over bare leaf")
        << QStringList{"award_type", "piid", "award_type.code", "award_type.description"}
        << "award_type(code,description),piid";
    QTest::newRow("three levels") << QStringList{"competition.extent_competed.code",
                                                 "competition.solicitation_date"}
                                  << "competition(extent_competed(code),solicitation_date)";
    QTest::newRow("unknown passed through")
        << QStringList{"piid", "tradeoff_process"} << "piid,tradeoff_process";
    QTest::newRow("verbatim terms")
        << QStringList{"key::id", "recipient(*)"} << "key::id,recipient(*)";
    QTest::newRow("blank entries") << QStringList{"", " piid ", "  ", "key"} << "piid,key";
    QTest::newRow("stray dots") << QStringList{"recipient..uei", ".piid"} << "recipient(uei),piid";
    QTest::newRow("default columns") << ContractFields::defaultColumns()
                                     << "piid,award_date,recipient(display_name),description,"
                                        "total_contract_value,obligated,"
                                        "awarding_office(agency_name),naics_code";
}

void tst_ContractFields::shapeFor()
{
    QFETCH(QStringList, paths);
    QFETCH(QString, shape);
    QCOMPARE(ContractFields::shapeFor(paths), shape);
}

void tst_ContractFields::valueAt_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonValue>("expected");
    QTest::newRow("root string") << "piid" << QJsonValue(QStringLiteral("P1"));
    QTest::newRow("root number") << "obligated" << QJsonValue(1250.5);
    QTest::newRow("root null") << "description" << QJsonValue(QJsonValue::Null);
    QTest::newRow("root missing") << "fiscal_year" << QJsonValue(QJsonValue::Undefined);
    QTest::newRow("nested") << "recipient.display_name" << QJsonValue(QStringLiteral("ACME"));
    QTest::newRow("nested null leaf") << "recipient.uei" << QJsonValue(QJsonValue::Null);
    QTest::newRow("nested missing leaf") << "recipient.cage" << QJsonValue(QJsonValue::Undefined);
    QTest::newRow("null parent") << "awarding_office.agency_name" << QJsonValue(QJsonValue::Null);
    QTest::newRow("missing parent")
        << "funding_office.agency_name" << QJsonValue(QJsonValue::Undefined);
    QTest::newRow("scalar parent") << "piid.x" << QJsonValue(QJsonValue::Undefined);
    QTest::newRow("object leaf") << "naics"
                                 << QJsonValue(parse(R"({"code":541511,"description":"Dev"})"));
    QTest::newRow("three levels") << "competition.extent_competed.code"
                                  << QJsonValue(QStringLiteral("A"));
    QTest::newRow("empty path") << "" << QJsonValue(QJsonValue::Undefined);
    QTest::newRow("flat record key")
        << "place_of_performance.state_code" << QJsonValue(QStringLiteral("VA"));
    QTest::newRow("nested wins over flat")
        << "recipient.display_name" << QJsonValue(QStringLiteral("ACME"));
}

void tst_ContractFields::valueAt()
{
    QFETCH(QString, path);
    QFETCH(QJsonValue, expected);
    const QJsonObject record = parse(R"({
        "piid": "P1", "obligated": 1250.5, "description": null,
        "recipient": {"display_name": "ACME", "uei": null},
        "awarding_office": null,
        "naics": {"code": 541511, "description": "Dev"},
        "competition": {"extent_competed": {"code": "A", "description": "Full"}},
        "place_of_performance.state_code": "VA", "recipient.display_name": "flat"
    })");
    const QJsonValue v = ContractFields::valueAt(record, path);
    QCOMPARE(v.type(), expected.type());
    QCOMPARE(v, expected);
}

void tst_ContractFields::text_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("string") << QJsonValue(QStringLiteral("MCKESSON")) << "MCKESSON";
    QTest::newRow("string with newline") << QJsonValue(QStringLiteral("a\nb")) << "a\nb";
    QTest::newRow("empty string") << QJsonValue(QString()) << "";
    QTest::newRow("integer") << jsonNumber("65000") << "65000";
    QTest::newRow("integer written as double") << jsonNumber("541511.0") << "541511";
    QTest::newRow("negative integer") << jsonNumber("-12") << "-12";
    QTest::newRow("negative zero") << jsonNumber("-0.0") << "0";
    QTest::newRow("zero") << jsonNumber("0") << "0";
    QTest::newRow("cents") << jsonNumber("5306.85") << "5306.85";
    QTest::newRow("two cents") << jsonNumber("19392.37") << "19392.37";
    // Not representable: the shortest form that reads back to the same double is this one.
    QTest::newRow("float noise kept exact")
        << jsonNumber("5388564.6899999995") << "5388564.6899999995";
    QTest::newRow("sum noise") << QJsonValue(0.1 + 0.2) << "0.30000000000000004";
    QTest::newRow("tenth") << jsonNumber("0.1") << "0.1";
    QTest::newRow("small") << jsonNumber("1.5e-7") << "0.00000015";
    QTest::newRow("large integer") << jsonNumber("86157384") << "86157384";
    QTest::newRow("2^53") << jsonNumber("9007199254740992") << "9007199254740992";
    QTest::newRow("true") << QJsonValue(true) << "true";
    QTest::newRow("false") << QJsonValue(false) << "false";
    QTest::newRow("null") << QJsonValue(QJsonValue::Null) << "";
    QTest::newRow("undefined") << QJsonValue(QJsonValue::Undefined) << "";
    QTest::newRow("code object") << QJsonValue(parse(R"({"code":"A","description":"BPA call"})"))
                                 << "A — BPA call";
    QTest::newRow("numeric code object")
        << QJsonValue(parse(R"({"code":541511,"description":"Custom programming"})"))
        << "541511 — Custom programming";
    QTest::newRow("code only") << QJsonValue(parse(R"({"code":"SBA"})")) << "SBA";
    QTest::newRow("null code") << QJsonValue(parse(R"({"code":null,"description":"None"})"))
                               << "None";
    QTest::newRow("description only") << QJsonValue(parse(R"({"description":"Full"})")) << "Full";
    QTest::newRow("named object") << QJsonValue(parse(R"({"display_name":"ACME","uei":"U1"})"))
                                  << "ACME";
    QTest::newRow("array of strings")
        << QJsonValue(QJsonArray{QStringLiteral("a"), QStringLiteral("b")}) << "a; b";
    QTest::newRow("array with nulls and numbers")
        << QJsonValue(QJsonArray{QJsonValue(), 47, QStringLiteral("x"), 1.5}) << "47; x; 1.5";
    QTest::newRow("empty array") << QJsonValue(QJsonArray()) << "";
}

void tst_ContractFields::text()
{
    QFETCH(QJsonValue, value);
    QFETCH(QString, text);
    QCOMPARE(ContractFields::text(value), text);
}

void tst_ContractFields::textRoundTripsRandomDoubles()
{
    // Shortest round trip: the text reads back to the very same double, never uses an
    // exponent for amounts, and is never longer than 17 significant digits.
    QRandomGenerator rng(20260814);
    for (int i = 0; i < 5000; ++i) {
        const double cents = double(rng.bounded(1000000000)) / 100.0;
        const double scaled = rng.generateDouble() * std::pow(10.0, rng.bounded(12));
        for (double d : {cents, scaled, -scaled}) {
            const QString t = ContractFields::text(QJsonValue(d));
            bool ok = false;
            QCOMPARE(t.toDouble(&ok), d);
            QVERIFY(ok);
            QVERIFY2(!t.contains(QLatin1Char('e')), qPrintable(t));
            QVERIFY2(!t.endsWith(QLatin1String(".0")), qPrintable(t));
            QString digits = t;
            digits.remove(QLatin1Char('-')).remove(QLatin1Char('.'));
            while (digits.startsWith(QLatin1Char('0')))
                digits.remove(0, 1);
            while (digits.endsWith(QLatin1Char('0')))
                digits.chop(1);
            QVERIFY2(digits.size() <= 17, qPrintable(t)); // never more than a double's digits
        }
        // Two-decimal amounts print as written by a person.
        const QString c = ContractFields::text(QJsonValue(cents));
        QVERIFY2(c.section(QLatin1Char('.'), 1).size() <= 2, qPrintable(c));
    }
}

void tst_ContractFields::number_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<double>("expected");
    QTest::newRow("number") << jsonNumber("5306.85") << true << 5306.85;
    QTest::newRow("integer") << jsonNumber("47") << true << 47.0;
    QTest::newRow("negative") << jsonNumber("-250.5") << true << -250.5;
    QTest::newRow("numeric string") << QJsonValue(QStringLiteral("5306.85")) << true << 5306.85;
    QTest::newRow("zero padded") << QJsonValue(QStringLiteral("070")) << true << 70.0;
    QTest::newRow("spaces") << QJsonValue(QStringLiteral(" 12 ")) << true << 12.0;
    QTest::newRow("exponent string") << QJsonValue(QStringLiteral("1e3")) << true << 1000.0;
    QTest::newRow("text") << QJsonValue(QStringLiteral("abc")) << false << 0.0;
    QTest::newRow("empty string") << QJsonValue(QString()) << false << 0.0;
    QTest::newRow("nan string") << QJsonValue(QStringLiteral("nan")) << false << 0.0;
    QTest::newRow("inf string") << QJsonValue(QStringLiteral("inf")) << false << 0.0;
    QTest::newRow("grouped") << QJsonValue(QStringLiteral("1,234")) << false << 0.0;
    QTest::newRow("dollar") << QJsonValue(QStringLiteral("$5")) << false << 0.0;
    QTest::newRow("bool") << QJsonValue(true) << false << 0.0;
    QTest::newRow("null") << QJsonValue(QJsonValue::Null) << false << 0.0;
    QTest::newRow("undefined") << QJsonValue(QJsonValue::Undefined) << false << 0.0;
    QTest::newRow("array") << QJsonValue(QJsonArray{1}) << false << 0.0;
    QTest::newRow("code object") << QJsonValue(parse(R"({"code":"012"})")) << true << 12.0;
}

void tst_ContractFields::number()
{
    QFETCH(QJsonValue, value);
    QFETCH(bool, valid);
    QFETCH(double, expected);
    const auto n = ContractFields::number(value);
    QCOMPARE(n.has_value(), valid);
    if (valid)
        QCOMPARE(*n, expected);
}

void tst_ContractFields::code_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("code");
    QTest::newRow("number") << jsonNumber("47") << "47";
    QTest::newRow("padded string") << QJsonValue(QStringLiteral("012")) << "012";
    QTest::newRow("double integral") << jsonNumber("541511.0") << "541511";
    QTest::newRow("alnum") << QJsonValue(QStringLiteral("97F5")) << "97F5";
    QTest::newRow("trimmed") << QJsonValue(QStringLiteral(" 4700 ")) << "4700";
    QTest::newRow("object") << QJsonValue(parse(R"({"code":97,"description":"DOD"})")) << "97";
    QTest::newRow("object string code")
        << QJsonValue(parse(R"({"code":"070","description":"x"})")) << "070";
    QTest::newRow("null") << QJsonValue(QJsonValue::Null) << "";
    QTest::newRow("missing") << QJsonValue(QJsonValue::Undefined) << "";
    QTest::newRow("bool") << QJsonValue(false) << "false";
}

void tst_ContractFields::code()
{
    QFETCH(QJsonValue, value);
    QFETCH(QString, code);
    QCOMPARE(ContractFields::code(value), code);
}

void tst_ContractFields::isNull()
{
    QVERIFY(ContractFields::isNull(QJsonValue(QJsonValue::Null)));
    QVERIFY(ContractFields::isNull(QJsonValue(QJsonValue::Undefined)));
    QVERIFY(!ContractFields::isNull(QJsonValue(QString())));
    QVERIFY(!ContractFields::isNull(QJsonValue(0)));
}

QTEST_GUILESS_MAIN(tst_ContractFields)
#include "tst_ContractFields.moc"
