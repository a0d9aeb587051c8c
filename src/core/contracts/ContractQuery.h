#pragma once

#include <QCoreApplication>
#include <QMap>
#include <QStringList>
#include <QUrlQuery>

namespace tango {

// A contracts list query: search, filters (REFERENCE §5.2), ordering, shape and limit.
// Validates before sending, so a typo becomes a clear message instead of a 400 round trip.
class ContractQuery
{
    Q_DECLARE_TR_FUNCTIONS(ContractQuery)
public:
    static constexpr int kMaxLimit = 100;

    // Every filter name /api/contracts/ accepts (not search/ordering/cursor/limit/shape).
    static const QStringList &filterNames();
    static bool isFilterName(const QString &name);
    // "award_date", "obligated", "total_contract_value"
    static const QStringList &orderingFields();

    QString search() const { return m_search; }
    void setSearch(const QString &s) { m_search = s; }

    // Unknown names are kept and reported by validate(). The value is trimmed, also around
    // each part of a `|` list; an empty value removes the filter.
    void setFilter(const QString &name, const QString &value);
    QString filter(const QString &name) const { return m_filters.value(name); }
    const QMap<QString, QString> &filters() const { return m_filters; }
    void clearFilters() { m_filters.clear(); }

    // "award_date" or "-obligated"; empty for the server's default.
    QString ordering() const { return m_ordering; }
    void setOrdering(const QString &o) { m_ordering = o; }

    // Field paths (see ContractFields); the shape is derived from them, "key" always included.
    QStringList fields() const { return m_fields; }
    void setFields(const QStringList &paths) { m_fields = paths; }
    QString shape() const;

    int limit() const { return m_limit; }
    void setLimit(int l); // clamped to 1..100

    // Empty when valid; otherwise one translated message per problem. award_type takes a single
    // value (A-D, any case): a `|` list is reported, since the API refuses it.
    QStringList validate() const;
    bool isValid() const { return validate().isEmpty(); }

    // Query items in a stable order (search, filters by name, ordering, shape, limit, cursor),
    // values percent-encoded the way the API takes them ('|' as %7C; shape punctuation as
    // %28 %29 %2C %2A; space %20; UTF-8). The values are stored pre-encoded: QUrl::setQuery()
    // keeps them byte for byte; read one back with queryItemValue(name, QUrl::FullyDecoded).
    // `cursor` is the body's raw "cursor" value; empty for the first page.
    QUrlQuery toUrlQuery(const QString &cursor = {}) const;
    // Human summary of the active search, filters and ordering, for "active query" labels:
    // `search "cloud" · awarding agency: DOD · fiscal year ≥ 2023 · sorted by obligated
    // (descending)`. Empty when nothing is set.
    QString describe() const;

    bool operator==(const ContractQuery &o) const;
    bool operator!=(const ContractQuery &o) const { return !(*this == o); }

private:
    QString m_search;
    QMap<QString, QString> m_filters;
    QString m_ordering;
    QStringList m_fields;
    int m_limit = kMaxLimit;
};

} // namespace tango
