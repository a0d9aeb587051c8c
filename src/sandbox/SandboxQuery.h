#pragma once

#include "sandbox/SandboxData.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QSet>
#include <QString>
#include <QVector>

#include <limits>

namespace tango {

// The filters and ordering of one /api/contracts/ request (REFERENCE §5.2, §5.3), validated the
// way the API does: bad dates, inverted ranges, bad ordering and unresolvable agencies are 400s,
// unknown parameters are ignored.
class SandboxQuery
{
public:
    using Params = QList<QPair<QString, QString>>;

    // Returns false with a complete JSON error body in *errorBody.
    bool parse(const Params &params, const SandboxData &data, QByteArray *errorBody);

    bool hasFilters() const { return !m_cacheKey.isEmpty(); }
    bool matches(const SandboxData &data, int i) const;
    // Equal for requests that select the same rows in the same order.
    QString cacheKey() const { return m_orderingText + QLatin1Char('|') + m_cacheKey; }
    // {"resolved_filters":...,"warnings":[...]} when an agency filter was given, else empty.
    QByteArray metaJson() const { return m_meta; }

    SandboxData::SortField sortField() const { return m_sortField; }
    bool descending() const { return m_descending; }
    QString orderingText() const { return m_orderingText; }

    static QString value(const Params &params, const QString &name);
    static QByteArray errorBody(const QString &message);

private:
    struct DayRange
    {
        qint32 min = std::numeric_limits<qint32>::min();
        qint32 max = std::numeric_limits<qint32>::max();
        bool active = false;
        bool contains(qint32 d) const { return !active || (d >= min && d <= max); }
    };
    bool parseDayRange(const Params &params, const QString &exact, const QString &gte,
                       const QString &lte, DayRange *range, QByteArray *errorBody);
    bool parseAgencies(const Params &params, const QString &name, const SandboxData &data,
                       QVector<bool> *mask, QByteArray *errorBody);

    SandboxData::SortField m_sortField = SandboxData::SortField::AwardDate;
    bool m_descending = true;
    QString m_orderingText = QStringLiteral("-award_date");
    QString m_cacheKey;
    QByteArray m_meta;
    QStringList m_warnings;
    QByteArray m_resolved; // "\"awarding_agency\":[...]" entries, comma-joined

    QString m_search;
    QVector<bool> m_searchVendors; // vendors whose name contains m_search
    QVector<bool> m_recipientVendors;
    QVector<bool> m_awardingAgencies;
    QVector<bool> m_fundingAgencies;
    QString m_uei;
    QSet<int> m_piidRows;
    bool m_piidActive = false;
    QSet<int> m_keyRows;
    bool m_keyActive = false;
    QString m_solicitation;
    QSet<int> m_naics;
    QSet<QString> m_psc;
    QSet<QString> m_setAside;
    int m_awardTypeMask = 0;
    DayRange m_awardDate;
    DayRange m_popStart;
    DayRange m_popEnd;
    DayRange m_expiring;
    int m_fyMin = std::numeric_limits<int>::min();
    int m_fyMax = std::numeric_limits<int>::max();
    qint64 m_obligatedMin = std::numeric_limits<qint64>::min();
    qint64 m_obligatedMax = std::numeric_limits<qint64>::max();
};

} // namespace tango
