// Replays the recorded real API responses (shared/tango-api/cassettes) through the client's
// parsing code. The recordings are read at run time only; the expectations below come from
// the API reference, never from copying the files.
#include "TestPaths.h"
#include "api/ApiError.h"
#include "api/ListPage.h"
#include "api/RateLimitSnapshot.h"
#include "contracts/ContractFields.h"
#include "contracts/ContractQuery.h"
#include "export/CsvWriter.h"

#include <QBuffer>
#include <QDate>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QUrlQuery>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>

using namespace tango;

namespace {

struct Interaction
{
    QString file;
    int index = 0;
    QUrl url;
    int status = 0;
    QJsonObject headers;
    QJsonValue body;
};

// Query items exactly as recorded: encoded name and value, in order.
QList<QPair<QString, QString>> encodedItems(const QUrl &url)
{
    QList<QPair<QString, QString>> items;
    const QString query = url.query(QUrl::FullyEncoded);
    if (query.isEmpty())
        return items;
    for (const QString &part : query.split(QLatin1Char('&'))) {
        const qsizetype eq = part.indexOf(QLatin1Char('='));
        items.append({eq < 0 ? part : part.left(eq), eq < 0 ? QString() : part.mid(eq + 1)});
    }
    return items;
}

QString decoded(const QString &encoded)
{
    return QUrl::fromPercentEncoding(encoded.toLatin1());
}

QString recordedItem(const QUrl &url, const QString &name)
{
    for (const auto &item : encodedItems(url)) {
        if (item.first == name)
            return decoded(item.second);
    }
    return QString();
}

// "key,recipient(display_name,uei),status(*)" -> key, recipient.display_name, ...
QStringList shapePaths(const QString &shape, const QString &prefix = QString())
{
    QStringList paths;
    int depth = 0;
    qsizetype start = 0;
    auto term = [&](QString t) {
        t = t.trimmed();
        if (t.isEmpty())
            return;
        const qsizetype open = t.indexOf(QLatin1Char('('));
        if (open < 0) {
            paths.append(prefix + t);
            return;
        }
        const QString name = t.left(open);
        paths += shapePaths(t.mid(open + 1, t.size() - open - 2), prefix + name + QLatin1Char('.'));
    };
    for (qsizetype i = 0; i < shape.size(); ++i) {
        const QChar c = shape.at(i);
        if (c == QLatin1Char('('))
            ++depth;
        else if (c == QLatin1Char(')'))
            --depth;
        else if (c == QLatin1Char(',') && depth == 0) {
            term(shape.mid(start, i - start));
            start = i + 1;
        }
    }
    term(shape.mid(start));
    return paths;
}

RateLimitSnapshot::RawHeaders rawHeaders(const QJsonObject &headers)
{
    RateLimitSnapshot::RawHeaders raw;
    for (auto it = headers.begin(); it != headers.end(); ++it)
        raw.append({it.key().toLatin1(), it.value().toString().toLatin1()});
    return raw;
}

bool isKeysetPath(const QString &path)
{
    // REFERENCE §3.4: contracts, IDVs, OTAs and OTIDVs are keyset-paged.
    for (const char *p : {"/api/contracts/", "/api/idvs/", "/api/otas/", "/api/otidvs/"}) {
        if (path == QLatin1String(p))
            return true;
    }
    return false;
}

} // namespace

class tst_Conformance : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void listEnvelopes_data();
    void listEnvelopes();
    void nonEnvelopesRejected();
    void cursorChain();
    void emptyPages();
    void shapeMatchesCatalogue_data();
    void shapeMatchesCatalogue();
    void shapeFieldsReadable_data();
    void shapeFieldsReadable();
    void queryReproducesRecordedRequests_data();
    void queryReproducesRecordedRequests();
    void filterCassetteQuery();
    void errorClassification();
    void rateLimitHeaders_data();
    void rateLimitHeaders();
    void vehicleMoneyThroughCsv();
    void codesNumberOrString();

private:
    QVector<Interaction> interactionsOf(const QString &file) const;
    QVector<Interaction> m_all;
    QString m_dir;
};

