#include "api/ListPage.h"

#include "RecordedCassettes.h"

#include <QDir>

#include <QJsonDocument>
#include <QtTest>

using namespace tango;

namespace {
QJsonObject obj(const char *json)
{
    QJsonParseError err;
    const QJsonDocument d = QJsonDocument::fromJson(QByteArray(json), &err);
    if (!d.isObject())
        qFatal("bad test JSON: %s", qPrintable(err.errorString()));
    return d.object();
}
} // namespace

class tst_ListPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cursorPage()
    {
        QString error = QStringLiteral("stale");
        const auto page = ListPage::fromJson(
            obj("{\n"
                "            \"count\": 86157384,\n"
                "            \"next\": "
                "\"https://tango.makegov.com/api/contracts/?cursor=abc%3D&limit=2\",\n"
                "            \"previous\": null, \"cursor\": \"abc=\", \"previous_cursor\": null,\n"
                "            \"results\": [{\"key\": \"A\"}, {\"key\": \"B\"}]}"),
            &error);
        QVERIFY(page);
        QVERIFY(error.isEmpty());
        QCOMPARE(page->style(), ListPage::Style::Cursor);
        QCOMPARE(page->count(), std::optional<qint64>(86157384));
        QCOMPARE(page->cursor(), QStringLiteral("abc="));
        QVERIFY(page->previousCursor().isEmpty());
        QCOMPARE(page->next().host(), QStringLiteral("tango.makegov.com"));
        QVERIFY(!page->previous().isValid());
        QVERIFY(page->hasNext());
        QCOMPARE(page->results().size(), 2);
        QCOMPARE(page->results().at(1).toObject().value(QLatin1String("key")).toString(),
                 QStringLiteral("B"));
        QVERIFY(page->warnings().isEmpty());
    }

    void lastCursorPageHasNoNext()
    {
        const auto page = ListPage::fromJson(
            obj("{\"count\": 0, \"next\": null, \"previous\": null,\n"
                "            \"cursor\": null, \"previous_cursor\": null, \"results\": []}"));
        QVERIFY(page);
        QCOMPARE(page->style(), ListPage::Style::Cursor); // decided by the key, even when null
        QVERIFY(!page->hasNext());
        QCOMPARE(page->count(), std::optional<qint64>(0));
        QVERIFY(page->results().isEmpty());
    }

    void pageNumberPage()
    {
        const auto page = ListPage::fromJson(
            obj("{\"count\": 3, \n"
                "            \"next\": \"https://tango.makegov.com/api/entities/?page=3\",\n"
                "            \"previous\": \"https://tango.makegov.com/api/entities/?page=1\",\n"
                "            \"results\": [{\"uei\": \"X\"}]}"));
        QVERIFY(page);
        QCOMPARE(page->style(), ListPage::Style::PageNumber);
        QVERIFY(page->hasNext());
        QVERIFY(page->cursor().isEmpty());
        QCOMPARE(QUrlQuery(page->previous()).queryItemValue(QStringLiteral("page")),
                 QStringLiteral("1"));
    }

    void countMayBeMissing()
    {
        const auto page = ListPage::fromJson(obj("{\"results\": [], \"next\": null}"));
        QVERIFY(page);
        QCOMPARE(page->count(), std::nullopt);
        const auto nullCount = ListPage::fromJson(obj("{\"results\": [], \"count\": null}"));
        QVERIFY(nullCount);
        QCOMPARE(nullCount->count(), std::nullopt);
    }

    void metaWarnings()
    {
        const auto page =
            ListPage::fromJson(obj("{\"results\": [], \"meta\": {\n"
                                   "            \"warnings\": [\"Agency 'HUD' matched 2 "
                                   "agencies\", {\"message\": \"Deprecated field\"}, 7, \"\"],\n"
                                   "            \"agency\": {\"resolved\": \"8600\"}}}"));
        QVERIFY(page);
        QCOMPARE(page->warnings(), QStringList({QStringLiteral("Agency 'HUD' matched 2 agencies"),
                                                QStringLiteral("Deprecated field")}));
        QVERIFY(page->meta().contains(QLatin1String("agency")));
        const auto single =
            ListPage::fromJson(obj("{\"results\": [], \"meta\": {\"warnings\": \"one\"}}"));
        QVERIFY(single);
        QCOMPARE(single->warnings(), QStringList{QStringLiteral("one")});
    }

    // Every recorded list body of the real API parses, with the paging style its endpoint is
    // documented to use (REFERENCE 3.4: contracts, idvs, otas and otidvs are keyset-paged).
    void recordedListBodies_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QJsonObject>("body");
        if (RecordedCassettes::dir().isEmpty())
            QSKIP("no shared folder with recorded responses");
        bool ok = false;
        const auto recorded = RecordedCassettes::interactions(&ok);
        QVERIFY(ok);
        int rows = 0;
        for (const auto &x : recorded) {
            const QJsonObject body = x.response.value(QLatin1String("body")).toObject();
            if (x.response.value(QLatin1String("status")).toInt() != 200 ||
                !body.contains(QLatin1String("results")))
                continue; // detail objects and errors
            QTest::addRow("%s#%d", qPrintable(x.file), x.index)
                << x.request.value(QLatin1String("url")).toString() << body;
            ++rows;
        }
        if (rows == 0)
            QSKIP("no recorded list responses");
    }
    void recordedListBodies()
    {
        QFETCH(QString, url);
        QFETCH(QJsonObject, body);
        QString error;
        const auto page = ListPage::fromJson(body, &error);
        QVERIFY2(page, qPrintable(error));
        const QString path = QUrl(url).path();
        const bool keyset =
            QRegularExpression(QStringLiteral("^/api/(contracts|idvs|otas|otidvs)/$"))
                .match(path)
                .hasMatch();
        if (keyset)
            QCOMPARE(page->style(), ListPage::Style::Cursor);
        else if (QRegularExpression(QStringLiteral("^/api/[a-z_]+/$")).match(path).hasMatch())
            QCOMPARE(page->style(), ListPage::Style::PageNumber);
        QCOMPARE(page->results().size(), body.value(QLatin1String("results")).toArray().size());
        QCOMPARE(page->hasNext(), !body.value(QLatin1String("next")).isNull());
        QCOMPARE(page->count(),
                 std::optional<qint64>(body.value(QLatin1String("count")).toInteger()));
        if (page->hasNext() && page->style() == ListPage::Style::Cursor)
            QCOMPARE(QUrlQuery(page->next())
                         .queryItemValue(QStringLiteral("cursor"), QUrl::FullyDecoded),
                     page->cursor());
    }

    void rejectsMalformedEnvelopes_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("no results") << QByteArray("{\"count\": 1}") << QStringLiteral("results");
        QTest::newRow("empty object") << QByteArray("{}") << QStringLiteral("results");
        QTest::newRow("detail object")
            << QByteArray("{\"key\": \"A\", \"piid\": \"X\"}") << QStringLiteral("results");
        QTest::newRow("results object")
            << QByteArray("{\"results\": {\"a\": 1}}") << QStringLiteral("results");
        QTest::newRow("results null")
            << QByteArray("{\"results\": null}") << QStringLiteral("results");
        QTest::newRow("result not object")
            << QByteArray("{\"results\": [{\"a\":1}, 5]}") << QStringLiteral("2");
        QTest::newRow("count string")
            << QByteArray("{\"results\": [], \"count\": \"12\"}") << QStringLiteral("count");
        QTest::newRow("count negative")
            << QByteArray("{\"results\": [], \"count\": -1}") << QStringLiteral("count");
        QTest::newRow("count fraction")
            << QByteArray("{\"results\": [], \"count\": 1.5}") << QStringLiteral("count");
        QTest::newRow("next number")
            << QByteArray("{\"results\": [], \"next\": 2}") << QStringLiteral("next");
        QTest::newRow("next bad url")
            << QByteArray("{\"results\": [], \"next\": \"http://exa mple.com/%zz\"}")
            << QStringLiteral("next");
        QTest::newRow("previous object")
            << QByteArray("{\"results\": [], \"previous\": {}}") << QStringLiteral("previous");
        QTest::newRow("cursor number")
            << QByteArray("{\"results\": [], \"cursor\": 5}") << QStringLiteral("cursor");
        QTest::newRow("previous_cursor bool")
            << QByteArray("{\"results\": [], \"cursor\": null, \"previous_cursor\": true}")
            << QStringLiteral("previous_cursor");
        QTest::newRow("meta array")
            << QByteArray("{\"results\": [], \"meta\": []}") << QStringLiteral("meta");
    }
    void rejectsMalformedEnvelopes()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        QString error;
        const auto page = ListPage::fromJson(obj(json.constData()), &error);
        QVERIFY(!page);
        QVERIFY2(error.contains(mentions), qPrintable(error));
        // Without an error pointer it must fail the same way, not crash.
        QVERIFY(!ListPage::fromJson(obj(json.constData())));
    }
};

QTEST_GUILESS_MAIN(tst_ListPage)
#include "tst_ListPage.moc"
