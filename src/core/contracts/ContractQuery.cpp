#include "contracts/ContractQuery.h"

#include "contracts/ContractFields.h"

#include <QDate>
#include <QRegularExpression>
#include <QUrl>

#include <cmath>
#include <optional>

namespace tango {

namespace {

enum class Kind
{
    Text,
    Date,
    Year,
    Amount,
    AwardType
};

struct FilterSpec
{
    const char *name;
    Kind kind;
    const char *label; // untranslated, for describe()
};

// REFERENCE §5.2, API 4.22.0: exactly the names the runtime accepts.
const FilterSpec kFilters[] = {
    {"award_date", Kind::Date, QT_TRANSLATE_NOOP("ContractQuery", "award date")},
    {"award_date_gte", Kind::Date, QT_TRANSLATE_NOOP("ContractQuery", "award date")},
    {"award_date_lte", Kind::Date, QT_TRANSLATE_NOOP("ContractQuery", "award date")},
    {"award_type", Kind::AwardType, QT_TRANSLATE_NOOP("ContractQuery", "award type")},
    {"awarding_agency", Kind::Text, QT_TRANSLATE_NOOP("ContractQuery", "awarding agency")},
    {"expiring_gte", Kind::Date, QT_TRANSLATE_NOOP("ContractQuery", "expiring")},
    {"expiring_lte", Kind::Date, QT_TRANSLATE_NOOP("ContractQuery", "expiring")},
    {"fiscal_year", Kind::Year, QT_TRANSLATE_NOOP("ContractQuery", "fiscal year")},
    {"fiscal_year_gte", Kind::Year, QT_TRANSLATE_NOOP("ContractQuery", "fiscal year")},
    {"fiscal_year_lte", Kind::Year, QT_TRANSLATE_NOOP("ContractQuery", "fiscal year")},
    {"funding_agency", Kind::Text, QT_TRANSLATE_NOOP("ContractQuery", "funding agency")},
    {"key", Kind::Text, QT_TRANSLATE_NOOP("ContractQuery", "award key")},
    {"naics", Kind::Text, QT_TRANSLATE_NOOP("ContractQuery", "NAICS")},
    {"obligated_gte", Kind::Amount, QT_TRANSLATE_NOOP("ContractQuery", "obligated")},
    {"obligated_lte", Kind::Amount, QT_TRANSLATE_NOOP("ContractQuery", "obligated")},
    {"piid", Kind::Text, QT_TRANSLATE_NOOP("ContractQuery", "PIID")},
    {"pop_end_date_gte", Kind::Date, QT_TRANSLATE_NOOP("ContractQuery", "performance end")},
    {"pop_end_date_lte", Kind::Date, QT_TRANSLATE_NOOP("ContractQuery", "performance end")},
    {"pop_start_date_gte", Kind::Date, QT_TRANSLATE_NOOP("ContractQuery", "performance start")},
    {"pop_start_date_lte", Kind::Date, QT_TRANSLATE_NOOP("ContractQuery", "performance start")},
    {"psc", Kind::Text, QT_TRANSLATE_NOOP("ContractQuery", "PSC")},
    {"recipient", Kind::Text, QT_TRANSLATE_NOOP("ContractQuery", "recipient")},
    {"set_aside", Kind::Text, QT_TRANSLATE_NOOP("ContractQuery", "set-aside")},
    {"solicitation_identifier", Kind::Text, QT_TRANSLATE_NOOP("ContractQuery", "solicitation ID")},
    {"uei", Kind::Text, QT_TRANSLATE_NOOP("ContractQuery", "UEI")},
};

const FilterSpec *spec(const QString &name)
{
    for (const FilterSpec &s : kFilters) {
        if (name == QLatin1String(s.name))
            return &s;
    }
    return nullptr;
}

// Pairs whose lower bound must not exceed the upper bound.
const char *const kRanges[] = {"award_date",     "fiscal_year",  "obligated",
                               "pop_start_date", "pop_end_date", "expiring"};

std::optional<QDate> parseDate(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    if (!re.match(s).hasMatch())
        return std::nullopt;
    const QDate d = QDate::fromString(s, Qt::ISODate);
    if (!d.isValid())
        return std::nullopt;
    return d;
}

std::optional<int> parseYear(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^\\d{4}$"));
    if (!re.match(s).hasMatch())
        return std::nullopt;
    return s.toInt();
}

std::optional<double> parseAmount(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^[-+]?(\\d+(\\.\\d*)?|\\.\\d+)$"));
    if (!re.match(s).hasMatch())
        return std::nullopt;
    bool ok = false;
    const double d = s.toDouble(&ok);
    if (!ok || !std::isfinite(d))
        return std::nullopt;
    return d;
}

// REFERENCE §5.2: award_type is a choice, one of A, B, C or D; the API does not take a `|` list
// for it (it answers 400), unlike the text filters.
bool validAwardType(const QString &value)
{
    const QString t = value.trimmed();
    if (t.size() != 1)
        return false;
    const QChar c = t.at(0).toUpper();
    return c >= QLatin1Char('A') && c <= QLatin1Char('D');
}

// Everything but RFC 3986 unreserved characters is percent-encoded, so that '|', the shape's
// punctuation, '+', '&', '=' and non-ASCII text all reach the server in one unambiguous form.
QString encoded(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

} // namespace

const QStringList &ContractQuery::filterNames()
{
    static const QStringList names = [] {
        QStringList n;
        for (const FilterSpec &s : kFilters)
            n.append(QString::fromLatin1(s.name));
        return n;
    }();
    return names;
}

bool ContractQuery::isFilterName(const QString &name)
{
    return spec(name) != nullptr;
}

const QStringList &ContractQuery::orderingFields()
{
    static const QStringList fields{QStringLiteral("award_date"), QStringLiteral("obligated"),
                                    QStringLiteral("total_contract_value")};
    return fields;
}

void ContractQuery::setFilter(const QString &name, const QString &value)
{
    QString v = value.trimmed();
    if (v.contains(QLatin1Char('|'))) {
        // "HUD | DOD" as typed by a person: the server would look for " DOD".
        QStringList parts = v.split(QLatin1Char('|'));
        for (QString &p : parts)
            p = p.trimmed();
        v = parts.join(QLatin1Char('|'));
    }
    if (v.isEmpty())
        m_filters.remove(name);
    else
        m_filters.insert(name, v);
}

QString ContractQuery::shape() const
{
    QStringList paths{QStringLiteral("key")};
    paths += m_fields;
    return ContractFields::shapeFor(paths);
}

void ContractQuery::setLimit(int l)
{
    m_limit = qBound(1, l, kMaxLimit);
}

QStringList ContractQuery::validate() const
{
    QStringList problems;
    for (auto it = m_filters.cbegin(); it != m_filters.cend(); ++it) {
        const QString &name = it.key();
        const QString &value = it.value();
        const FilterSpec *s = spec(name);
        if (!s) {
            problems.append(tr("Unknown filter “%1”. Valid filters are: %2.")
                                .arg(name, filterNames().join(QStringLiteral(", "))));
            continue;
        }
        switch (s->kind) {
        case Kind::Date:
            if (!parseDate(value))
                problems.append(
                    tr("“%1” is not a valid date for %2: use YYYY-MM-DD, e.g. 2024-01-31.")
                        .arg(value, name));
            break;
        case Kind::Year:
            if (!parseYear(value))
                problems.append(
                    tr("“%1” is not a valid fiscal year for %2: use four digits, e.g. 2024.")
                        .arg(value, name));
            break;
        case Kind::Amount:
            if (!parseAmount(value))
                problems.append(
                    tr("“%1” is not a valid amount for %2: use a plain number in dollars, "
                       "e.g. 250000 or 1250.50.")
                        .arg(value, name));
            break;
        case Kind::AwardType:
            if (value.contains(QLatin1Char('|')))
                problems.append(tr("“%1” is not a valid award type: %2 takes one value only "
                                   "(A, B, C or D), not a list separated by |.")
                                    .arg(value, name));
            else if (!validAwardType(value))
                problems.append(
                    tr("“%1” is not a valid award type: use one of A, B, C or D.").arg(value));
            break;
        case Kind::Text:
            break;
        }
    }

    for (const char *range : kRanges) {
        const QString base = QString::fromLatin1(range);
        const QString lo = m_filters.value(base + QStringLiteral("_gte"));
        const QString hi = m_filters.value(base + QStringLiteral("_lte"));
        if (lo.isEmpty() || hi.isEmpty())
            continue;
        bool inverted = false;
        if (base == QLatin1String("fiscal_year")) {
            const auto a = parseYear(lo), b = parseYear(hi);
            inverted = a && b && *a > *b;
        } else if (base == QLatin1String("obligated")) {
            const auto a = parseAmount(lo), b = parseAmount(hi);
            inverted = a && b && *a > *b;
        } else {
            const auto a = parseDate(lo), b = parseDate(hi);
            inverted = a && b && *a > *b;
        }
        if (inverted)
            problems.append(
                tr("Inverted range: %1_gte (%2) is greater than %1_lte (%3).").arg(base, lo, hi));
    }

    if (!m_ordering.isEmpty()) {
        const QString field =
            m_ordering.startsWith(QLatin1Char('-')) ? m_ordering.mid(1) : m_ordering;
        if (!orderingFields().contains(field))
            problems.append(tr("Cannot sort by “%1”. Sortable fields are: %2 (prefix - for "
                               "descending).")
                                .arg(m_ordering, orderingFields().join(QStringLiteral(", "))));
    }
    return problems;
}

QUrlQuery ContractQuery::toUrlQuery(const QString &cursor) const
{
    QUrlQuery q;
    const QString search = m_search.trimmed();
    if (!search.isEmpty())
        q.addQueryItem(QStringLiteral("search"), encoded(search));
    for (auto it = m_filters.cbegin(); it != m_filters.cend(); ++it)
        q.addQueryItem(it.key(), encoded(it.value()));
    if (!m_ordering.isEmpty())
        q.addQueryItem(QStringLiteral("ordering"), encoded(m_ordering));
    q.addQueryItem(QStringLiteral("shape"), encoded(shape()));
    q.addQueryItem(QStringLiteral("limit"), QString::number(m_limit));
    if (!cursor.isEmpty())
        q.addQueryItem(QStringLiteral("cursor"), encoded(cursor));
    return q;
}

QString ContractQuery::describe() const
{
    QStringList parts;
    const QString search = m_search.trimmed();
    if (!search.isEmpty())
        parts.append(tr("search \"%1\"").arg(search));
    for (auto it = m_filters.cbegin(); it != m_filters.cend(); ++it) {
        const QString &name = it.key();
        QString value = it.value();
        value.replace(QLatin1Char('|'), tr(" or "));
        const FilterSpec *s = spec(name);
        const QString label = s ? QCoreApplication::translate("ContractQuery", s->label) : name;
        if (name.endsWith(QLatin1String("_gte")))
            parts.append(tr("%1 ≥ %2").arg(label, value));
        else if (name.endsWith(QLatin1String("_lte")))
            parts.append(tr("%1 ≤ %2").arg(label, value));
        else
            parts.append(tr("%1: %2").arg(label, value));
    }
    if (!m_ordering.isEmpty()) {
        const bool descending = m_ordering.startsWith(QLatin1Char('-'));
        const QString field = descending ? m_ordering.mid(1) : m_ordering;
        QString name = field;
        if (field == QLatin1String("award_date"))
            name = tr("award date");
        else if (field == QLatin1String("obligated"))
            name = tr("obligated");
        else if (field == QLatin1String("total_contract_value"))
            name = tr("total contract value");
        parts.append(descending ? tr("sorted by %1 (descending)").arg(name)
                                : tr("sorted by %1 (ascending)").arg(name));
    }
    return parts.join(QStringLiteral(" · "));
}

bool ContractQuery::operator==(const ContractQuery &o) const
{
    return m_search == o.m_search && m_filters == o.m_filters && m_ordering == o.m_ordering &&
           m_fields == o.m_fields && m_limit == o.m_limit;
}

} // namespace tango