void tst_Conformance::initTestCase()
{
    const QString shared = sharedDir();
    m_dir = shared.isEmpty() ? QString() : shared + QStringLiteral("/tango-api/cassettes");
    if (m_dir.isEmpty() || !QDir(m_dir).exists())
        QSKIP("Recorded API responses not found: set TANGO_SHARED_DIR to the shared folder "
              "holding tango-api/cassettes to run the conformance test.");
    const QStringList files =
        QDir(m_dir).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    QVERIFY2(files.size() >= 40, "fewer cassettes than documented");
    for (const QString &f : files) {
        QFile file(m_dir + QLatin1Char('/') + f);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(f));
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &err);
        QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(f));
        const QJsonArray interactions = doc.object().value(QLatin1String("interactions")).toArray();
        QVERIFY2(!interactions.isEmpty(), qPrintable(f));
        for (int i = 0; i < interactions.size(); ++i) {
            const QJsonObject o = interactions.at(i).toObject();
            const QJsonObject req = o.value(QLatin1String("request")).toObject();
            const QJsonObject resp = o.value(QLatin1String("response")).toObject();
            Interaction x;
            x.file = f;
            x.index = i;
            x.url = QUrl(req.value(QLatin1String("url")).toString(), QUrl::StrictMode);
            QVERIFY2(x.url.isValid(), qPrintable(f));
            x.status = resp.value(QLatin1String("status")).toInt();
            x.headers = resp.value(QLatin1String("headers")).toObject();
            x.body = resp.value(QLatin1String("body"));
            m_all.append(x);
        }
    }
}

QVector<Interaction> tst_Conformance::interactionsOf(const QString &file) const
{
    QVector<Interaction> out;
    for (const Interaction &x : m_all) {
        if (x.file == file)
            out.append(x);
    }
    return out;
}

void tst_Conformance::listEnvelopes_data()
{
    QTest::addColumn<int>("which");
    int lists = 0;
    for (int i = 0; i < m_all.size(); ++i) {
        const Interaction &x = m_all.at(i);
        if (x.status == 200 && x.body.toObject().contains(QLatin1String("results"))) {
            QTest::newRow(qPrintable(QStringLiteral("%1#%2").arg(x.file).arg(x.index))) << i;
            ++lists;
        }
    }
    if (!m_all.isEmpty())
        QVERIFY(lists >= 35);
}

void tst_Conformance::listEnvelopes()
{
    QFETCH(int, which);
    const Interaction &x = m_all.at(which);
    const QJsonObject body = x.body.toObject();
    QString error;
    const auto page = ListPage::fromJson(body, &error);
    QVERIFY2(page, qPrintable(error));

    const bool keyset = isKeysetPath(x.url.path());
    QCOMPARE(page->style(), keyset ? ListPage::Style::Cursor : ListPage::Style::PageNumber);
    QCOMPARE(body.contains(QLatin1String("cursor")), keyset);

    QCOMPARE(page->results().size(), body.value(QLatin1String("results")).toArray().size());
    QVERIFY(page->count().has_value());
    QCOMPARE(double(*page->count()), body.value(QLatin1String("count")).toDouble());
    QVERIFY(*page->count() >= page->results().size());

    const bool hasNextLink = body.value(QLatin1String("next")).isString();
    QCOMPARE(page->next().isValid(), hasNextLink);
    QCOMPARE(page->hasNext(), hasNextLink);
    QCOMPARE(page->previous().isValid(), body.value(QLatin1String("previous")).isString());
    if (hasNextLink) {
        QCOMPARE(page->next().host(), x.url.host());
        QCOMPARE(page->next().path(), x.url.path());
    }
    if (keyset) {
        // The cursor equals the `cursor` item of `next` (REFERENCE §3.1).
        QCOMPARE(page->cursor(), recordedItem(page->next(), QStringLiteral("cursor")));
        QCOMPARE(page->previousCursor(), recordedItem(page->previous(), QStringLiteral("cursor")));
    } else {
        QVERIFY(page->cursor().isEmpty());
        // Page-number pages from page 1 link to page 2 (REFERENCE §3.2).
        if (hasNextLink && recordedItem(x.url, QStringLiteral("page")) == QLatin1String("1"))
            QCOMPARE(recordedItem(page->next(), QStringLiteral("page")), QStringLiteral("2"));
    }
}

void tst_Conformance::nonEnvelopesRejected()
{
    int checked = 0;
    for (const Interaction &x : m_all) {
        const QJsonObject body = x.body.toObject();
        if (body.contains(QLatin1String("results")))
            continue;
        QString error;
        QVERIFY2(!ListPage::fromJson(body, &error), qPrintable(x.file));
        QVERIFY(!error.isEmpty());
        ++checked;
    }
    QVERIFY(checked >= 4); // three details and the two error bodies, at least
}

