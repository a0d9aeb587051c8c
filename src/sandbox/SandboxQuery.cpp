#include "sandbox/SandboxQuery.h"

#include "sandbox/SandboxJsonWriter.h"

#include <cmath>

namespace tango {

namespace {

QStringList tokens(const QString &value)
{
    QStringList out;
    for (const QString &t : value.split(QLatin1Char('|'))) {
        const QString s = t.trimmed();
        if (!s.isEmpty())
            out.append(s);
    }
    return out;
}

bool parseDay(const QString &text, qint32 *day)
{
    if (text.size() != 10)
        return false;
    const QDate d = QDate::fromString(text, QStringLiteral("yyyy-MM-dd"));
    if (!d.isValid())
        return false;
    *day = qint32(d.toJulianDay());
    return true;
}

bool parseCents(const QString &text, qint64 *cents)
{
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(v) || std::fabs(v) > 1e15)
        return false;
    *cents = qint64(std::llround(v * 100.0));
    return true;
}

} // namespace

QString SandboxQuery::value(const Params &params, const QString &name)
{
    // Django's QueryDict.get(): the last occurrence wins.
    QString v;
    for (const auto &p : params) {
        if (p.first == name)
            v = p.second;
    }
    return v;
}

QByteArray SandboxQuery::errorBody(const QString &message)
{
    SandboxJsonWriter w;
    w.beginObject();
    w.key(QByteArrayLiteral("\"error\":"));
    w.string(message);
    w.endObject();
    return w.take();
}

bool SandboxQuery::parseDayRange(const Params &params, const QString &exact, const QString &gte,
                                 const QString &lte, DayRange *range, QByteArray *errorBody)
{
    const QStringList names = {exact, gte, lte};
    qint32 days[3] = {0, 0, 0};
    bool present[3] = {false, false, false};
    for (int n = 0; n < 3; ++n) {
        if (names.at(n).isEmpty())
            continue;
        const QString text = value(params, names.at(n)).trimmed();
        if (text.isEmpty())
            continue;
        if (!parseDay(text, &days[n])) {
            *errorBody = SandboxQuery::errorBody(
                QStringLiteral("Invalid date for '%1': '%2'. Use YYYY-MM-DD.")
                    .arg(names.at(n), text));
            return false;
        }
        present[n] = true;
        m_cacheKey += names.at(n) + QLatin1Char('=') + text + QLatin1Char('&');
    }
    if (present[1] && present[2] && days[1] > days[2]) {
        *errorBody = SandboxQuery::errorBody(
            QStringLiteral("Invalid range: '%1' (%2) is after '%3' (%4).")
                .arg(gte, QDate::fromJulianDay(days[1]).toString(Qt::ISODate), lte,
                     QDate::fromJulianDay(days[2]).toString(Qt::ISODate)));
        return false;
    }
    if (present[0]) {
        range->min = std::max(range->min, days[0]);
        range->max = std::min(range->max, days[0]);
    }
    if (present[1])
        range->min = std::max(range->min, days[1]);
    if (present[2])
        range->max = std::min(range->max, days[2]);
    range->active = present[0] || present[1] || present[2];
    return true;
}

