#include "FailingDevice.h"
#include "contracts/ContractFields.h"
#include "export/CsvWriter.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QStringDecoder>
#include <QtTest>

#include <cmath>
#include <memory>

using tango::ContractField;
using tango::ContractFields;
using tango::CsvWriter;
using Type = ContractField::Type;

Q_DECLARE_METATYPE(QJsonValue)

namespace {

// A deliberately strict RFC 4180 reader: it rejects anything the RFC does not allow (a quote
// inside an unquoted field, text after a closing quote, a bare CR or LF outside quotes, a
// missing final line ending, invalid UTF-8), so a writer bug cannot hide behind leniency.
struct Cell
{
    QString text;
    bool quoted = false;
};
using Row = QVector<Cell>;

bool strictParse(const QByteArray &data, char delimiter, const QByteArray &eol, QVector<Row> *rows,
                 QString *error)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString all = decoder.decode(data);
    if (decoder.hasError()) {
        *error = QStringLiteral("invalid UTF-8");
        return false;
    }
    Q_UNUSED(all);
    rows->clear();
    const qsizetype n = data.size();
    qsizetype i = 0;
    Row row;
    auto atEol = [&](qsizetype at) { return data.mid(at, eol.size()) == eol; };
    while (i < n) {
        Cell cell;
        QByteArray bytes;
        if (data.at(i) == '"') {
            cell.quoted = true;
            ++i;
            for (;;) {
                if (i >= n) {
                    *error = QStringLiteral("unterminated quoted field");
                    return false;
                }
                if (data.at(i) == '"') {
                    if (i + 1 < n && data.at(i + 1) == '"') {
                        bytes.append('"');
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                bytes.append(data.at(i++));
            }
            if (i < n && data.at(i) != delimiter && !atEol(i)) {
                *error = QStringLiteral("text after a closing quote at byte %1").arg(i);
                return false;
            }
        } else {
            while (i < n && data.at(i) != delimiter && !atEol(i)) {
                const char c = data.at(i);
                if (c == '"' || c == '\r' || c == '\n') {
                    *error = QStringLiteral("bare %1 in an unquoted field at byte %2")
                                 .arg(c == '"' ? "quote" : (c == '\r' ? "CR" : "LF"))
                                 .arg(i);
                    return false;
                }
                bytes.append(data.at(i++));
            }
        }
        cell.text = QString::fromUtf8(bytes);
        row.append(cell);
        if (i >= n) {
            *error = QStringLiteral("missing line ending after the last record");
            return false;
        }
        if (data.at(i) == delimiter) {
            ++i;
            if (i >= n) {
                *error = QStringLiteral("missing last field");
                return false;
            }
            continue;
        }
        i += eol.size();
        rows->append(row);
        row.clear();
    }
    return true;
}

QVector<QStringList> texts(const QVector<Row> &rows)
{
    QVector<QStringList> out;
    for (const Row &r : rows) {
        QStringList l;
        for (const Cell &c : r)
            l.append(c.text);
        out.append(l);
    }
    return out;
}

QVector<Row> parseOrFail(const QByteArray &data, char delimiter = ',',
                         const QByteArray &eol = "\r\n")
{
    QVector<Row> rows;
    QString error;
    if (!strictParse(data, delimiter, eol, &rows, &error)) {
        qWarning("strict parse failed: %s in %s", qPrintable(error),
                 data.toPercentEncoding().constData());
        rows.clear();
        rows.append(Row{Cell{QStringLiteral("<parse error>"), false}});
    }
    return rows;
}

QJsonObject parseJson(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

QJsonValue jsonNumber(const char *literal)
{
    return parseJson(QByteArray("{\"v\":").append(literal).append('}').constData())
        .value(QLatin1String("v"));
}

const QStringList &trickyCells()
{
    static const QStringList cells{QStringLiteral("plain"),
                                   QStringLiteral("with,comma"),
                                   QStringLiteral("with;semicolon"),
                                   QStringLiteral("with\ttab"),
                                   QStringLiteral("quote\"inside"),
                                   QStringLiteral("\""),
                                   QStringLiteral("\"\""),
                                   QStringLiteral("cr\rinside"),
                                   QStringLiteral("lf\ninside"),
                                   QStringLiteral("crlf\r\ninside"),
                                   QStringLiteral(" leading"),
                                   QStringLiteral("trailing "),
                                   QStringLiteral("  both  "),
                                   QString(),
                                   QStringLiteral("café Ñandú"),
                                   QStringLiteral("日本語"),
                                   QStringLiteral("emoji 🚀👩‍💻"),
                                   QStringLiteral("=1+2"),
                                   QStringLiteral("'"),
                                   QStringLiteral("a\"b,c\nd;e\tf")};
    return cells;
}

} // namespace

class tst_CsvWriter : public QObject
{
    Q_OBJECT

private slots:
    void strictReaderRejectsBadCsv_data();
    void strictReaderRejectsBadCsv();
    void roundTrip_data();
    void roundTrip();
    void quotesOnlyWhenNeeded_data();
    void quotesOnlyWhenNeeded();
    void bom();
    void lineEndings();
    void delimiterChoice();
    void header();
    void typedCells_data();
    void typedCells();
    void moneyText_data();
    void moneyText();
    void moneyRandomCents();
    void emptyVersusNull();
    void singleColumnNullRowIsNotBlank();
    void formulaGuard_data();
    void formulaGuard();
    void formulaGuardOnTextRows();
    void catalogueFieldsRow();
    void failingDevice_data();
    void failingDevice();
    void deviceNotWritable();
    void deviceClosedUnderWriter();
    void chunkedOutput();
    void destructorFlushes();
    void loneSurrogate();
    void randomRoundTrip();
};

void tst_CsvWriter::strictReaderRejectsBadCsv_data()
{
    // The reader the round trips rely on must itself refuse what RFC 4180 does not allow.
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("eol");
    QTest::newRow("quote in unquoted field") << QByteArray("a\"b\r\n") << QByteArray("\r\n");
    QTest::newRow("text after closing quote") << QByteArray("\"a\"b\r\n") << QByteArray("\r\n");
    QTest::newRow("bare LF in CRLF file") << QByteArray("a\nb\r\n") << QByteArray("\r\n");
    QTest::newRow("bare CR in LF file") << QByteArray("a\rb\n") << QByteArray("\n");
    QTest::newRow("no final line ending") << QByteArray("a,b") << QByteArray("\r\n");
    QTest::newRow("unterminated quote") << QByteArray("\"abc\r\n") << QByteArray("\r\n");
    QTest::newRow("invalid UTF-8") << QByteArray("\xFF\xFE\r\n") << QByteArray("\r\n");
    QTest::newRow("delimiter at end of data") << QByteArray("a,") << QByteArray("\r\n");
}

void tst_CsvWriter::strictReaderRejectsBadCsv()
{
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, eol);
    QVector<Row> rows;
    QString error;
    QVERIFY(!strictParse(data, ',', eol, &rows, &error));
    QVERIFY(!error.isEmpty());
    // and the good forms pass
    QVERIFY(strictParse("\"a\"\"b\",,\" x \"\r\n", ',', "\r\n", &rows, &error));
    QCOMPARE(texts(rows), (QVector<QStringList>{{"a\"b", "", " x "}}));
}

void tst_CsvWriter::roundTrip_data()
{
    QTest::addColumn<QChar>("delimiter");
    QTest::addColumn<bool>("crlf");
    for (const char d : {',', ';', '\t'}) {
        for (const bool crlf : {true, false}) {
            const QByteArray name = QByteArray(d == '\t' ? "tab" : QByteArray(1, d).constData()) +
                                    (crlf ? " crlf" : " lf");
            QTest::newRow(name.constData()) << QChar::fromLatin1(d) << crlf;
        }
    }
}

void tst_CsvWriter::roundTrip()
{
    QFETCH(QChar, delimiter);
    QFETCH(bool, crlf);
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    CsvWriter w(&buffer);
    QVERIFY(w.setDelimiter(delimiter));
    w.setLineEnding(crlf ? CsvWriter::LineEnding::CRLF : CsvWriter::LineEnding::LF);
    QVector<QStringList> expected;
    QVERIFY(w.writeHeader(trickyCells()));
    expected.append(trickyCells());
    for (const QString &cell : trickyCells()) {
        QVERIFY(w.writeRow(QStringList{cell}));
        expected.append(QStringList{cell});
        QVERIFY(w.writeRow(QStringList{cell, cell}));
        expected.append(QStringList{cell, cell});
    }
    QVERIFY(w.flush());
    QCOMPARE(w.bytesWritten(), buffer.data().size());
    QCOMPARE(w.rowsWritten(), qint64(2 * trickyCells().size()));
    const QVector<Row> rows = parseOrFail(buffer.data(), char(delimiter.unicode()),
                                          crlf ? QByteArray("\r\n") : QByteArray("\n"));
    QCOMPARE(texts(rows), expected);
}

void tst_CsvWriter::quotesOnlyWhenNeeded_data()
{
    QTest::addColumn<QChar>("delimiter");
    QTest::addColumn<QString>("cell");
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("plain") << QChar(',') << "plain" << QByteArray("plain");
    QTest::newRow("comma") << QChar(',') << "a,b" << QByteArray("\"a,b\"");
    QTest::newRow("comma under semicolon") << QChar(';') << "a,b" << QByteArray("a,b");
    QTest::newRow("semicolon") << QChar(';') << "a;b" << QByteArray("\"a;b\"");
    QTest::newRow("tab under comma") << QChar(',') << "a\tb" << QByteArray("a\tb");
    QTest::newRow("tab under tab") << QChar('\t') << "a\tb" << QByteArray("\"a\tb\"");
    QTest::newRow("quote doubled") << QChar(',') << "a\"b" << QByteArray("\"a\"\"b\"");
    QTest::newRow("lf") << QChar(',') << "a\nb" << QByteArray("\"a\nb\"");
    QTest::newRow("cr") << QChar(',') << "a\rb" << QByteArray("\"a\rb\"");
    QTest::newRow("leading space") << QChar(',') << " a" << QByteArray("\" a\"");
    QTest::newRow("trailing space") << QChar(',') << "a " << QByteArray("\"a \"");
    QTest::newRow("inner space") << QChar(',') << "a b" << QByteArray("a b");
    QTest::newRow("utf-8") << QChar(',') << "é€🚀"
                           << QByteArray("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x9A\x80");
}

void tst_CsvWriter::quotesOnlyWhenNeeded()
{
    QFETCH(QChar, delimiter);
    QFETCH(QString, cell);
    QFETCH(QByteArray, bytes);
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    {
        CsvWriter w(&buffer);
        QVERIFY(w.setDelimiter(delimiter));
        QVERIFY(w.writeRow(QStringList{cell, QStringLiteral("x")}));
        QVERIFY(w.flush());
    }
    QCOMPARE(buffer.data(), bytes + char(delimiter.unicode()) + "x\r\n");
}

void tst_CsvWriter::bom()
{
    const QByteArray bomBytes("\xEF\xBB\xBF");
    for (const bool withBom : {true, false}) {
        QBuffer buffer;
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        CsvWriter w(&buffer);
        w.setChunkSize(8); // several device writes: the BOM must still appear once
        w.setBom(withBom);
        QVERIFY(w.writeHeader({QStringLiteral("PIID"), QStringLiteral("Recipient")}));
        QVERIFY(w.writeRow({QStringLiteral("P1"), QStringLiteral("Café")}));
        QVERIFY(w.flush());
        w.setBom(!withBom); // too late: ignored
        QVERIFY(w.writeRow({QStringLiteral("P2"), QStringLiteral("B")}));
        QVERIFY(w.flush());
        const QByteArray data = buffer.data();
        QCOMPARE(data.startsWith(bomBytes), withBom);
        QCOMPARE(data.count(bomBytes), withBom ? 1 : 0);
        const QByteArray body = withBom ? data.mid(3) : data;
        QCOMPARE(texts(parseOrFail(body)),
                 (QVector<QStringList>{{"PIID", "Recipient"}, {"P1", "Café"}, {"P2", "B"}}));
        QCOMPARE(w.bytesWritten(), data.size());
    }
}

void tst_CsvWriter::lineEndings()
{
    QBuffer crlf;
    QVERIFY(crlf.open(QIODevice::WriteOnly));
    {
        CsvWriter w(&crlf);
        QCOMPARE(w.lineEnding(), CsvWriter::LineEnding::CRLF);
        QVERIFY(w.writeRow({QStringLiteral("a")}));
        QVERIFY(w.writeRow({QStringLiteral("b")}));
    }
    QCOMPARE(crlf.data(), QByteArray("a\r\nb\r\n"));

    QBuffer lf;
    QVERIFY(lf.open(QIODevice::WriteOnly));
    {
        CsvWriter w(&lf);
        w.setLineEnding(CsvWriter::LineEnding::LF);
        QVERIFY(w.writeRow({QStringLiteral("a"), QStringLiteral("b")}));
        QVERIFY(w.writeRow({QStringLiteral("c"), QStringLiteral("d")}));
    }
    QCOMPARE(lf.data(), QByteArray("a,b\nc,d\n"));
}

void tst_CsvWriter::delimiterChoice()
{
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    CsvWriter w(&buffer);
    QCOMPARE(w.delimiter(), QChar(','));
    for (const QChar bad : {QChar('|'), QChar('a'), QChar('"'), QChar('\n'), QChar(' ')}) {
        QVERIFY(!w.setDelimiter(bad));
        QCOMPARE(w.delimiter(), QChar(','));
    }
    QVERIFY(w.setDelimiter(QChar(';')));
    QCOMPARE(w.delimiter(), QChar(';'));
    QVERIFY(w.setDelimiter(QChar('\t')));
    QCOMPARE(w.delimiter(), QChar('\t'));
}

void tst_CsvWriter::header()
{
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    CsvWriter w(&buffer);
    w.setFormulaGuard(true);
    QStringList titles;
    QStringList paths;
    for (const QString &p : ContractFields::defaultColumns()) {
        titles.append(ContractFields::title(*ContractFields::find(p)));
        paths.append(p);
    }
    titles.append(QStringLiteral("=not a formula, a title"));
    QVERIFY(w.writeHeader(titles));
    QVERIFY(w.writeHeader(paths));
    QVERIFY(w.flush());
    QCOMPARE(w.rowsWritten(), qint64(0));
    const auto rows = texts(parseOrFail(buffer.data()));
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(0), titles); // never guarded
    QCOMPARE(rows.at(1), paths);
}