void tst_Conformance::cursorChain()
{
    const auto chain = interactionsOf(QStringLiteral("contracts-cursor.json"));
    QCOMPARE(chain.size(), 2);
    const auto first = ListPage::fromJson(chain.at(0).body.toObject());
    const auto second = ListPage::fromJson(chain.at(1).body.toObject());
    QVERIFY(first && second);

    QCOMPARE(first->style(), ListPage::Style::Cursor);
    QVERIFY(!first->previous().isValid());
    QVERIFY(first->previousCursor().isEmpty());
    QVERIFY(!first->cursor().isEmpty());
    QVERIFY(first->hasNext());

    // The second request sent the first page's cursor, and nothing else changed.
    QCOMPARE(recordedItem(chain.at(1).url, QStringLiteral("cursor")), first->cursor());
    for (const char *name : {"limit", "shape"})
        QCOMPARE(recordedItem(chain.at(1).url, QLatin1String(name)),
                 recordedItem(chain.at(0).url, QLatin1String(name)));

    QVERIFY(second->previous().isValid());
    QVERIFY(!second->previousCursor().isEmpty());
    QCOMPARE(recordedItem(second->previous(), QStringLiteral("cursor")), second->previousCursor());
    QVERIFY(second->cursor() != first->cursor());
    QCOMPARE(second->count(), first->count());

    // Walking on through the `next` link keeps the query the page came from.
    const QUrl next = first->next();
    QCOMPARE(recordedItem(next, QStringLiteral("shape")),
             recordedItem(chain.at(0).url, QStringLiteral("shape")));
}

void tst_Conformance::emptyPages()
{
    const auto contracts = interactionsOf(QStringLiteral("contracts-empty.json"));
    QCOMPARE(contracts.size(), 1);
    const auto page = ListPage::fromJson(contracts.first().body.toObject());
    QVERIFY(page);
    QCOMPARE(page->style(), ListPage::Style::Cursor);
    QCOMPARE(page->count(), std::optional<qint64>(0));
    QVERIFY(page->results().isEmpty());
    QVERIFY(!page->next().isValid());
    QVERIFY(!page->previous().isValid());
    QVERIFY(page->cursor().isEmpty());
    QVERIFY(page->previousCursor().isEmpty());
    QVERIFY(!page->hasNext());

    const auto entities = interactionsOf(QStringLiteral("edge-entities-empty.json"));
    QCOMPARE(entities.size(), 1);
    const auto e = ListPage::fromJson(entities.first().body.toObject());
    QVERIFY(e);
    QCOMPARE(e->style(), ListPage::Style::PageNumber);
    QCOMPARE(e->count(), std::optional<qint64>(0));
    QVERIFY(e->results().isEmpty());
    QVERIFY(!e->hasNext());
}

void tst_Conformance::shapeMatchesCatalogue_data()
{
    QTest::addColumn<int>("which");
    for (int i = 0; i < m_all.size(); ++i) {
        const Interaction &x = m_all.at(i);
        if (!recordedItem(x.url, QStringLiteral("shape")).isEmpty())
            QTest::newRow(qPrintable(QStringLiteral("%1#%2").arg(x.file).arg(x.index))) << i;
    }
}

void tst_Conformance::shapeMatchesCatalogue()
{
    QFETCH(int, which);
    const Interaction &x = m_all.at(which);
    const QString shape = recordedItem(x.url, QStringLiteral("shape"));
    const QStringList paths = shapePaths(shape);
    QVERIFY(!paths.isEmpty());
    QCOMPARE(ContractFields::shapeFor(paths), shape);
}

void tst_Conformance::shapeFieldsReadable_data()
{
    QTest::addColumn<int>("which");
    for (int i = 0; i < m_all.size(); ++i) {
        const Interaction &x = m_all.at(i);
        if (x.file.startsWith(QLatin1String("contracts-")) && x.status == 200)
            QTest::newRow(qPrintable(QStringLiteral("%1#%2").arg(x.file).arg(x.index))) << i;
    }
}