bool SandboxQuery::parseAgencies(const Params &params, const QString &name, const SandboxData &data,
                                 QVector<bool> *mask, QByteArray *errorBody)
{
    const QString raw = value(params, name);
    const QStringList toks = tokens(raw);
    if (toks.isEmpty())
        return true;
    const QVector<SandboxData::Agency> &agencies = data.agencies();
    mask->fill(false, agencies.size());
    bool any = false;
    QByteArray entries;
    for (const QString &t : toks) {
        int found = -1;
        for (int a = 0; a < agencies.size() && found < 0; ++a) {
            const SandboxData::Agency &ag = agencies.at(a);
            if (t == ag.code || t == ag.cgac ||
                t.compare(ag.abbreviation, Qt::CaseInsensitive) == 0 ||
                t.compare(ag.name, Qt::CaseInsensitive) == 0)
                found = a;
        }
        // Best-effort like the API: a long enough token may match part of an agency name.
        for (int a = 0; a < agencies.size() && found < 0 && t.size() >= 4; ++a) {
            if (agencies.at(a).name.contains(t, Qt::CaseInsensitive))
                found = a;
        }
        SandboxJsonWriter w;
        w.beginObject();
        w.key(QByteArrayLiteral("\"token\":"));
        w.string(t);
        w.key(QByteArrayLiteral("\"resolved\":"));
        if (found < 0) {
            w.null();
            m_warnings.append(
                QStringLiteral("Agency filter '%1': '%2' did not match.").arg(name, t));
        } else {
            const SandboxData::Agency &ag = agencies.at(found);
            (*mask)[found] = true;
            any = true;
            w.beginObject();
            w.key(QByteArrayLiteral("\"key\":"));
            w.string(ag.key);
            w.key(QByteArrayLiteral("\"name\":"));
            w.string(ag.name);
            w.key(QByteArrayLiteral("\"level\":"));
            w.integer(1);
            w.key(QByteArrayLiteral("\"cgac\":"));
            w.string(ag.cgac);
            w.key(QByteArrayLiteral("\"fpds_code\":"));
            w.string(ag.code);
            w.endObject();
        }
        w.endObject();
        if (!entries.isEmpty())
            entries.append(',');
        entries.append(w.data());
    }
    if (!any) {
        *errorBody =
            SandboxQuery::errorBody(QStringLiteral("No agency found matching '%1'.").arg(raw));
        return false;
    }
    if (!m_resolved.isEmpty())
        m_resolved.append(',');
    m_resolved.append(SandboxJsonWriter::quotedKey(name) + '[' + entries + ']');
    QString resolvedNames;
    for (int a = 0; a < mask->size(); ++a)
        resolvedNames += mask->at(a) ? QLatin1Char('1') : QLatin1Char('0');
    m_cacheKey += name + QLatin1Char('=') + resolvedNames + QLatin1Char('&');
    return true;
}