void tst_CsvWriter::typedCells_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("cell");
    QTest::newRow("money noise") << jsonNumber("5388564.6899999995") << int(Type::Money)
                                 << "5388564.69";
    QTest::newRow("money integer") << jsonNumber("65000") << int(Type::Money) << "65000.00";
    QTest::newRow("money cents") << jsonNumber("19392.37") << int(Type::Money) << "19392.37";
    QTest::newRow("money one decimal") << jsonNumber("5306.8") << int(Type::Money) << "5306.80";
    QTest::newRow("money large") << jsonNumber("86157384123.5") << int(Type::Money)
                                 << "86157384123.50";
    QTest::newRow("money negative") << jsonNumber("-1250.5") << int(Type::Money) << "-1250.50";
    QTest::newRow("money string") << QJsonValue(QStringLiteral("5306.85")) << int(Type::Money)
                                  << "5306.85";
    QTest::newRow("money not numeric")
        << QJsonValue(QStringLiteral("n/a")) << int(Type::Money) << "n/a";
    QTest::newRow("integer") << jsonNumber("2024") << int(Type::Integer) << "2024";
    QTest::newRow("integer as double") << jsonNumber("2024.0") << int(Type::Integer) << "2024";
    QTest::newRow("integer big") << jsonNumber("86157384") << int(Type::Integer) << "86157384";
    QTest::newRow("integer string")
        << QJsonValue(QStringLiteral("070")) << int(Type::Integer) << "70";
    QTest::newRow("date") << QJsonValue(QStringLiteral("2024-09-30")) << int(Type::Date)
                          << "2024-09-30";
    QTest::newRow("code number") << jsonNumber("541511") << int(Type::Code) << "541511";
    QTest::newRow("code padded") << QJsonValue(QStringLiteral("012")) << int(Type::Code) << "012";
    QTest::newRow("code object") << QJsonValue(parseJson(R"({"code":"A","description":"BPA"})"))
                                 << int(Type::Code) << "A";
    QTest::newRow("text object") << QJsonValue(parseJson(R"({"code":"A","description":"BPA"})"))
                                 << int(Type::Text) << "A — BPA";
    QTest::newRow("text number") << jsonNumber("12.5") << int(Type::Text) << "12.5";
    QTest::newRow("text array") << QJsonValue(QJsonArray{QStringLiteral("x"), QStringLiteral("y")})
                                << int(Type::Text) << "x; y";
    QTest::newRow("thousands never grouped")
        << jsonNumber("1234567.891") << int(Type::Text) << "1234567.891";
    QTest::newRow("bool") << QJsonValue(true) << int(Type::Text) << "true";
}