void tst_Conformance::shapeFieldsReadable()
{
    QFETCH(int, which);
    const Interaction &x = m_all.at(which);
    const QStringList paths = shapePaths(recordedItem(x.url, QStringLiteral("shape")));
    const auto page = ListPage::fromJson(x.body.toObject());
    QVERIFY(page);
    for (const QJsonValue &r : page->results()) {
        const QJsonObject record = r.toObject();
        for (const QString &path : paths) {
            const ContractField *f = ContractFields::find(path);
            QVERIFY2(f, qPrintable(QStringLiteral("%1 is not in the catalogue").arg(path)));
            const QJsonValue v = ContractFields::valueAt(record, path);
            QVERIFY2(!v.isUndefined(), qPrintable(QStringLiteral("%1 missing").arg(path)));
            if (v.isNull())
                continue;
            switch (f->type) {
            case ContractField::Type::Money:
                QVERIFY2(v.isDouble(), qPrintable(path)); // REFERENCE §5.6: a JSON number
                QVERIFY(ContractFields::number(v).has_value());
                QVERIFY(!CsvWriter::moneyText(*ContractFields::number(v)).isEmpty());
                break;
            case ContractField::Type::Integer: {
                const auto n = ContractFields::number(v);
                QVERIFY2(n && std::floor(*n) == *n, qPrintable(path));
                QCOMPARE(ContractFields::text(v), QString::number(qint64(*n)));
                break;
            }
            case ContractField::Type::Date:
                QVERIFY2(QDate::fromString(ContractFields::text(v), Qt::ISODate).isValid(),
                         qPrintable(path));
                break;
            case ContractField::Type::Code:
                QVERIFY(!ContractFields::code(v).isEmpty());
                break;
            case ContractField::Type::Text:
                QVERIFY2(!ContractFields::text(v).isEmpty() || v.toString().isEmpty(),
                         qPrintable(path));
                break;
            }
        }
        const QString key =
            ContractFields::text(ContractFields::valueAt(record, QStringLiteral("key")));
        QVERIFY(key.startsWith(QLatin1String("CONT_")));
    }
}

void tst_Conformance::queryReproducesRecordedRequests_data()
{
    QTest::addColumn<int>("which");
    for (int i = 0; i < m_all.size(); ++i) {
        const Interaction &x = m_all.at(i);
        if (x.url.path() == QLatin1String("/api/contracts/"))
            QTest::newRow(qPrintable(QStringLiteral("%1#%2").arg(x.file).arg(x.index))) << i;
    }
}

void tst_Conformance::queryReproducesRecordedRequests()
{
    QFETCH(int, which);
    const Interaction &x = m_all.at(which);
    ContractQuery q;
    QString cursor;
    for (const auto &item : encodedItems(x.url)) {
        const QString value = decoded(item.second);
        if (item.first == QLatin1String("search"))
            q.setSearch(value);
        else if (item.first == QLatin1String("ordering"))
            q.setOrdering(value);
        else if (item.first == QLatin1String("limit"))
            q.setLimit(value.toInt());
        else if (item.first == QLatin1String("shape"))
            q.setFields(shapePaths(value));
        else if (item.first == QLatin1String("cursor"))
            cursor = value;
        else
            q.setFilter(item.first, value);
    }
    QVERIFY2(q.isValid(), qPrintable(q.validate().join(QLatin1Char('\n'))));

    // Same items, same encoding (the recorder sorts by name; so do we, here).
    auto recorded = encodedItems(x.url);
    QUrl ours(QStringLiteral("https://tango.makegov.com/api/contracts/"));
    ours.setQuery(q.toUrlQuery(cursor));
    auto built = encodedItems(ours);
    std::sort(recorded.begin(), recorded.end());
    std::sort(built.begin(), built.end());
    QCOMPARE(built, recorded);
}

void tst_Conformance::filterCassetteQuery()
{
    const auto filter = interactionsOf(QStringLiteral("contracts-filter.json"));
    QCOMPARE(filter.size(), 1);
    const QUrl url = filter.first().url;
    // Built the way the filter panel would: typed filters and chosen columns.
    ContractQuery q;
    q.setFilter(QStringLiteral("award_date_gte"),
                recordedItem(url, QStringLiteral("award_date_gte")));
    q.setFilter(QStringLiteral("fiscal_year"), recordedItem(url, QStringLiteral("fiscal_year")));
    q.setLimit(recordedItem(url, QStringLiteral("limit")).toInt());
    q.setFields(
        {QStringLiteral("piid"), QStringLiteral("award_date"), QStringLiteral("fiscal_year")});
    QVERIFY(q.isValid());
    const QUrlQuery built = q.toUrlQuery();
    for (const char *name : {"award_date_gte", "fiscal_year", "limit", "shape"}) {
        QCOMPARE(built.queryItemValue(QLatin1String(name), QUrl::FullyEncoded), [&] {
            for (const auto &item : encodedItems(url)) {
                if (item.first == QLatin1String(name))
                    return item.second;
            }
            return QString();
        }());
    }
    QCOMPARE(built.queryItems().size(), encodedItems(url).size());
    // The results honour the filters.
    const auto page = ListPage::fromJson(filter.first().body.toObject());
    QVERIFY(page && !page->results().isEmpty());
    const QDate from = QDate::fromString(q.filter(QStringLiteral("award_date_gte")), Qt::ISODate);
    for (const QJsonValue &r : page->results()) {
        const QJsonObject o = r.toObject();
        QVERIFY(QDate::fromString(ContractFields::text(o.value(QLatin1String("award_date"))),
                                  Qt::ISODate) >= from);
        QCOMPARE(ContractFields::text(o.value(QLatin1String("fiscal_year"))),
                 q.filter(QStringLiteral("fiscal_year")));
    }
}