bool SandboxQuery::parse(const Params &params, const SandboxData &data, QByteArray *errorBody)
{
    // Ordering first: the API rejects it before looking at filters.
    const QString ordering = value(params, QStringLiteral("ordering")).trimmed();
    if (!ordering.isEmpty()) {
        const QStringList allowed = {QStringLiteral("award_date"), QStringLiteral("obligated"),
                                     QStringLiteral("total_contract_value")};
        QString name = ordering;
        const bool desc = name.startsWith(QLatin1Char('-'));
        if (desc)
            name.remove(0, 1);
        const int idx = allowed.indexOf(name);
        if (idx < 0) {
            *errorBody = SandboxQuery::errorBody(
                QStringLiteral("Invalid ordering value(s): %1. Allowed values are: %2.")
                    .arg(ordering, allowed.join(QStringLiteral(", "))));
            return false;
        }
        m_sortField = SandboxData::SortField(idx);
        m_descending = desc;
        m_orderingText = ordering;
    }

    if (!parseAgencies(params, QStringLiteral("awarding_agency"), data, &m_awardingAgencies,
                       errorBody))
        return false;
    if (!parseAgencies(params, QStringLiteral("funding_agency"), data, &m_fundingAgencies,
                       errorBody))
        return false;
    if (!m_resolved.isEmpty()) {
        SandboxJsonWriter w;
        w.beginObject();
        w.key(QByteArrayLiteral("\"resolved_filters\":"));
        w.raw('{' + m_resolved + '}');
        w.key(QByteArrayLiteral("\"warnings\":"));
        w.beginArray();
        for (const QString &warning : m_warnings)
            w.string(warning);
        w.endArray();
        w.endObject();
        m_meta = w.take();
    }

    const QString search = value(params, QStringLiteral("search")).trimmed();
    if (!search.isEmpty()) {
        m_search = search;
        m_searchVendors.fill(false, data.vendors().size());
        for (int v = 0; v < data.vendors().size(); ++v)
            m_searchVendors[v] = data.vendors().at(v).name.contains(search, Qt::CaseInsensitive);
        m_cacheKey += QStringLiteral("search=") + search.toLower() + QLatin1Char('&');
    }
    const QString recipient = value(params, QStringLiteral("recipient")).trimmed();
    if (!recipient.isEmpty()) {
        m_recipientVendors.fill(false, data.vendors().size());
        for (int v = 0; v < data.vendors().size(); ++v) {
            const SandboxData::Vendor &vendor = data.vendors().at(v);
            m_recipientVendors[v] = vendor.name.contains(recipient, Qt::CaseInsensitive) ||
                                    vendor.legalName.contains(recipient, Qt::CaseInsensitive);
        }
        m_cacheKey += QStringLiteral("recipient=") + recipient.toLower() + QLatin1Char('&');
    }
    m_uei = value(params, QStringLiteral("uei")).trimmed().toUpper();
    if (!m_uei.isEmpty())
        m_cacheKey += QStringLiteral("uei=") + m_uei + QLatin1Char('&');
    const QString piid = value(params, QStringLiteral("piid")).trimmed();
    if (!piid.isEmpty()) {
        m_piidActive = true;
        for (const QString &t : tokens(piid)) {
            const int i = data.indexOfPiid(t);
            if (i >= 0)
                m_piidRows.insert(i);
        }
        m_cacheKey += QStringLiteral("piid=") + piid.toUpper() + QLatin1Char('&');
    }
    const QString keys = value(params, QStringLiteral("key")).trimmed();
    if (!keys.isEmpty()) {
        m_keyActive = true;
        for (const QString &t : tokens(keys)) {
            const int i = data.indexOfKey(t);
            if (i >= 0)
                m_keyRows.insert(i);
        }
        m_cacheKey += QStringLiteral("key=") + keys + QLatin1Char('&');
    }
    m_solicitation = value(params, QStringLiteral("solicitation_identifier")).trimmed().toUpper();
    if (!m_solicitation.isEmpty())
        m_cacheKey += QStringLiteral("sol=") + m_solicitation + QLatin1Char('&');

    const QString naics = value(params, QStringLiteral("naics")).trimmed();
    if (!naics.isEmpty()) {
        for (const QString &t : tokens(naics)) {
            bool ok = false;
            const int code = t.toInt(&ok);
            if (!ok || code <= 0) {
                *errorBody =
                    SandboxQuery::errorBody(QStringLiteral("Invalid NAICS code: '%1'.").arg(t));
                return false;
            }
            m_naics.insert(code);
        }
        m_cacheKey += QStringLiteral("naics=") + naics + QLatin1Char('&');
    }
    const QString psc = value(params, QStringLiteral("psc")).trimmed();
    if (!psc.isEmpty()) {
        for (const QString &t : tokens(psc))
            m_psc.insert(t.toUpper());
        m_cacheKey += QStringLiteral("psc=") + psc.toUpper() + QLatin1Char('&');
    }
    const QString setAside = value(params, QStringLiteral("set_aside")).trimmed();
    if (!setAside.isEmpty()) {
        for (const QString &t : tokens(setAside))
            m_setAside.insert(t.toUpper());
        m_cacheKey += QStringLiteral("set_aside=") + setAside.toUpper() + QLatin1Char('&');
    }
    const QString awardType = value(params, QStringLiteral("award_type")).trimmed();
    if (!awardType.isEmpty()) {
        const QString t = awardType.toUpper();
        if (t.size() != 1 || t.at(0) < QLatin1Char('A') || t.at(0) > QLatin1Char('D')) {
            // A Django form field error, the other 400 body form clients must read.
            SandboxJsonWriter w;
            w.beginObject();
            w.key(QByteArrayLiteral("\"award_type\":"));
            w.beginArray();
            w.string(
                QStringLiteral("Select a valid choice. %1 is not one of the available choices.")
                    .arg(awardType));
            w.endArray();
            w.endObject();
            *errorBody = w.take();
            return false;
        }
        m_awardTypeMask = 1 << (t.at(0).unicode() - 'A');
        m_cacheKey += QStringLiteral("award_type=") + t + QLatin1Char('&');
    }

    if (!parseDayRange(params, QStringLiteral("award_date"), QStringLiteral("award_date_gte"),
                       QStringLiteral("award_date_lte"), &m_awardDate, errorBody) ||
        !parseDayRange(params, QString(), QStringLiteral("pop_start_date_gte"),
                       QStringLiteral("pop_start_date_lte"), &m_popStart, errorBody) ||
        !parseDayRange(params, QString(), QStringLiteral("pop_end_date_gte"),
                       QStringLiteral("pop_end_date_lte"), &m_popEnd, errorBody) ||
        !parseDayRange(params, QString(), QStringLiteral("expiring_gte"),
                       QStringLiteral("expiring_lte"), &m_expiring, errorBody))
        return false;

    const QStringList fyNames = {QStringLiteral("fiscal_year"), QStringLiteral("fiscal_year_gte"),
                                 QStringLiteral("fiscal_year_lte")};
    int fy[3] = {0, 0, 0};
    bool fyPresent[3] = {false, false, false};
    for (int n = 0; n < 3; ++n) {
        const QString text = value(params, fyNames.at(n)).trimmed();
        if (text.isEmpty())
            continue;
        bool ok = false;
        fy[n] = text.toInt(&ok);
        if (!ok) {
            *errorBody = SandboxQuery::errorBody(
                QStringLiteral("Invalid value for '%1': '%2'. Enter a whole number.")
                    .arg(fyNames.at(n), text));
            return false;
        }
        fyPresent[n] = true;
        m_cacheKey += fyNames.at(n) + QLatin1Char('=') + QString::number(fy[n]) + QLatin1Char('&');
    }
    if (fyPresent[1] && fyPresent[2] && fy[1] > fy[2]) {
        *errorBody = SandboxQuery::errorBody(
            QStringLiteral("Invalid range: 'fiscal_year_gte' (%1) is after 'fiscal_year_lte' (%2).")
                .arg(fy[1])
                .arg(fy[2]));
        return false;
    }
    if (fyPresent[0])
        m_fyMin = m_fyMax = fy[0];
    if (fyPresent[1])
        m_fyMin = std::max(m_fyMin, fy[1]);
    if (fyPresent[2])
        m_fyMax = std::min(m_fyMax, fy[2]);

    const QString obGte = value(params, QStringLiteral("obligated_gte")).trimmed();
    const QString obLte = value(params, QStringLiteral("obligated_lte")).trimmed();
    if (!obGte.isEmpty()) {
        if (!parseCents(obGte, &m_obligatedMin)) {
            *errorBody = SandboxQuery::errorBody(
                QStringLiteral("Invalid value for 'obligated_gte': '%1'. Enter a number.")
                    .arg(obGte));
            return false;
        }
        m_cacheKey +=
            QStringLiteral("ob_gte=") + QString::number(m_obligatedMin) + QLatin1Char('&');
    }
    if (!obLte.isEmpty()) {
        if (!parseCents(obLte, &m_obligatedMax)) {
            *errorBody = SandboxQuery::errorBody(
                QStringLiteral("Invalid value for 'obligated_lte': '%1'. Enter a number.")
                    .arg(obLte));
            return false;
        }
        m_cacheKey +=
            QStringLiteral("ob_lte=") + QString::number(m_obligatedMax) + QLatin1Char('&');
    }
    if (!obGte.isEmpty() && !obLte.isEmpty() && m_obligatedMin > m_obligatedMax) {
        *errorBody = SandboxQuery::errorBody(
            QStringLiteral(
                "Invalid range: 'obligated_gte' (%1) is greater than 'obligated_lte' (%2).")
                .arg(obGte, obLte));
        return false;
    }
    return true;
}