void tst_CsvWriter::typedCells()
{
    QFETCH(QJsonValue, value);
    QFETCH(int, type);
    QFETCH(QString, cell);
    QCOMPARE(CsvWriter::cellText(value, Type(type)), cell);

    QJsonObject record;
    record.insert(QStringLiteral("v"), value);
    for (const char d : {',', ';'}) {
        QBuffer buffer;
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        CsvWriter w(&buffer);
        QVERIFY(w.setDelimiter(QChar::fromLatin1(d)));
        QVERIFY(w.writeRow(record, QVector<CsvWriter::Column>{{QStringLiteral("v"), Type(type)},
                                                              {QStringLiteral("v"), Type(type)}}));
        QVERIFY(w.flush());
        QCOMPARE(texts(parseOrFail(buffer.data(), d)), (QVector<QStringList>{{cell, cell}}));
    }
}

void tst_CsvWriter::moneyText_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0.0 << "0.00";
    QTest::newRow("negative zero") << -0.0 << "0.00";
    QTest::newRow("tiny negative") << -0.004 << "0.00";
    QTest::newRow("half cent up") << 0.005 << "0.01";
    QTest::newRow("1.005 as written") << 1.005 << "1.01";
    QTest::newRow("0.125") << 0.125 << "0.13";
    QTest::newRow("negative half") << -2.675 << "-2.68";
    QTest::newRow("carry") << 0.995 << "1.00";
    QTest::newRow("carry all nines") << 999.999 << "1000.00";
    QTest::newRow("sum noise") << (0.1 + 0.2) << "0.30";
    QTest::newRow("noise") << 5388564.6899999995 << "5388564.69";
    QTest::newRow("whole") << 65000.0 << "65000.00";
    QTest::newRow("big") << 1.0e15 << "1000000000000000.00";
    QTest::newRow("nan") << qQNaN() << "";
    QTest::newRow("inf") << qInf() << "";
}

