#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QMetaType>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace tango {

// The list envelope of every Tango list endpoint.
class ListPage
{
public:
    enum class Style
    {
        Cursor,
        PageNumber
    };

    // Parses a list body. Returns nullopt (and sets *error) when the object is not an envelope:
    // no "results" array, or wrongly typed keys.
    static std::optional<ListPage> fromJson(const QJsonObject &body, QString *error = nullptr);

    Style style() const { return m_style; }
    std::optional<qint64> count() const { return m_count; } // "about": may be estimated
    QUrl next() const { return m_next; }
    QUrl previous() const { return m_previous; }
    QString cursor() const { return m_cursor; } // empty when null
    QString previousCursor() const { return m_previousCursor; }
    bool hasNext() const { return m_next.isValid() || !m_cursor.isEmpty(); }
    const QJsonArray &results() const { return m_results; }
    QStringList warnings() const { return m_warnings; } // meta.warnings
    QJsonObject meta() const { return m_meta; }

private:
    Style m_style = Style::PageNumber;
    std::optional<qint64> m_count;
    QUrl m_next;
    QUrl m_previous;
    QString m_cursor;
    QString m_previousCursor;
    QJsonArray m_results;
    QStringList m_warnings;
    QJsonObject m_meta;
};

} // namespace tango

Q_DECLARE_METATYPE(tango::ListPage)