void tst_Conformance::errorClassification()
{
    const auto notFound = interactionsOf(QStringLiteral("edge-contract-404.json"));
    QCOMPARE(notFound.size(), 1);
    QCOMPARE(notFound.first().status, 404);
    const ApiError e404 = ApiError::fromHttp(
        404, QJsonDocument(notFound.first().body.toObject()).toJson(), notFound.first().url);
    QCOMPARE(e404.kind(), ApiError::Kind::NotFound);
    QCOMPARE(e404.httpStatus(), 404);
    QVERIFY(!e404.isTransient());
    // REFERENCE §8.1 documents this body.
    QCOMPARE(e404.serverMessage(), QStringLiteral("No Contract matches the given query."));

    const auto badOrdering = interactionsOf(QStringLiteral("edge-vehicles-bad-ordering.json"));
    QCOMPARE(badOrdering.size(), 1);
    QCOMPARE(badOrdering.first().status, 400);
    const ApiError e400 = ApiError::fromHttp(
        400, QJsonDocument(badOrdering.first().body.toObject()).toJson(), badOrdering.first().url);
    QCOMPARE(e400.kind(), ApiError::Kind::BadRequest);
    QVERIFY(!e400.isTransient());
    QVERIFY2(e400.serverMessage().startsWith(QLatin1String("Invalid ordering value(s)")),
             qPrintable(e400.serverMessage()));
    // The message names the value the request sent.
    const QString sent = recordedItem(badOrdering.first().url, QStringLiteral("ordering"));
    QVERIFY(!sent.isEmpty());
    QVERIFY(e400.serverMessage().contains(sent));

    // Our own validation would have stopped the same mistake for contracts before sending.
    ContractQuery q;
    q.setOrdering(sent);
    QCOMPARE(q.validate().size(), 1);
}

void tst_Conformance::rateLimitHeaders_data()
{
    QTest::addColumn<int>("which");
    for (int i = 0; i < m_all.size(); ++i) {
        const Interaction &x = m_all.at(i);
        QTest::newRow(qPrintable(QStringLiteral("%1#%2").arg(x.file).arg(x.index))) << i;
    }
}

void tst_Conformance::rateLimitHeaders()
{
    QFETCH(int, which);
    const Interaction &x = m_all.at(which);
    const QDateTime at = QDateTime(QDate(2026, 8, 14), QTime(17, 15), Qt::UTC);
    const RateLimitSnapshot s = RateLimitSnapshot::fromHeaders(rawHeaders(x.headers), 5000, at);
    QVERIFY(!s.isEmpty());
    auto header = [&](const char *name) {
        return x.headers.value(QLatin1String(name)).toString().toLongLong();
    };
    for (const char *name : {"burst", "daily"}) {
        const RateLimitWindow *w = s.window(QLatin1String(name));
        QVERIFY2(w, name);
        QVERIFY(w->limit && w->remaining && w->resetSeconds);
        const QByteArray prefix = QByteArray("x-ratelimit-") + name;
        QCOMPARE(*w->limit, header(prefix + "-limit"));
        QCOMPARE(*w->remaining, header(prefix + "-remaining"));
        QCOMPARE(*w->resetSeconds, header(prefix + "-reset"));
        QVERIFY(*w->remaining <= *w->limit);
        QVERIFY(!w->isExhausted());
        QCOMPARE(s.msUntilReset(*w, 5000), std::optional<qint64>(*w->resetSeconds * 1000));
    }
    QVERIFY(s.window(QStringLiteral("BURST"))); // case-insensitive lookup
    QVERIFY(s.overall().limit.has_value());
    QCOMPARE(*s.overall().limit, header("x-ratelimit-limit"));
    // REFERENCE §7.1: the daily window is the larger one, its reset within a day.
    QVERIFY(*s.window(QStringLiteral("daily"))->limit > *s.window(QStringLiteral("burst"))->limit);
    QVERIFY(*s.window(QStringLiteral("daily"))->resetSeconds <= 86400);
    QCOMPARE(s.apiVersion(), x.headers.value(QLatin1String("x-tango-api-version")).toString());
}