void tst_CsvWriter::moneyText()
{
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(CsvWriter::moneyText(value), text);
}

void tst_CsvWriter::moneyRandomCents()
{
    // Any amount of whole cents, and its neighbouring doubles (float noise either way), is
    // written as exactly those cents, in the cell and through moneyText().
    QRandomGenerator rng(5388564);
    QJsonArray values;
    QStringList expected;
    for (int i = 0; i < 3000; ++i) {
        const qint64 cents =
            qint64(rng.bounded(2000000000)) * (i % 3 == 0 ? 1000 : 1) * (i % 2 ? -1 : 1);
        const double d = double(cents) / 100.0;
        const qint64 whole = qAbs(cents) / 100;
        const QString text = QStringLiteral("%1%2.%3")
                                 .arg(cents < 0 ? QStringLiteral("-") : QString())
                                 .arg(whole)
                                 .arg(qAbs(cents) % 100, 2, 10, QLatin1Char('0'));
        for (const double v : {d, std::nextafter(d, 1e300), std::nextafter(d, -1e300)}) {
            QCOMPARE(CsvWriter::moneyText(v), text);
            values.append(v);
            expected.append(text);
        }
    }
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    CsvWriter w(&buffer);
    for (const QJsonValue &v : values)
        QVERIFY(w.writeRow(QJsonObject{{QStringLiteral("m"), v}},
                           QVector<CsvWriter::Column>{{QStringLiteral("m"), Type::Money}}));
    QVERIFY(w.flush());
    QVector<QStringList> rows;
    for (const QString &e : expected)
        rows.append(QStringList{e});
    QCOMPARE(texts(parseOrFail(buffer.data())), rows);
}