bool SandboxQuery::matches(const SandboxData &data, int i) const
{
    const SandboxData::Row &r = data.row(i);
    if (r.fiscalYear < m_fyMin || r.fiscalYear > m_fyMax)
        return false;
    if (r.obligated < m_obligatedMin || r.obligated > m_obligatedMax)
        return false;
    if (!m_awardDate.contains(r.awardDay) || !m_popStart.contains(r.popStartDay) ||
        !m_popEnd.contains(r.popEndDay) || !m_expiring.contains(r.popEndDay))
        return false;
    if (m_awardTypeMask && !(m_awardTypeMask & (1 << r.awardType)))
        return false;
    if (!m_awardingAgencies.isEmpty() && !m_awardingAgencies.at(data.awardingAgencyIndex(i)))
        return false;
    if (!m_fundingAgencies.isEmpty() && !m_fundingAgencies.at(data.fundingAgencyIndex(i)))
        return false;
    if (!m_naics.isEmpty() && !m_naics.contains(SandboxData::naicsCodes().at(r.naics).code))
        return false;
    if (!m_psc.isEmpty() &&
        !m_psc.contains(QString::fromLatin1(SandboxData::pscCodes().at(r.psc).code)))
        return false;
    if (!m_setAside.isEmpty() &&
        !m_setAside.contains(QString::fromLatin1(SandboxData::setAsides().at(r.setAside).code)))
        return false;
    if (!m_recipientVendors.isEmpty() && !m_recipientVendors.at(r.vendor))
        return false;
    if (!m_uei.isEmpty() && data.vendors().at(r.vendor).uei != m_uei)
        return false;
    if (m_piidActive && !m_piidRows.contains(i))
        return false;
    if (m_keyActive && !m_keyRows.contains(i))
        return false;
    if (!m_solicitation.isEmpty() && data.solicitationIdentifier(i) != m_solicitation)
        return false;
    if (!m_search.isEmpty()) {
        if (!m_searchVendors.at(r.vendor) &&
            !data.description(i).contains(m_search, Qt::CaseInsensitive) &&
            !data.piid(i).contains(m_search, Qt::CaseInsensitive))
            return false;
    }
    return true;
}

} // namespace tango
