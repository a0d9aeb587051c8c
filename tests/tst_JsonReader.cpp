#include "util/JsonReader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <limits>

using namespace tango;

namespace {

std::string_view view(const QByteArray &b)
{
    return std::string_view(b.constData(), size_t(b.size()));
}

// What Qt's own parser makes of a document wrapped in an array (fromJson wants a container).
QJsonValue qtValue(const QByteArray &json)
{
    QJsonParseError err;
    const QJsonDocument d = QJsonDocument::fromJson("[" + json + "]", &err);
    if (err.error != QJsonParseError::NoError || !d.isArray())
        qFatal("bad test JSON: %s", qPrintable(err.errorString()));
    return d.array().at(0);
}

} // namespace

class tst_JsonReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void validDocuments_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("empty object") << QByteArray("{}");
        QTest::newRow("empty array") << QByteArray("[ ]");
        QTest::newRow("string") << QByteArray("\"abc\"");
        QTest::newRow("empty string") << QByteArray("\"\"");
        QTest::newRow("true") << QByteArray("true");
        QTest::newRow("false") << QByteArray("false");
        QTest::newRow("null") << QByteArray("null");
        QTest::newRow("zero") << QByteArray("0");
        QTest::newRow("minus zero") << QByteArray("-0");
        QTest::newRow("minus zero double") << QByteArray("-0.0");
        QTest::newRow("integral double") << QByteArray("[1.0, 2e0, 1.5e3]");
        QTest::newRow("integer") << QByteArray("-1234567");
        QTest::newRow("money") << QByteArray("5388564.6899999995");
        QTest::newRow("1e308") << QByteArray("1e308");
        QTest::newRow("exponents") << QByteArray("[1E2, 1e+2, 1e-2, 2.5E-3, 0.1]");
        QTest::newRow("max int64") << QByteArray("9223372036854775807");
        QTest::newRow("min int64") << QByteArray("-9223372036854775808");
        QTest::newRow("beyond int64") << QByteArray("9223372036854775808");
        QTest::newRow("huge integer") << QByteArray("123456789012345678901234567890");
        QTest::newRow("2^53+1") << QByteArray("9007199254740993");
        QTest::newRow("escapes") << QByteArray("\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"");
        QTest::newRow("unicode escape") << QByteArray("\"caf\\u00e9 \\u20AC\"");
        QTest::newRow("surrogate pair") << QByteArray("\"\\ud83d\\ude00!\"");
        QTest::newRow("lone surrogate") << QByteArray("\"x\\udc00y\"");
        QTest::newRow("utf8") << QByteArray("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
        QTest::newRow("nested") << QByteArray(
            "{\"a\":{\"b\":[1,{\"c\":null},[true,false]],\"d\":\"e\"},\"f\":[],\"g\":{}}");
        QTest::newRow("white space") << QByteArray(" \t\r\n{ \"a\" : [ 1 , 2 ] } \n");
        QTest::newRow("escaped key") << QByteArray("{\"k\\u0065y\":1,\"a\\nb\":2}");
        QTest::newRow("deep") << QByteArray(200, '[') + QByteArray(200, ']');
    }
    void validDocuments()
    {
        QFETCH(QByteArray, json);
        QJsonValue mine;
        QString error;
        QVERIFY2(JsonReader::parse(view(json), &mine, &error), qPrintable(error));
        QVERIFY(error.isEmpty());
        QVERIFY(JsonReader::isValid(view(json)));
        const QJsonValue qt = qtValue(json);
        QCOMPARE(mine.type(), qt.type());
        QCOMPARE(mine, qt);
        if (qt.isDouble()) {
            // Same number, same kind (integer or double) as Qt keeps it.
            QCOMPARE(mine.toInteger(-1), qt.toInteger(-1));
            QCOMPARE(QByteArray::number(mine.toDouble(), 'g', 17),
                     QByteArray::number(qt.toDouble(), 'g', 17));
        }
    }

    void exactValues()
    {
        QJsonValue v;
        QVERIFY(JsonReader::parse("5388564.6899999995", &v));
        QCOMPARE(v.toDouble(), 5388564.6899999995);
        QVERIFY(JsonReader::parse("1e308", &v));
        QCOMPARE(v.toDouble(), 1e308);
        QVERIFY(JsonReader::parse("9223372036854775807", &v));
        QCOMPARE(v.toInteger(), std::numeric_limits<qint64>::max());
        QVERIFY(JsonReader::parse("9223372036854775808", &v));
        QCOMPARE(v.toDouble(), 9223372036854775808.0);
        QCOMPARE(v.toInteger(-7), qint64(-7)); // a double that does not fit
        QVERIFY(JsonReader::parse("-0.0", &v));
        QCOMPARE(bool(std::signbit(v.toDouble())), bool(std::signbit(qtValue("-0.0").toDouble())));
        QVERIFY(JsonReader::parse("\"\\ud83d\\ude00\"", &v));
        QCOMPARE(v.toString(), QString::fromUtf8("\xf0\x9f\x98\x80"));
        QCOMPARE(v.toString().size(), 2);
        QVERIFY(JsonReader::parse("\"\\u0000\"", &v));
        QCOMPARE(v.toString(), QString(QChar(0)));
        QVERIFY(JsonReader::parse("{\"a\":1,\"a\":2}", &v));
        QCOMPARE(v.toObject().value(QLatin1String("a")).toInt(), 2);
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("empty") << QByteArray("");
        QTest::newRow("blank") << QByteArray("  \n");
        QTest::newRow("truncated object") << QByteArray("{\"a\":1");
        QTest::newRow("truncated key") << QByteArray("{\"a");
        QTest::newRow("truncated after colon") << QByteArray("{\"a\":");
        QTest::newRow("truncated array") << QByteArray("[1,2");
        QTest::newRow("truncated string") << QByteArray("\"abc");
        QTest::newRow("truncated escape") << QByteArray("\"ab\\");
        QTest::newRow("truncated unicode") << QByteArray("\"\\u12");
        QTest::newRow("truncated literal") << QByteArray("tru");
        QTest::newRow("truncated number") << QByteArray("-");
        QTest::newRow("truncated utf8") << QByteArray("\"\xe2\x82");
        QTest::newRow("trailing garbage") << QByteArray("{} x");
        QTest::newRow("two values") << QByteArray("1 2");
        QTest::newRow("trailing comma array") << QByteArray("[1, ]");
        QTest::newRow("trailing comma object") << QByteArray("{\"a\":1,}");
        QTest::newRow("missing comma") << QByteArray("[1 2]");
        QTest::newRow("missing colon") << QByteArray("{\"a\" 1}");
        QTest::newRow("unquoted key") << QByteArray("{a:1}");
        QTest::newRow("single quotes") << QByteArray("'a'");
        QTest::newRow("bad escape") << QByteArray("\"\\x41\"");
        QTest::newRow("bad unicode escape") << QByteArray("\"\\u12G4\"");
        QTest::newRow("raw newline") << QByteArray("\"a\nb\"");
        QTest::newRow("raw tab") << QByteArray("\"a\tb\"");
        QTest::newRow("control char") << QByteArray("\"a\x01\"");
        QTest::newRow("lone continuation byte") << QByteArray("\"\x80\"");
        QTest::newRow("overlong") << QByteArray("\"\xc0\xaf\"");
        QTest::newRow("utf8 surrogate") << QByteArray("\"\xed\xa0\x80\"");
        QTest::newRow("beyond U+10FFFF") << QByteArray("\"\xf4\x90\x80\x80\"");
        QTest::newRow("bad continuation") << QByteArray("\"\xe2\x28\xa1\"");
        QTest::newRow("leading zero") << QByteArray("01");
        QTest::newRow("plus sign") << QByteArray("+1");
        QTest::newRow("bare dot") << QByteArray("1.");
        QTest::newRow("dot first") << QByteArray(".5");
        QTest::newRow("empty exponent") << QByteArray("1e");
        QTest::newRow("too big") << QByteArray("1e400");
        QTest::newRow("NaN") << QByteArray("NaN");
        QTest::newRow("Infinity") << QByteArray("-Infinity");
        QTest::newRow("capital True") << QByteArray("True");
        QTest::newRow("nulls") << QByteArray("nul1");
        QTest::newRow("close only") << QByteArray("]");
        QTest::newRow("mismatched") << QByteArray("[}");
        QTest::newRow("too deep") << QByteArray(JsonReader::kMaxDepth + 1, '[') +
                                         QByteArray(JsonReader::kMaxDepth + 1, ']');
    }
    void malformed()
    {
        QFETCH(QByteArray, json);
        QJsonValue v(42);
        QString error;
        QVERIFY(!JsonReader::parse(view(json), &v, &error));
        QVERIFY(!error.isEmpty());
        QCOMPARE(v, QJsonValue(42)); // untouched on failure
        QVERIFY(!JsonReader::isValid(view(json)));
    }

    void walkingAnObject()
    {
        const QByteArray json = "{\"skip\":{\"x\":[1,2,{\"y\":\"z\"}]},\"k\\\"ey\":\"v\",\"n\":3}";
        JsonReader r(view(json));
        QCOMPARE(r.peek(), '{');
        QVERIFY(r.beginObject());
        bool first = true;
        std::string_view key;
        QCOMPARE(r.nextMember(&first, &key), JsonReader::Step::Item);
        QCOMPARE(std::string(key), std::string("skip"));
        QVERIFY(r.skipValue());
        QCOMPARE(r.nextMember(&first, &key), JsonReader::Step::Item);
        QCOMPARE(std::string(key), std::string("k\"ey")); // decoded
        QJsonValue v;
        QVERIFY(r.readValue(&v));
        QCOMPARE(v.toString(), QStringLiteral("v"));
        QCOMPARE(r.nextMember(&first, &key), JsonReader::Step::Item);
        QCOMPARE(std::string(key), std::string("n"));
        QVERIFY(r.readValue(&v));
        QCOMPARE(v.toInteger(), 3);
        QCOMPARE(r.nextMember(&first, &key), JsonReader::Step::End);
        QVERIFY(r.finish());
        QCOMPARE(r.offset(), size_t(json.size()));
    }

    void walkingAnArray()
    {
        const QByteArray json = "[1, \"two\", [3]]";
        JsonReader r(view(json));
        QVERIFY(r.beginArray());
        bool first = true;
        int n = 0;
        while (r.nextElement(&first) == JsonReader::Step::Item) {
            QVERIFY(r.skipValue());
            ++n;
        }
        QVERIFY(!r.hasError());
        QCOMPARE(n, 3);
        QVERIFY(r.finish());

        const QByteArray bad = "[1, 2";
        JsonReader b(view(bad));
        QVERIFY(b.beginArray());
        first = true;
        JsonReader::Step s = JsonReader::Step::Item;
        while ((s = b.nextElement(&first)) == JsonReader::Step::Item)
            QVERIFY(b.skipValue());
        QCOMPARE(s, JsonReader::Step::Error);
        QVERIFY(b.hasError());
    }

    void wrongContainer()
    {
        JsonReader r(std::string_view("[1]"));
        QVERIFY(!r.beginObject());
        QVERIFY(r.hasError());
        QCOMPARE(r.peek(), '\0');
    }
};

QTEST_GUILESS_MAIN(tst_JsonReader)
#include "tst_JsonReader.moc"