void tst_CsvWriter::emptyVersusNull()
{
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    CsvWriter w(&buffer);
    const QJsonObject record = parseJson(R"({"a": "", "b": null, "m": null})");
    QVERIFY(w.writeRow(record, QVector<CsvWriter::Column>{{QStringLiteral("a"), Type::Text},
                                                          {QStringLiteral("b"), Type::Text},
                                                          {QStringLiteral("c"), Type::Text},
                                                          {QStringLiteral("m"), Type::Money},
                                                          {QStringLiteral("x.y"), Type::Date}}));
    QVERIFY(w.flush());
    QCOMPARE(buffer.data(), QByteArray("\"\",,,,\r\n"));
    const QVector<Row> rows = parseOrFail(buffer.data());
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.at(0).size(), 5);
    QVERIFY(rows.at(0).at(0).quoted);  // empty string
    QVERIFY(!rows.at(0).at(1).quoted); // null
    QVERIFY(!rows.at(0).at(2).quoted); // missing
    for (const Cell &c : rows.at(0))
        QVERIFY(c.text.isEmpty());
}

void tst_CsvWriter::singleColumnNullRowIsNotBlank()
{
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    CsvWriter w(&buffer);
    QVERIFY(
        w.writeRow(QJsonObject(), QVector<CsvWriter::Column>{{QStringLiteral("a"), Type::Text}}));
    QVERIFY(w.writeRow(QStringList{QString()}));
    QVERIFY(w.flush());
    const QByteArray data = buffer.data();
    QVERIFY(!data.startsWith("\r\n"));
    QVERIFY(!data.contains("\n\r\n"));
    QCOMPARE(texts(parseOrFail(data)), (QVector<QStringList>{{QString()}, {QString()}}));
}

