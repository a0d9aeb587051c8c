#include "contracts/ContractFields.h"
#include "export/RecordPicker.h"
#include "util/JsonReader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace tango;

class tst_RecordPicker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Every value must be the one ContractFields::valueAt finds in the parsed record.
    void sameAsValueAt_data()
    {
        QTest::addColumn<QByteArray>("records");
        QTest::newRow("nested") << QByteArray(
            "[{\"key\":\"K1\",\"recipient\":{\"display_name\":\"Acme\",\"uei\":\"U1\"},"
            "\"obligated\":5388564.6899999995,\"naics_code\":541511}]");
        QTest::newRow("null and missing parents")
            << QByteArray("[{\"recipient\":null},{\"recipient\":\"flat text\"},{\"other\":1},{}]");
        QTest::newRow("flat keys") << QByteArray(
            "[{\"recipient.display_name\":\"Flat\",\"recipient.uei\":null,\"key\":\"K\"}]");
        QTest::newRow("nested wins over flat") << QByteArray(
            "[{\"recipient.display_name\":\"Flat\",\"recipient\":{\"display_name\":\"Nested\"}}]");
        QTest::newRow("repeated keys")
            << QByteArray("[{\"key\":\"first\",\"key\":\"second\",\"recipient\":{\"uei\":\"a\"},"
                          "\"recipient\":{\"display_name\":\"b\"}}]");
        QTest::newRow("not objects") << QByteArray("[1,\"s\",null,[{\"key\":\"x\"}],true]");
        QTest::newRow("escaped keys")
            << QByteArray("[{\"k\\u0065y\":\"E\",\"recipient\":{\"display\\u005fname\":"
                          "\"D\\u00e9j\\u00e0 \\ud83d\\ude00\"}}]");
        QTest::newRow("deep values") << QByteArray(
            "[{\"a\":{\"b\":{\"c\":[1,{\"d\":2}],\"e\":{\"f\":null}}},\"key\":{\"nested\":true}}]");
    }
    void sameAsValueAt()
    {
        QFETCH(QByteArray, records);
        const QStringList paths = {
            QStringLiteral("key"),       QStringLiteral("recipient.display_name"),
            QStringLiteral("recipient"), QStringLiteral("recipient.uei"),
            QStringLiteral("obligated"), QStringLiteral("naics_code"),
            QStringLiteral("a.b.c"),     QStringLiteral("a.b.e.f"),
            QStringLiteral("a.b.e.f.g"), QStringLiteral("a"),
            QStringLiteral("missing.x"), QStringLiteral("key"),
            QStringLiteral("")};
        const QJsonArray expected = QJsonDocument::fromJson(records).array();
        QVERIFY(!expected.isEmpty());

        RecordPicker picker(paths);
        JsonReader r(std::string_view(records.constData(), size_t(records.size())));
        QVERIFY(r.beginArray());
        bool first = true;
        int i = 0;
        QVector<QJsonValue> values;
        while (r.nextElement(&first) == JsonReader::Step::Item) {
            QVERIFY(picker.pick(r, &values));
            QCOMPARE(values.size(), paths.size());
            const QJsonObject record = expected.at(i).toObject();
            for (int c = 0; c < paths.size(); ++c) {
                const QJsonValue want = ContractFields::valueAt(record, paths.at(c));
                QVERIFY2(
                    values.at(c) == want && values.at(c).type() == want.type(),
                    qPrintable(QStringLiteral("record %1, path '%2'").arg(i).arg(paths.at(c))));
            }
            ++i;
        }
        QVERIFY(r.finish());
        QCOMPARE(i, int(expected.size()));
    }

    void badRecord()
    {
        RecordPicker picker({QStringLiteral("key")});
        QVector<QJsonValue> values;
        const QByteArray bad = "{\"key\":\"a\",\"x\":[1,}";
        JsonReader r(std::string_view(bad.constData(), size_t(bad.size())));
        QVERIFY(!picker.pick(r, &values));
        QVERIFY(r.hasError());
    }
};

QTEST_GUILESS_MAIN(tst_RecordPicker)
#include "tst_RecordPicker.moc"
