#include "sandbox/SandboxShape.h"

#include "sandbox/SandboxJsonWriter.h"

#include <QHash>

namespace tango {

namespace {

const QStringList kCodeDescription = {QStringLiteral("code"), QStringLiteral("description")};

struct Parser
{
    const QString &text;
    int pos = 0;
    QVector<SandboxShape::Issue> *issues;

    void skipSpace()
    {
        while (pos < text.size() && text.at(pos).isSpace())
            ++pos;
    }
    bool atEnd()
    {
        skipSpace();
        return pos >= text.size();
    }
    bool peek(QChar c)
    {
        skipSpace();
        return pos < text.size() && text.at(pos) == c;
    }
    QString name()
    {
        skipSpace();
        const int start = pos;
        if (pos < text.size() && text.at(pos) == QLatin1Char('*'))
            return text.mid(pos++, 1);
        while (pos < text.size()) {
            const QChar c = text.at(pos);
            const bool ok = c == QLatin1Char('_') || (c.unicode() < 128 && c.isLetter()) ||
                            (pos > start && c.unicode() < 128 && c.isDigit());
            if (!ok)
                break;
            ++pos;
        }
        return text.mid(start, pos - start);
    }
    void syntaxError()
    {
        issues->append({QStringLiteral("shape[%1]").arg(pos), QStringLiteral("syntax_error")});
    }
};

struct RawNode
{
    QString name;
    QString alias;
    bool hasChildren = false;
    QVector<RawNode> children;
};

bool parseList(Parser &p, QVector<RawNode> *out, int depth);

bool parseItem(Parser &p, RawNode *node, int depth)
{
    node->name = p.name();
    if (node->name.isEmpty()) {
        p.syntaxError();
        return false;
    }
    auto parseAlias = [&]() {
        if (p.peek(QLatin1Char(':'))) {
            if (p.text.mid(p.pos, 2) != QLatin1String("::")) {
                p.syntaxError();
                return false;
            }
            p.pos += 2;
            node->alias = p.name();
            if (node->alias.isEmpty() || node->alias == QLatin1String("*")) {
                p.syntaxError();
                return false;
            }
        }
        return true;
    };
    if (!parseAlias())
        return false;
    if (p.peek(QLatin1Char('('))) {
        if (depth > 4) {
            p.syntaxError();
            return false;
        }
        ++p.pos;
        node->hasChildren = true;
        if (!parseList(p, &node->children, depth + 1))
            return false;
        if (!p.peek(QLatin1Char(')'))) {
            p.syntaxError();
            return false;
        }
        ++p.pos;
        if (node->alias.isEmpty() && !parseAlias())
            return false;
    }
    return true;
}

bool parseList(Parser &p, QVector<RawNode> *out, int depth)
{
    for (;;) {
        RawNode node;
        if (!parseItem(p, &node, depth))
            return false;
        out->append(node);
        if (!p.peek(QLatin1Char(',')))
            return true;
        ++p.pos;
    }
}

SandboxShape::Field makeField(int index, bool expansion, const QString &outName)
{
    SandboxShape::Field f;
    f.index = index;
    f.expansion = expansion;
    f.outName = outName;
    f.jsonKey = SandboxJsonWriter::quotedKey(outName);
    return f;
}

void allChildren(SandboxShape::Field *f)
{
    const QStringList &names = SandboxShape::children(f->index);
    for (int i = 0; i < names.size(); ++i)
        f->children.append(makeField(i, false, names.at(i)));
}

} // namespace

const QStringList &SandboxShape::leafNames()
{
    static const QStringList names = {
        QStringLiteral("key"),
        QStringLiteral("piid"),
        QStringLiteral("award_date"),
        QStringLiteral("description"),
        QStringLiteral("fiscal_year"),
        QStringLiteral("total_contract_value"),
        QStringLiteral("base_and_exercised_options_value"),
        QStringLiteral("obligated"),
        QStringLiteral("naics_code"),
        QStringLiteral("psc_code"),
        QStringLiteral("set_aside"),
        QStringLiteral("award_type"),
        QStringLiteral("solicitation_identifier"),
        QStringLiteral("number_of_actions"),
        QStringLiteral("subawards_summary"),
        QStringLiteral("transactions"),
        QStringLiteral("contract_financing"),
        QStringLiteral("dod_acquisition_program"),
        QStringLiteral("dod_transaction_number"),
        QStringLiteral("government_furnished_property"),
        QStringLiteral("local_area_set_aside"),
        QStringLiteral("major_program"),
        QStringLiteral("number_of_offers_source"),
        QStringLiteral("price_evaluation_percent_difference"),
        QStringLiteral("purchase_card_as_payment_method"),
        QStringLiteral("simplified_procedures_for_certain_commercial_items"),
        QStringLiteral("small_business_competitiveness_demonstration_program"),
        QStringLiteral("type_of_set_aside_source"),
    };
    return names;
}

const QStringList &SandboxShape::expansionNames()
{
    static const QStringList names = {
        QStringLiteral("recipient"),
        QStringLiteral("awarding_office"),
        QStringLiteral("funding_office"),
        QStringLiteral("place_of_performance"),
        QStringLiteral("period_of_performance"),
        QStringLiteral("parent_award"),
        QStringLiteral("naics"),
        QStringLiteral("psc"),
        QStringLiteral("set_aside"),
        QStringLiteral("award_type"),
        QStringLiteral("competition"),
        QStringLiteral("legislative_mandates"),
        QStringLiteral("officers"),
        QStringLiteral("subawards_summary"),
        QStringLiteral("transactions"),
        QStringLiteral("vehicle"),
        QStringLiteral("commercial_item_acquisition_procedures"),
        QStringLiteral("consolidated_contract"),
        QStringLiteral("contingency_humanitarian_or_peacekeeping_operation"),
        QStringLiteral("contract_bundling"),
        QStringLiteral("cost_accounting_standards_clause"),
        QStringLiteral("cost_or_pricing_data"),
        QStringLiteral("domestic_or_foreign_entity"),
        QStringLiteral("epa_designated_product"),
        QStringLiteral("evaluated_preference"),
        QStringLiteral("fair_opportunity_limited_sources"),
        QStringLiteral("fed_biz_opps"),
        QStringLiteral("foreign_funding"),
        QStringLiteral("information_technology_commercial_item_category"),
        QStringLiteral("inherently_governmental_functions"),
        QStringLiteral("performance_based_service_acquisition"),
        QStringLiteral("place_of_manufacture"),
        QStringLiteral("recovered_materials_sustainability"),
        QStringLiteral("research"),
        QStringLiteral("sam_exception"),
        QStringLiteral("subcontracting_plan"),
        QStringLiteral("tradeoff_process"),
        QStringLiteral("undefinitized_action"),
    };
    return names;
}

const QStringList &SandboxShape::children(int expansion)
{
    static const QVector<QStringList> lists = [] {
        QVector<QStringList> l(EFirstCodeDescription);
        const QStringList office = {
            QStringLiteral("office_code"),     QStringLiteral("office_name"),
            QStringLiteral("agency_code"),     QStringLiteral("agency_name"),
            QStringLiteral("department_code"), QStringLiteral("department_name"),
            QStringLiteral("organization_id")};
        l[ERecipient] = QStringList{QStringLiteral("uei"), QStringLiteral("display_name"),
                                    QStringLiteral("legal_business_name"), QStringLiteral("cage"),
                                    QStringLiteral("cage_code")};
        l[EAwardingOffice] = office;
        l[EFundingOffice] = office;
        l[EPlaceOfPerformance] =
            QStringList{QStringLiteral("city_name"),    QStringLiteral("state_code"),
                        QStringLiteral("state_name"),   QStringLiteral("country_code"),
                        QStringLiteral("country_name"), QStringLiteral("zip_code")};
        l[EPeriodOfPerformance] =
            QStringList{QStringLiteral("start_date"), QStringLiteral("current_end_date"),
                        QStringLiteral("ultimate_completion_date")};
        l[EParentAward] = QStringList{QStringLiteral("key"), QStringLiteral("piid")};
        l[ENaics] = kCodeDescription;
        l[EPsc] = kCodeDescription;
        l[ESetAside] = kCodeDescription;
        l[EAwardType] = kCodeDescription;
        l[ECompetition] = QStringList{QStringLiteral("contract_type"),
                                      QStringLiteral("extent_competed"),
                                      QStringLiteral("number_of_offers_received"),
                                      QStringLiteral("other_than_full_and_open_competition"),
                                      QStringLiteral("solicitation_date"),
                                      QStringLiteral("solicitation_identifier"),
                                      QStringLiteral("solicitation_procedures")};
        l[ELegislativeMandates] =
            QStringList{QStringLiteral("clinger_cohen_act_planning"),
                        QStringLiteral("construction_wage_rate_requirements"),
                        QStringLiteral("employment_eligibility_verification"),
                        QStringLiteral("interagency_contracting_authority"),
                        QStringLiteral("labor_standards"),
                        QStringLiteral("materials_supplies_articles_equipment"),
                        QStringLiteral("other_statutory_authority"),
                        QStringLiteral("service_contract_inventory")};
        QStringList officers;
        for (int i = 1; i <= 5; ++i)
            officers << QStringLiteral("highly_compensated_officer_%1_name").arg(i);
        for (int i = 1; i <= 5; ++i)
            officers << QStringLiteral("highly_compensated_officer_%1_amount").arg(i);
        l[EOfficers] = officers;
        l[ESubawardsSummary] = QStringList{QStringLiteral("count"), QStringLiteral("total_amount")};
        l[ETransactions] =
            QStringList{QStringLiteral("action_type"), QStringLiteral("description"),
                        QStringLiteral("modification_number"), QStringLiteral("obligated"),
                        QStringLiteral("transaction_date")};
        l[EVehicle] = QStringList{QStringLiteral("uuid"),
                                  QStringLiteral("agency_id"),
                                  QStringLiteral("award_date"),
                                  QStringLiteral("contract_type"),
                                  QStringLiteral("description"),
                                  QStringLiteral("fiscal_year"),
                                  QStringLiteral("last_date_to_order"),
                                  QStringLiteral("naics_code"),
                                  QStringLiteral("psc_code"),
                                  QStringLiteral("set_aside"),
                                  QStringLiteral("solicitation_date"),
                                  QStringLiteral("solicitation_description"),
                                  QStringLiteral("solicitation_identifier"),
                                  QStringLiteral("solicitation_title"),
                                  QStringLiteral("type_of_idc"),
                                  QStringLiteral("vehicle_type"),
                                  QStringLiteral("who_can_use")};
        return l;
    }();
    if (expansion >= 0 && expansion < EFirstCodeDescription)
        return lists.at(expansion);
    return kCodeDescription;
}

bool SandboxShape::parse(const QString &text, QVector<Field> *fields, QVector<Issue> *issues)
{
    Parser p{text, 0, issues};
    QVector<RawNode> nodes;
    if (text.trimmed().isEmpty()) {
        issues->append({QString(), QStringLiteral("empty_shape")});
        return false;
    }
    if (!parseList(p, &nodes, 0))
        return false;
    if (!p.atEnd()) {
        p.syntaxError();
        return false;
    }

    const QStringList &leaves = leafNames();
    const QStringList &expansions = expansionNames();
    QVector<Field> out;
    QStringList seen;
    for (const RawNode &n : nodes) {
        if (n.name == QLatin1String("*")) {
            issues->append({QStringLiteral("*"), QStringLiteral("wildcard_not_allowed_at_root")});
            continue;
        }
        QString name = n.name;
        if (n.hasChildren && name == QLatin1String("naics_code"))
            name = QStringLiteral("naics");
        else if (n.hasChildren && name == QLatin1String("psc_code"))
            name = QStringLiteral("psc");
        const QString outName = n.alias.isEmpty() ? name : n.alias;
        const int leaf = leaves.indexOf(name);
        const int exp = expansions.indexOf(name);
        if (!n.hasChildren) {
            if (leaf >= 0) {
                if (!seen.contains(outName))
                    out.append(makeField(leaf, false, outName));
            } else if (exp >= 0) {
                // A bare expansion name is read as name(*).
                Field f = makeField(exp, true, outName);
                allChildren(&f);
                if (!seen.contains(outName))
                    out.append(f);
            } else {
                issues->append({n.name, QStringLiteral("unknown_field")});
            }
            seen.append(outName);
            continue;
        }
        if (exp < 0) {
            issues->append({n.name, leaf >= 0 ? QStringLiteral("not_expandable")
                                              : QStringLiteral("unknown_field")});
            continue;
        }
        Field f = makeField(exp, true, outName);
        const QStringList &kids = children(exp);
        QStringList kidSeen;
        for (const RawNode &c : n.children) {
            const QString path = name + QLatin1Char('.') + c.name;
            if (c.name == QLatin1String("*")) {
                if (c.hasChildren || !c.alias.isEmpty()) {
                    issues->append({path, QStringLiteral("syntax_error")});
                    continue;
                }
                for (int i = 0; i < kids.size(); ++i) {
                    if (!kidSeen.contains(kids.at(i))) {
                        f.children.append(makeField(i, false, kids.at(i)));
                        kidSeen.append(kids.at(i));
                    }
                }
                continue;
            }
            const int k = kids.indexOf(c.name);
            if (k < 0) {
                issues->append({path, QStringLiteral("unknown_field")});
                continue;
            }
            if (c.hasChildren) {
                issues->append({path, QStringLiteral("not_expandable")});
                continue;
            }
            const QString kidOut = c.alias.isEmpty() ? c.name : c.alias;
            if (!kidSeen.contains(kidOut))
                f.children.append(makeField(k, false, kidOut));
            kidSeen.append(kidOut);
        }
        if (!seen.contains(outName))
            out.append(f);
        seen.append(outName);
    }
    if (!issues->isEmpty())
        return false;
    *fields = out;
    return true;
}

const QVector<SandboxShape::Field> &SandboxShape::defaultFields()
{
    static const QVector<Field> fields = [] {
        QVector<Field> f;
        QVector<Issue> issues;
        parse(QStringLiteral("key,piid,award_date,fiscal_year,obligated,"
                             "base_and_exercised_options_value,total_contract_value,naics_code,"
                             "psc_code,set_aside,solicitation_identifier,description,"
                             "awarding_office(*),funding_office(*),recipient(*),parent_award(*),"
                             "legislative_mandates(*),place_of_performance(*),"
                             "subawards_summary(*)"),
              &f, &issues);
        Q_ASSERT(issues.isEmpty());
        return f;
    }();
    return fields;
}

QByteArray SandboxShape::availableFieldsJson()
{
    static const QByteArray json = [] {
        SandboxJsonWriter w;
        w.beginObject();
        w.key(QStringLiteral("fields"));
        w.beginArray();
        for (const QString &n : leafNames())
            w.string(n);
        w.endArray();
        w.key(QStringLiteral("expands"));
        w.beginObject();
        const QStringList &exps = expansionNames();
        for (int i = 0; i < exps.size(); ++i) {
            w.key(exps.at(i));
            w.beginArray();
            for (const QString &c : children(i))
                w.string(c);
            w.endArray();
        }
        w.endObject();
        w.endObject();
        return w.take();
    }();
    return json;
}

} // namespace tango
