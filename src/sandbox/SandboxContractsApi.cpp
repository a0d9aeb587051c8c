#include "sandbox/SandboxContractsApi.h"

#include "sandbox/SandboxData.h"
#include "sandbox/SandboxJsonWriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

#include <algorithm>

namespace tango {

namespace {

constexpr int kDefaultLimit = 25;
constexpr int kMaxLimit = 100;
constexpr int kMaxCachedQueries = 32;

bool isTrue(const QString &v)
{
    return v.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0 || v == QLatin1String("1");
}

QByteArray detailBody(const char *text)
{
    return QByteArrayLiteral("{\"detail\": \"") + text + QByteArrayLiteral("\"}");
}

} // namespace

const QVector<int> &SandboxContractsApi::rows(const SandboxQuery &q)
{
    const QVector<int> &all = m_data->sorted(q.sortField(), q.descending());
    if (!q.hasFilters())
        return all;
    const QString key = q.cacheKey();
    auto it = m_cache.find(key);
    if (it != m_cache.end())
        return it.value();
    if (m_cache.size() >= kMaxCachedQueries)
        m_cache.clear();
    QVector<int> out;
    for (int i : all) {
        if (q.matches(*m_data, i))
            out.append(i);
    }
    return m_cache.insert(key, out).value();
}

QByteArray SandboxContractsApi::encodeCursor(int row, const SandboxQuery &q, bool backward) const
{
    // Like the API's: a base64 JSON array of the sort value and a tie-breaker. The ordering is
    // included so a cursor cannot be replayed under another ordering.
    QJsonArray a;
    const qint64 v = m_data->sortValue(row, q.sortField());
    if (q.sortField() == SandboxData::SortField::AwardDate)
        a.append(QDate::fromJulianDay(v).toString(Qt::ISODate));
    else
        a.append(QString::number(v));
    a.append(m_data->key(row));
    a.append(q.orderingText());
    if (backward)
        a.append(QStringLiteral("<"));
    return QJsonDocument(a)
        .toJson(QJsonDocument::Compact)
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

bool SandboxContractsApi::decodeCursor(const QString &text, const SandboxQuery &q,
                                       Cursor *cursor) const
{
    const auto decoded = QByteArray::fromBase64Encoding(
        text.trimmed().toLatin1(),
        QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return false;
    const QJsonDocument doc = QJsonDocument::fromJson(*decoded);
    const QJsonArray a = doc.array();
    if (!doc.isArray() || a.size() < 3 || a.size() > 4 || !a.at(0).isString() ||
        !a.at(1).isString() || a.at(2).toString() != q.orderingText())
        return false;
    if (q.sortField() == SandboxData::SortField::AwardDate) {
        const QDate d = QDate::fromString(a.at(0).toString(), Qt::ISODate);
        if (!d.isValid())
            return false;
        cursor->value = d.toJulianDay();
    } else {
        bool ok = false;
        cursor->value = a.at(0).toString().toLongLong(&ok);
        if (!ok)
            return false;
    }
    cursor->row = m_data->indexOfKey(a.at(1).toString());
    if (cursor->row < 0 || m_data->sortValue(cursor->row, q.sortField()) != cursor->value)
        return false;
    cursor->backward = a.size() == 4;
    if (cursor->backward && a.at(3).toString() != QLatin1String("<"))
        return false;
    return true;
}

bool SandboxContractsApi::parseShape(const SandboxQuery::Params &params,
                                     QVector<SandboxShape::Field> *fields,
                                     SandboxData::WriteOptions *options,
                                     SandboxResponse *error) const
{
    const QString shape = SandboxQuery::value(params, QStringLiteral("shape"));
    if (shape.trimmed().isEmpty()) {
        *fields = SandboxShape::defaultFields();
    } else {
        QVector<SandboxShape::Issue> issues;
        if (!SandboxShape::parse(shape, fields, &issues)) {
            SandboxJsonWriter w;
            w.beginObject();
            w.key(QByteArrayLiteral("\"detail\":"));
            w.string("Invalid shape");
            w.key(QByteArrayLiteral("\"issues\":"));
            w.beginArray();
            for (const SandboxShape::Issue &i : issues) {
                w.beginObject();
                w.key(QByteArrayLiteral("\"path\":"));
                w.string(i.path);
                w.key(QByteArrayLiteral("\"reason\":"));
                w.string(i.reason);
                w.endObject();
            }
            w.endArray();
            w.key(QByteArrayLiteral("\"available_fields\":"));
            w.raw(SandboxShape::availableFieldsJson());
            w.endObject();
            error->status = 400;
            error->body = w.take();
            return false;
        }
    }
    options->flat = isTrue(SandboxQuery::value(params, QStringLiteral("flat")));
    options->flatLists = isTrue(SandboxQuery::value(params, QStringLiteral("flat_lists")));
    const QString joiner = SandboxQuery::value(params, QStringLiteral("joiner"));
    if (!joiner.isEmpty())
        options->joiner = joiner;
    return true;
}

SandboxResponse SandboxContractsApi::list(const SandboxQuery::Params &params,
                                          const QString &selfUrl)
{
    SandboxResponse resp;
    SandboxQuery query;
    if (!query.parse(params, *m_data, &resp.body)) {
        resp.status = 400;
        return resp;
    }
    QVector<SandboxShape::Field> fields;
    SandboxData::WriteOptions options;
    if (!parseShape(params, &fields, &options, &resp))
        return resp;

    int limit = kDefaultLimit;
    {
        bool ok = false;
        const int l = SandboxQuery::value(params, QStringLiteral("limit")).trimmed().toInt(&ok);
        if (ok && l > 0)
            limit = std::min(l, kMaxLimit);
    }

    const QVector<int> &matched = rows(query);
    const int total = matched.size();
    int start = 0;
    const QString cursorText = SandboxQuery::value(params, QStringLiteral("cursor"));
    if (!cursorText.isEmpty()) {
        Cursor c;
        if (!decodeCursor(cursorText, query, &c)) {
            resp.status = 400;
            resp.body = detailBody("Invalid cursor");
            return resp;
        }
        const SandboxData::SortField f = query.sortField();
        const bool desc = query.descending();
        // First row strictly after the cursor position (forward), or the page that ends just
        // before it (backward).
        auto atOrBefore = [&](int row) {
            return row == c.row || m_data->beforeValue(row, c.value, c.row, f, desc);
        };
        auto strictlyBefore = [&](int row) {
            return m_data->beforeValue(row, c.value, c.row, f, desc);
        };
        if (c.backward) {
            const int end =
                int(std::partition_point(matched.begin(), matched.end(), strictlyBefore) -
                    matched.begin());
            start = std::max(0, end - limit);
            limit = end - start;
        } else {
            start = int(std::partition_point(matched.begin(), matched.end(), atOrBefore) -
                        matched.begin());
        }
    }
    const int end = std::min(total, start + limit);

    // Every parameter but the cursor, in the client's order, fully percent-encoded.
    QByteArray base;
    for (const auto &p : params) {
        if (p.first == QLatin1String("cursor"))
            continue;
        base += QUrl::toPercentEncoding(p.first) + '=' + QUrl::toPercentEncoding(p.second) + '&';
    }
    auto linkTo = [&](const QByteArray &cursor) {
        return selfUrl.toUtf8() + '?' + base + "cursor=" + cursor;
    };

    SandboxJsonWriter w;
    w.beginObject();
    w.key(QByteArrayLiteral("\"count\":"));
    w.integer(total);
    QByteArray nextCursor, prevCursor;
    if (end < total && end > start)
        nextCursor = encodeCursor(matched.at(end - 1), query, false);
    if (start > 0 && start < total)
        prevCursor = encodeCursor(matched.at(start), query, true);
    w.key(QByteArrayLiteral("\"next\":"));
    if (nextCursor.isEmpty())
        w.null();
    else
        w.string(QString::fromUtf8(linkTo(nextCursor)));
    w.key(QByteArrayLiteral("\"previous\":"));
    if (prevCursor.isEmpty())
        w.null();
    else
        w.string(QString::fromUtf8(linkTo(prevCursor)));
    w.key(QByteArrayLiteral("\"cursor\":"));
    if (nextCursor.isEmpty())
        w.null();
    else
        w.string(QString::fromLatin1(nextCursor));
    w.key(QByteArrayLiteral("\"previous_cursor\":"));
    if (prevCursor.isEmpty())
        w.null();
    else
        w.string(QString::fromLatin1(prevCursor));
    w.key(QByteArrayLiteral("\"results\":"));
    w.beginArray();
    for (int i = start; i < end; ++i)
        m_data->writeRow(w, matched.at(i), fields, options);
    w.endArray();
    const QByteArray meta = query.metaJson();
    if (!meta.isEmpty()) {
        w.key(QByteArrayLiteral("\"meta\":"));
        w.raw(meta);
    }
    w.endObject();
    resp.body = w.take();
    return resp;
}

SandboxResponse SandboxContractsApi::detail(const QString &key, const SandboxQuery::Params &params)
{
    SandboxResponse resp;
    QVector<SandboxShape::Field> fields;
    SandboxData::WriteOptions options;
    if (!parseShape(params, &fields, &options, &resp))
        return resp;
    const int row = m_data->indexOfKey(key);
    if (row < 0) {
        resp.status = 404;
        resp.body = detailBody("No Contract matches the given query.");
        return resp;
    }
    SandboxJsonWriter w;
    m_data->writeRow(w, row, fields, options);
    resp.body = w.take();
    return resp;
}

} // namespace tango
