#include "api/ListPage.h"

#include <QCoreApplication>

#include <cmath>

namespace tango {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ListPage", text);
}

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

// A missing or null link is "no link"; anything but a string is a malformed envelope.
bool readUrl(const QJsonObject &body, const QString &key, QUrl *out, QString *error)
{
    const QJsonValue v = body.value(key);
    if (v.isUndefined() || v.isNull())
        return true;
    if (!v.isString())
        return fail(error, tr("The \"%1\" field of the list is not a link.").arg(key));
    const QString s = v.toString();
    if (s.isEmpty())
        return true;
    const QUrl url(s, QUrl::StrictMode);
    if (!url.isValid())
        return fail(error, tr("The \"%1\" field of the list is not a valid link.").arg(key));
    *out = url;
    return true;
}

bool readString(const QJsonObject &body, const QString &key, QString *out, QString *error)
{
    const QJsonValue v = body.value(key);
    if (v.isUndefined() || v.isNull())
        return true;
    if (!v.isString())
        return fail(error, tr("The \"%1\" field of the list is not text.").arg(key));
    *out = v.toString();
    return true;
}

} // namespace

std::optional<ListPage> ListPage::fromJson(const QJsonObject &body, QString *error)
{
    ListPage page;
    const QJsonValue results = body.value(QLatin1String("results"));
    if (results.isUndefined()) {
        fail(error, tr("The response is not a list: it has no \"results\"."));
        return std::nullopt;
    }
    if (!results.isArray()) {
        fail(error, tr("The \"results\" field of the list is not an array."));
        return std::nullopt;
    }
    page.m_results = results.toArray();
    for (qsizetype i = 0; i < page.m_results.size(); ++i) {
        if (!page.m_results.at(i).isObject()) {
            fail(error, tr("Item %1 of the list is not an object.").arg(i + 1));
            return std::nullopt;
        }
    }

    const QJsonValue count = body.value(QLatin1String("count"));
    if (!count.isUndefined() && !count.isNull()) {
        const double d = count.toDouble(-1);
        if (!count.isDouble() || d < 0 || d > 9.0e15 || std::floor(d) != d) {
            fail(error, tr("The \"count\" field of the list is not a whole number."));
            return std::nullopt;
        }
        page.m_count = qint64(d);
    }

    if (!readUrl(body, QStringLiteral("next"), &page.m_next, error) ||
        !readUrl(body, QStringLiteral("previous"), &page.m_previous, error) ||
        !readString(body, QStringLiteral("cursor"), &page.m_cursor, error) ||
        !readString(body, QStringLiteral("previous_cursor"), &page.m_previousCursor, error))
        return std::nullopt;
    // Keyset endpoints always send the "cursor" key (null on the last page); page-number
    // endpoints never do. Deciding from the body keeps us right when endpoints change style.
    page.m_style = body.contains(QLatin1String("cursor")) ? Style::Cursor : Style::PageNumber;

    const QJsonValue meta = body.value(QLatin1String("meta"));
    if (!meta.isUndefined() && !meta.isNull()) {
        if (!meta.isObject()) {
            fail(error, tr("The \"meta\" field of the list is not an object."));
            return std::nullopt;
        }
        page.m_meta = meta.toObject();
        // Warnings are advisory: tolerate any form rather than failing a page over them.
        const QJsonValue warnings = page.m_meta.value(QLatin1String("warnings"));
        const QJsonArray list = warnings.isArray() ? warnings.toArray() : QJsonArray{warnings};
        for (const QJsonValue &w : list) {
            if (w.isString() && !w.toString().isEmpty()) {
                page.m_warnings << w.toString();
            } else if (w.isObject()) {
                const QJsonObject o = w.toObject();
                for (const char *key : {"message", "detail", "warning"}) {
                    if (o.value(QLatin1String(key)).isString()) {
                        page.m_warnings << o.value(QLatin1String(key)).toString();
                        break;
                    }
                }
            }
        }
    }
    if (error)
        error->clear();
    return page;
}

} // namespace tango