void tst_Conformance::vehicleMoneyThroughCsv()
{
    const auto vehicles = interactionsOf(QStringLiteral("vehicles-list.json"));
    QCOMPARE(vehicles.size(), 1);
    const auto page = ListPage::fromJson(vehicles.first().body.toObject());
    QVERIFY(page);
    const QVector<CsvWriter::Column> columns{
        {QStringLiteral("vehicle_obligations"), ContractField::Type::Money},
        {QStringLiteral("total_obligated"), ContractField::Type::Money},
        {QStringLiteral("vehicle_contracts_value"), ContractField::Type::Money}};
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    CsvWriter w(&buffer);
    QStringList expected;
    bool sawDocumentedValue = false;
    int noisy = 0;
    for (const QJsonValue &r : page->results()) {
        const QJsonObject o = r.toObject();
        QVERIFY(w.writeRow(o, columns));
        QStringList cells;
        for (const auto &c : columns) {
            const QJsonValue v = o.value(c.path);
            if (v.isNull() || v.isUndefined()) {
                cells.append(QString());
                continue;
            }
            QVERIFY2(v.isDouble(), qPrintable(c.path));
            const double d = v.toDouble();
            // Independent rounding to cents for the comparison.
            cells.append(QString::number(std::round(d * 100.0) / 100.0, 'f', 2));
            if (ContractFields::text(v).section(QLatin1Char('.'), 1).size() > 2)
                ++noisy;
            if (d == 5388564.6899999995) { // REFERENCE §5.6
                sawDocumentedValue = true;
                QCOMPARE(CsvWriter::cellText(v, ContractField::Type::Money),
                         QStringLiteral("5388564.69"));
            }
        }
        expected.append(cells.join(QLatin1Char(',')));
    }
    QVERIFY(w.flush());
    QVERIFY(sawDocumentedValue);
    QVERIFY(noisy >= 1);
    const QString csv = QString::fromUtf8(buffer.data());
    QCOMPARE(csv, expected.join(QStringLiteral("\r\n")) + QStringLiteral("\r\n"));
}

void tst_Conformance::codesNumberOrString()
{
    int numbers = 0;
    int strings = 0;
    std::function<void(const QJsonValue &, const QString &)> walk = [&](const QJsonValue &v,
                                                                        const QString &key) {
        if (v.isObject()) {
            const QJsonObject o = v.toObject();
            for (auto it = o.begin(); it != o.end(); ++it)
                walk(it.value(), it.key());
            return;
        }
        if (v.isArray()) {
            for (const QJsonValue &e : v.toArray())
                walk(e, key);
            return;
        }
        if (key != QLatin1String("code") && !key.endsWith(QLatin1String("_code")))
            return;
        const QString c = ContractFields::code(v);
        if (v.isDouble()) {
            ++numbers;
            QCOMPARE(std::floor(v.toDouble()), v.toDouble());
            QCOMPARE(c, QString::number(qint64(v.toDouble())));
            QVERIFY(!c.contains(QLatin1Char('.')));
        } else if (v.isString()) {
            ++strings;
            QCOMPARE(c, v.toString().trimmed()); // zero padding kept
        } else if (v.isNull()) {
            QVERIFY(c.isEmpty());
        }
    };
    for (const char *file : {"agencies-get.json", "agencies-list.json", "vehicles-list.json",
                             "protests-list.json", "naics-list.json", "psc-list.json"}) {
        const auto interactions = interactionsOf(QLatin1String(file));
        QVERIFY2(!interactions.isEmpty(), file);
        for (const Interaction &x : interactions)
            walk(x.body, QString());
    }
    // README of the recordings: the same code arrives both ways across these files.
    QVERIFY(numbers > 0);
    QVERIFY(strings > 0);
}

QTEST_GUILESS_MAIN(tst_Conformance)
#include "tst_Conformance.moc"