void tst_CsvWriter::formulaGuard_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<int>("type");
    QTest::addColumn<bool>("guarded");
    QTest::newRow("equals") << QJsonValue(QStringLiteral("=1+2")) << int(Type::Text) << true;
    QTest::newRow("plus") << QJsonValue(QStringLiteral("+1")) << int(Type::Text) << true;
    QTest::newRow("minus") << QJsonValue(QStringLiteral("-abc")) << int(Type::Text) << true;
    QTest::newRow("at") << QJsonValue(QStringLiteral("@SUM(A1)")) << int(Type::Text) << true;
    QTest::newRow("tab") << QJsonValue(QStringLiteral("\tx")) << int(Type::Text) << true;
    QTest::newRow("cr") << QJsonValue(QStringLiteral("\rx")) << int(Type::Text) << true;
    QTest::newRow("code text") << QJsonValue(QStringLiteral("-NONE-")) << int(Type::Code) << true;
    QTest::newRow("inner equals") << QJsonValue(QStringLiteral("a=b")) << int(Type::Text) << false;
    QTest::newRow("plain") << QJsonValue(QStringLiteral("ACME")) << int(Type::Text) << false;
    QTest::newRow("money negative") << jsonNumber("-5") << int(Type::Money) << false;
    QTest::newRow("money string negative")
        << QJsonValue(QStringLiteral("-5.5")) << int(Type::Money) << false;
    QTest::newRow("integer negative") << jsonNumber("-3") << int(Type::Integer) << false;
    QTest::newRow("text number negative") << jsonNumber("-7.25") << int(Type::Text) << false;
    QTest::newRow("code number negative") << jsonNumber("-1") << int(Type::Code) << false;
    QTest::newRow("date") << QJsonValue(QStringLiteral("2024-01-01")) << int(Type::Date) << false;
    QTest::newRow("money text formula")
        << QJsonValue(QStringLiteral("=HYPERLINK(1)")) << int(Type::Money) << true;
}

void tst_CsvWriter::formulaGuard()
{
    QFETCH(QJsonValue, value);
    QFETCH(int, type);
    QFETCH(bool, guarded);
    const QString plain = CsvWriter::cellText(value, Type(type));
    QJsonObject record;
    record.insert(QStringLiteral("v"), value);
    for (const bool on : {true, false}) {
        QBuffer buffer;
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        CsvWriter w(&buffer);
        QCOMPARE(w.formulaGuard(), false);
        w.setFormulaGuard(on);
        QVERIFY(w.writeRow(record, QVector<CsvWriter::Column>{{QStringLiteral("v"), Type(type)}}));
        QVERIFY(w.flush());
        const QString expected = (on && guarded) ? QLatin1Char('\'') + plain : plain;
        QCOMPARE(texts(parseOrFail(buffer.data())), (QVector<QStringList>{{expected}}));
    }
}

void tst_CsvWriter::formulaGuardOnTextRows()
{
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    CsvWriter w(&buffer);
    w.setFormulaGuard(true);
    QVERIFY(w.writeRow({QStringLiteral("=cmd|' /C calc'!A0"), QStringLiteral("safe"),
                        QStringLiteral("@x"), QString()}));
    QVERIFY(w.flush());
    QCOMPARE(texts(parseOrFail(buffer.data())),
             (QVector<QStringList>{{"'=cmd|' /C calc'!A0", "safe", "'@x", ""}}));
}

void tst_CsvWriter::catalogueFieldsRow()
{
    const QJsonObject record = parseJson(R"({
        "piid": "15B0AT26F41000011", "total_contract_value": 65000,
        "recipient": {"display_name": "MCKESSON CORPORATION"},
        "awarding_office": {"agency_name": "Department, \"of\" Justice"},
        "naics_code": 541511, "award_date": "2026-08-13", "obligated": 5388564.6899999995})");
    QVector<const ContractField *> fields;
    for (const QString &p : ContractFields::defaultColumns())
        fields.append(ContractFields::find(p));
    fields.append(nullptr);
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    CsvWriter w(&buffer);
    QVERIFY(w.writeRow(record, fields));
    QVERIFY(w.flush());
    QCOMPARE(texts(parseOrFail(buffer.data())),
             (QVector<QStringList>{{"15B0AT26F41000011", "2026-08-13", "MCKESSON CORPORATION", "",
                                    "65000.00", "5388564.69", "Department, \"of\" Justice",
                                    "541511", ""}}));
}

void tst_CsvWriter::failingDevice_data()
{
    QTest::addColumn<qint64>("okBytes");
    QTest::addColumn<int>("chunk");
    QTest::newRow("full at once, big chunks") << qint64(0) << 64 * 1024;
    QTest::newRow("full at once, small chunks") << qint64(0) << 16;
    QTest::newRow("short write") << qint64(10) << 16;
    QTest::newRow("short write, big chunks") << qint64(25) << 64 * 1024;
}

void tst_CsvWriter::failingDevice()
{
    QFETCH(qint64, okBytes);
    QFETCH(int, chunk);
    FailingDevice device(okBytes);
    QVERIFY(device.open(QIODevice::WriteOnly));
    CsvWriter w(&device);
    w.setChunkSize(chunk);
    bool ok = w.writeHeader({QStringLiteral("a"), QStringLiteral("b")});
    for (int i = 0; ok && i < 100; ++i)
        ok = w.writeRow({QStringLiteral("row"), QString::number(i)});
    if (ok)
        ok = w.flush();
    QVERIFY(!ok);
    QVERIFY(w.hasError());
    QVERIFY2(w.errorString().contains(QLatin1String("No space left on device")),
             qPrintable(w.errorString()));
    QCOMPARE(w.bytesWritten(), okBytes);
    QCOMPARE(device.written().size(), okBytes);
    // Failed for good: nothing more is accepted, and the reason stays.
    const QString reason = w.errorString();
    QVERIFY(!w.writeRow({QStringLiteral("more")}));
    QVERIFY(!w.writeHeader({QStringLiteral("more")}));
    QVERIFY(!w.flush());
    QCOMPARE(w.errorString(), reason);
    QCOMPARE(device.written().size(), okBytes);
}

void tst_CsvWriter::deviceNotWritable()
{
    QBuffer closed;
    CsvWriter a(&closed);
    QVERIFY(!a.writeRow({QStringLiteral("x")}));
    QVERIFY(!a.errorString().isEmpty());

    QByteArray bytes("existing");
    QBuffer readOnly(&bytes);
    QVERIFY(readOnly.open(QIODevice::ReadOnly));
    CsvWriter b(&readOnly);
    QVERIFY(!b.writeHeader({QStringLiteral("x")}));
    QVERIFY(b.hasError());
    QCOMPARE(bytes, QByteArray("existing"));

    CsvWriter c(nullptr);
    QVERIFY(!c.writeRow({QStringLiteral("x")}));
    QVERIFY(!c.flush());
    QVERIFY(!c.errorString().isEmpty());
}

void tst_CsvWriter::deviceClosedUnderWriter()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    auto w = std::make_unique<CsvWriter>(&buffer);
    QVERIFY(w->writeRow({QStringLiteral("pending")}));
    buffer.close();
    QVERIFY(!w->flush());
    QVERIFY(!w->errorString().isEmpty());
    w.reset(); // the destructor does not write to the closed device either
    QCOMPARE(buffer.data(), QByteArray());

    // A device deleted while the writer lives is noticed, not dereferenced.
    auto owned = std::make_unique<QBuffer>();
    QVERIFY(owned->open(QIODevice::WriteOnly));
    CsvWriter v(owned.get());
    QVERIFY(v.writeRow({QStringLiteral("x")}));
    owned.reset();
    QVERIFY(!v.flush());
    QVERIFY(!v.writeRow({QStringLiteral("y")}));
}

void tst_CsvWriter::chunkedOutput()
{
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    CsvWriter w(&buffer);
    w.setChunkSize(64);
    for (int i = 0; i < 20; ++i)
        QVERIFY(w.writeRow({QStringLiteral("row %1").arg(i), QStringLiteral("ünïcødé")}));
    // Data reached the device before any explicit flush, in chunks of at least 64 bytes.
    QVERIFY(buffer.data().size() >= 64);
    QCOMPARE(w.bytesWritten(), buffer.data().size());
    QVERIFY(w.pendingBytes() < 64);
    QVERIFY(w.flush());
    QCOMPARE(w.pendingBytes(), 0);
    QCOMPARE(w.bytesWritten(), buffer.data().size());
    QCOMPARE(parseOrFail(buffer.data()).size(), 20);
}

void tst_CsvWriter::destructorFlushes()
{
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    {
        CsvWriter w(&buffer);
        QVERIFY(w.writeRow({QStringLiteral("kept")}));
        QCOMPARE(buffer.data().size(), 0); // still buffered
    }
    QCOMPARE(buffer.data(), QByteArray("kept\r\n"));
}

void tst_CsvWriter::loneSurrogate()
{
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    {
        CsvWriter w(&buffer);
        const QChar high(char16_t(0xD83D));
        QVERIFY(w.writeRow({QStringLiteral("a") + high, QString(high) + QStringLiteral("b")}));
    }
    QCOMPARE(buffer.data(), QByteArray("a\xEF\xBF\xBD,\xEF\xBF\xBD"
                                       "b\r\n"));
    QCOMPARE(parseOrFail(buffer.data()).size(), 1); // valid UTF-8
}

void tst_CsvWriter::randomRoundTrip()
{
    QRandomGenerator rng(4180);
    const QString alphabet = QStringLiteral("ab ,;\t\"\r\n'=-+@éß€日");
    for (const char d : {',', ';', '\t'}) {
        QBuffer buffer;
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        CsvWriter w(&buffer);
        QVERIFY(w.setDelimiter(QChar::fromLatin1(d)));
        w.setChunkSize(int(rng.bounded(1, 300)));
        QVector<QStringList> expected;
        for (int r = 0; r < 300; ++r) {
            QStringList row;
            for (int c = 0; c < 6; ++c) {
                QString cell;
                const int len = int(rng.bounded(0, 12));
                for (int k = 0; k < len; ++k) {
                    if (rng.bounded(10) == 0) {
                        static const char32_t astral[] = {U'\U0001F680', U'\U0001F44D',
                                                          U'\U0001D11E'};
                        cell += QString::fromUcs4(&astral[rng.bounded(3)], 1);
                    } else {
                        cell += alphabet.at(int(rng.bounded(int(alphabet.size()))));
                    }
                }
                row.append(cell);
            }
            QVERIFY(w.writeRow(row));
            expected.append(row);
        }
        QVERIFY(w.flush());
        QCOMPARE(texts(parseOrFail(buffer.data(), d)), expected);
    }
}

QTEST_GUILESS_MAIN(tst_CsvWriter)
#include "tst_CsvWriter.moc"
