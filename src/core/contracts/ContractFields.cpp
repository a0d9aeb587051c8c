#include "contracts/ContractFields.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace tango {

namespace {

using T = ContractField::Type;
using G = ContractField::Group;

struct Entry
{
    const char *path;
    const char *title;
    T type;
    G group;
    const char *ordering;
    bool defaultVisible;
};

// The order here is the order of the column chooser and of defaultColumns(): the default
// columns come first, in the order an analyst reads a contract.
const Entry kEntries[] = {
    {"piid", QT_TRANSLATE_NOOP("ContractFields", "PIID"), T::Text, G::Award, nullptr, true},
    {"award_date", QT_TRANSLATE_NOOP("ContractFields", "Award date"), T::Date, G::Dates,
     "award_date", true},
    {"recipient.display_name", QT_TRANSLATE_NOOP("ContractFields", "Recipient"), T::Text,
     G::Recipient, nullptr, true},
    {"description", QT_TRANSLATE_NOOP("ContractFields", "Description"), T::Text, G::Award, nullptr,
     true},
    {"total_contract_value", QT_TRANSLATE_NOOP("ContractFields", "Total contract value"), T::Money,
     G::Amounts, "total_contract_value", true},
    {"obligated", QT_TRANSLATE_NOOP("ContractFields", "Obligated"), T::Money, G::Amounts,
     "obligated", true},
    {"awarding_office.agency_name", QT_TRANSLATE_NOOP("ContractFields", "Awarding agency"), T::Text,
     G::Agencies, nullptr, true},
    {"naics_code", QT_TRANSLATE_NOOP("ContractFields", "NAICS"), T::Code, G::Codes, nullptr, true},

    // Award
    {"key", QT_TRANSLATE_NOOP("ContractFields", "Award key"), T::Text, G::Award, nullptr, false},
    {"solicitation_identifier", QT_TRANSLATE_NOOP("ContractFields", "Solicitation ID"), T::Text,
     G::Award, nullptr, false},
    {"parent_award.key", QT_TRANSLATE_NOOP("ContractFields", "Parent award key"), T::Text, G::Award,
     nullptr, false},
    {"parent_award.piid", QT_TRANSLATE_NOOP("ContractFields", "Parent award PIID"), T::Text,
     G::Award, nullptr, false},
    {"number_of_actions", QT_TRANSLATE_NOOP("ContractFields", "Number of actions"), T::Integer,
     G::Award, nullptr, false},

    // Recipient
    {"recipient.uei", QT_TRANSLATE_NOOP("ContractFields", "Recipient UEI"), T::Code, G::Recipient,
     nullptr, false},
    {"recipient.legal_business_name",
     QT_TRANSLATE_NOOP("ContractFields", "Recipient legal business name"), T::Text, G::Recipient,
     nullptr, false},
    {"recipient.cage", QT_TRANSLATE_NOOP("ContractFields", "Recipient CAGE"), T::Code, G::Recipient,
     nullptr, false},
    {"recipient.cage_code", QT_TRANSLATE_NOOP("ContractFields", "Recipient CAGE code"), T::Code,
     G::Recipient, nullptr, false},

    // Agencies
    {"awarding_office.agency_code", QT_TRANSLATE_NOOP("ContractFields", "Awarding agency code"),
     T::Code, G::Agencies, nullptr, false},
    {"awarding_office.office_name", QT_TRANSLATE_NOOP("ContractFields", "Awarding office"), T::Text,
     G::Agencies, nullptr, false},
    {"awarding_office.office_code", QT_TRANSLATE_NOOP("ContractFields", "Awarding office code"),
     T::Code, G::Agencies, nullptr, false},
    {"awarding_office.department_name", QT_TRANSLATE_NOOP("ContractFields", "Awarding department"),
     T::Text, G::Agencies, nullptr, false},
    {"awarding_office.department_code",
     QT_TRANSLATE_NOOP("ContractFields", "Awarding department code"), T::Code, G::Agencies, nullptr,
     false},
    {"awarding_office.organization_id",
     QT_TRANSLATE_NOOP("ContractFields", "Awarding organization ID"), T::Code, G::Agencies, nullptr,
     false},
    {"funding_office.agency_name", QT_TRANSLATE_NOOP("ContractFields", "Funding agency"), T::Text,
     G::Agencies, nullptr, false},
    {"funding_office.agency_code", QT_TRANSLATE_NOOP("ContractFields", "Funding agency code"),
     T::Code, G::Agencies, nullptr, false},
    {"funding_office.office_name", QT_TRANSLATE_NOOP("ContractFields", "Funding office"), T::Text,
     G::Agencies, nullptr, false},
    {"funding_office.office_code", QT_TRANSLATE_NOOP("ContractFields", "Funding office code"),
     T::Code, G::Agencies, nullptr, false},
    {"funding_office.department_name", QT_TRANSLATE_NOOP("ContractFields", "Funding department"),
     T::Text, G::Agencies, nullptr, false},
    {"funding_office.department_code",
     QT_TRANSLATE_NOOP("ContractFields", "Funding department code"), T::Code, G::Agencies, nullptr,
     false},
    {"funding_office.organization_id",
     QT_TRANSLATE_NOOP("ContractFields", "Funding organization ID"), T::Code, G::Agencies, nullptr,
     false},

    // Codes
    {"naics.code", QT_TRANSLATE_NOOP("ContractFields", "NAICS code"), T::Code, G::Codes, nullptr,
     false},
    {"naics.description", QT_TRANSLATE_NOOP("ContractFields", "NAICS description"), T::Text,
     G::Codes, nullptr, false},
    {"psc_code", QT_TRANSLATE_NOOP("ContractFields", "PSC"), T::Code, G::Codes, nullptr, false},
    {"psc.code", QT_TRANSLATE_NOOP("ContractFields", "PSC code"), T::Code, G::Codes, nullptr,
     false},
    {"psc.description", QT_TRANSLATE_NOOP("ContractFields", "PSC description"), T::Text, G::Codes,
     nullptr, false},
    {"set_aside", QT_TRANSLATE_NOOP("ContractFields", "Set-aside"), T::Code, G::Codes, nullptr,
     false},
    {"set_aside.code", QT_TRANSLATE_NOOP("ContractFields", "Set-aside code"), T::Code, G::Codes,
     nullptr, false},
    {"set_aside.description", QT_TRANSLATE_NOOP("ContractFields", "Set-aside description"), T::Text,
     G::Codes, nullptr, false},
    {"award_type", QT_TRANSLATE_NOOP("ContractFields", "Award type"), T::Code, G::Codes, nullptr,
     false},
    {"award_type.code", QT_TRANSLATE_NOOP("ContractFields", "Award type code"), T::Code, G::Codes,
     nullptr, false},
    {"award_type.description", QT_TRANSLATE_NOOP("ContractFields", "Award type description"),
     T::Text, G::Codes, nullptr, false},

    // Dates
    {"period_of_performance.start_date",
     QT_TRANSLATE_NOOP("ContractFields", "Performance start date"), T::Date, G::Dates, nullptr,
     false},
    {"period_of_performance.current_end_date",
     QT_TRANSLATE_NOOP("ContractFields", "Current end date"), T::Date, G::Dates, nullptr, false},
    {"period_of_performance.ultimate_completion_date",
     QT_TRANSLATE_NOOP("ContractFields", "Ultimate completion date"), T::Date, G::Dates, nullptr,
     false},
    {"fiscal_year", QT_TRANSLATE_NOOP("ContractFields", "Fiscal year"), T::Integer, G::Dates,
     nullptr, false},

    // Amounts
    {"base_and_exercised_options_value",
     QT_TRANSLATE_NOOP("ContractFields", "Base and exercised options value"), T::Money, G::Amounts,
     nullptr, false},
    {"subawards_summary.count", QT_TRANSLATE_NOOP("ContractFields", "Subaward count"), T::Integer,
     G::Amounts, nullptr, false},
    {"subawards_summary.total_amount", QT_TRANSLATE_NOOP("ContractFields", "Subaward total amount"),
     T::Money, G::Amounts, nullptr, false},

    // Performance
    {"place_of_performance.city_name", QT_TRANSLATE_NOOP("ContractFields", "Performance city"),
     T::Text, G::Performance, nullptr, false},
    {"place_of_performance.state_code",
     QT_TRANSLATE_NOOP("ContractFields", "Performance state code"), T::Code, G::Performance,
     nullptr, false},
    {"place_of_performance.state_name", QT_TRANSLATE_NOOP("ContractFields", "Performance state"),
     T::Text, G::Performance, nullptr, false},
    {"place_of_performance.country_code",
     QT_TRANSLATE_NOOP("ContractFields", "Performance country code"), T::Code, G::Performance,
     nullptr, false},
    {"place_of_performance.country_name",
     QT_TRANSLATE_NOOP("ContractFields", "Performance country"), T::Text, G::Performance, nullptr,
     false},
    {"place_of_performance.zip_code", QT_TRANSLATE_NOOP("ContractFields", "Performance ZIP code"),
     T::Code, G::Performance, nullptr, false},

    // Other: competition and the remaining FPDS flags
    {"competition.contract_type", QT_TRANSLATE_NOOP("ContractFields", "Contract type"), T::Code,
     G::Other, nullptr, false},
    {"competition.extent_competed", QT_TRANSLATE_NOOP("ContractFields", "Extent competed"), T::Code,
     G::Other, nullptr, false},
    {"competition.number_of_offers_received",
     QT_TRANSLATE_NOOP("ContractFields", "Offers received"), T::Integer, G::Other, nullptr, false},
    {"competition.other_than_full_and_open_competition",
     QT_TRANSLATE_NOOP("ContractFields", "Other than full and open competition"), T::Code, G::Other,
     nullptr, false},
    {"competition.solicitation_date", QT_TRANSLATE_NOOP("ContractFields", "Solicitation date"),
     T::Date, G::Other, nullptr, false},
    {"competition.solicitation_identifier",
     QT_TRANSLATE_NOOP("ContractFields", "Competition solicitation ID"), T::Text, G::Other, nullptr,
     false},
    {"competition.solicitation_procedures",
     QT_TRANSLATE_NOOP("ContractFields", "Solicitation procedures"), T::Code, G::Other, nullptr,
     false},
    {"contract_financing", QT_TRANSLATE_NOOP("ContractFields", "Contract financing"), T::Code,
     G::Other, nullptr, false},
    {"dod_acquisition_program", QT_TRANSLATE_NOOP("ContractFields", "DoD acquisition program"),
     T::Code, G::Other, nullptr, false},
    {"dod_transaction_number", QT_TRANSLATE_NOOP("ContractFields", "DoD transaction number"),
     T::Text, G::Other, nullptr, false},
    {"government_furnished_property",
     QT_TRANSLATE_NOOP("ContractFields", "Government-furnished property"), T::Code, G::Other,
     nullptr, false},
    {"local_area_set_aside", QT_TRANSLATE_NOOP("ContractFields", "Local area set-aside"), T::Code,
     G::Other, nullptr, false},
    {"major_program", QT_TRANSLATE_NOOP("ContractFields", "Major program"), T::Text, G::Other,
     nullptr, false},
    {"number_of_offers_source", QT_TRANSLATE_NOOP("ContractFields", "Number of offers source"),
     T::Code, G::Other, nullptr, false},
    {"price_evaluation_percent_difference",
     QT_TRANSLATE_NOOP("ContractFields", "Price evaluation percent difference"), T::Text, G::Other,
     nullptr, false},
    {"purchase_card_as_payment_method",
     QT_TRANSLATE_NOOP("ContractFields", "Purchase card as payment method"), T::Code, G::Other,
     nullptr, false},
    {"simplified_procedures_for_certain_commercial_items",
     QT_TRANSLATE_NOOP("ContractFields", "Simplified procedures for certain commercial items"),
     T::Code, G::Other, nullptr, false},
    {"small_business_competitiveness_demonstration_program",
     QT_TRANSLATE_NOOP("ContractFields", "Small business competitiveness demonstration program"),
     T::Code, G::Other, nullptr, false},
    {"type_of_set_aside_source", QT_TRANSLATE_NOOP("ContractFields", "Set-aside type source"),
     T::Code, G::Other, nullptr, false},
};

struct Catalogue
{
    QVector<ContractField> fields;
    QHash<QString, int> index;

    Catalogue()
    {
        fields.reserve(int(std::size(kEntries)));
        for (const Entry &e : kEntries) {
            ContractField f;
            f.path = QString::fromLatin1(e.path);
            f.title = e.title;
            f.type = e.type;
            f.group = e.group;
            if (e.ordering)
                f.ordering = QString::fromLatin1(e.ordering);
            f.defaultVisible = e.defaultVisible;
            index.insert(f.path, int(fields.size()));
            fields.append(f);
        }
    }
};

const Catalogue &catalogue()
{
    static const Catalogue c;
    return c;
}

// 2^53: every integer below it is exact in a double, so it can be printed as an integer.
constexpr double kExactIntegerLimit = 9007199254740992.0;

QString numberText(double d)
{
    if (!std::isfinite(d))
        return QString();
    // std::to_chars gives the shortest form that reads back to the same double, without
    // going through QLocale; integers print without ".0", -0 as "0".
    char buf[400];
    std::to_chars_result r;
    if (d == std::floor(d) && std::fabs(d) < kExactIntegerLimit)
        r = std::to_chars(buf, buf + sizeof buf, qint64(d));
    else if (std::fabs(d) < 1e21)
        r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
    else
        r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::general);
    return QString::fromLatin1(buf, qsizetype(r.ptr - buf));
}

QString objectText(const QJsonObject &o)
{
    const QJsonValue code = o.value(QLatin1String("code"));
    const QJsonValue description = o.value(QLatin1String("description"));
    if (!code.isUndefined() || !description.isUndefined()) {
        const QString c = ContractFields::code(code);
        const QString d = ContractFields::text(description);
        if (c.isEmpty())
            return d;
        if (d.isEmpty())
            return c;
        return c + QStringLiteral(" — ") + d;
    }
    for (const char *name : {"display_name", "name"}) {
        const QJsonValue v = o.value(QLatin1String(name));
        if (v.isString())
            return v.toString();
    }
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

// One shape term with its children, in first-seen order.
struct ShapeNode
{
    QString name;
    bool bare = false; // requested as a leaf itself
    QVector<ShapeNode> children;

    ShapeNode &child(const QString &n)
    {
        for (ShapeNode &c : children) {
            if (c.name == n)
                return c;
        }
        children.append(ShapeNode{n, false, {}});
        return children.last();
    }

    void write(QString &out) const
    {
        out += name;
        if (children.isEmpty())
            return;
        // An expansion and its bare leaf under the same name would give the record the same
        // key twice; the expansion carries more, so it wins.
        out += QLatin1Char('(');
        const bool all = std::any_of(children.cbegin(), children.cend(), [](const ShapeNode &c) {
            return c.name == QLatin1String("*");
        });
        if (all) {
            out += QLatin1Char('*');
        } else {
            for (int i = 0; i < children.size(); ++i) {
                if (i)
                    out += QLatin1Char(',');
                children.at(i).write(out);
            }
        }
        out += QLatin1Char(')');
    }
};

} // namespace

const QVector<ContractField> &ContractFields::all()
{
    return catalogue().fields;
}

const ContractField *ContractFields::find(const QString &path)
{
    const Catalogue &c = catalogue();
    const auto it = c.index.constFind(path);
    return it == c.index.cend() ? nullptr : &c.fields.at(*it);
}

QStringList ContractFields::defaultColumns()
{
    QStringList out;
    for (const ContractField &f : all()) {
        if (f.defaultVisible)
            out.append(f.path);
    }
    return out;
}

QString ContractFields::title(const ContractField &f)
{
    return QCoreApplication::translate("ContractFields", f.title);
}

QString ContractFields::groupTitle(ContractField::Group g)
{
    switch (g) {
    case G::Award:
        return tr("Award");
    case G::Recipient:
        return tr("Recipient");
    case G::Agencies:
        return tr("Agencies");
    case G::Codes:
        return tr("Codes");
    case G::Dates:
        return tr("Dates");
    case G::Amounts:
        return tr("Amounts");
    case G::Performance:
        return tr("Place of performance");
    case G::Other:
        return tr("Other");
    }
    return tr("Other");
}

QString ContractFields::shapeFor(const QStringList &paths)
{
    ShapeNode root;
    for (const QString &raw : paths) {
        const QString path = raw.trimmed();
        if (path.isEmpty())
            continue;
        // Terms with their own syntax ("x(*)", "x[top=5](*)", "key::id") are the caller's.
        const bool verbatim = path.contains(QLatin1Char('(')) || path.contains(QLatin1Char('[')) ||
                              path.contains(QLatin1Char(':'));
        if (verbatim) {
            root.child(path).bare = true;
            continue;
        }
        ShapeNode *node = &root;
        for (const QStringView part : QStringView(path).split(QLatin1Char('.'))) {
            if (part.isEmpty())
                continue;
            node = &node->child(part.toString());
        }
        if (node != &root)
            node->bare = true;
    }
    QString out;
    for (int i = 0; i < root.children.size(); ++i) {
        if (i)
            out += QLatin1Char(',');
        root.children.at(i).write(out);
    }
    return out;
}

QJsonValue ContractFields::valueAt(const QJsonObject &record, const QString &path)
{
    // QStringView lookups: no temporary strings per cell.
    QStringView rest(path);
    QJsonObject current = record;
    for (;;) {
        const qsizetype dot = rest.indexOf(QLatin1Char('.'));
        if (dot < 0)
            return current.value(rest);
        const QJsonValue v = current.value(rest.left(dot));
        if (v.isUndefined() && rest.size() == path.size()) {
            // A flat=true record carries "recipient.display_name" as one key.
            return record.value(path);
        }
        if (!v.isObject())
            return v.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(QJsonValue::Undefined);
        current = v.toObject();
        rest = rest.mid(dot + 1);
    }
}

ContractFields::Path ContractFields::compilePath(const QString &path)
{
    return Path{path, path.split(QLatin1Char('.'), Qt::KeepEmptyParts)};
}

QJsonValue ContractFields::valueAt(const QJsonObject &record, const Path &path)
{
    // QJsonObject::value(const QString &) compares keys about twice as fast as the
    // QStringView overload, and the parts are built once per export, not per cell.
    const qsizetype last = path.parts.size() - 1;
    if (last <= 0)
        return record.value(path.full);
    QJsonValue v = record.value(path.parts.at(0));
    if (v.isUndefined()) {
        // A flat=true record carries "recipient.display_name" as one key.
        return record.value(path.full);
    }
    for (qsizetype i = 1;; ++i) {
        if (!v.isObject())
            return v.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(QJsonValue::Undefined);
        const QJsonObject current = v.toObject();
        if (i == last)
            return current.value(path.parts.at(i));
        v = current.value(path.parts.at(i));
    }
}

QString ContractFields::text(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Double:
        return numberText(v.toDouble());
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Object:
        return objectText(v.toObject());
    case QJsonValue::Array: {
        QString out;
        const QJsonArray a = v.toArray();
        for (const QJsonValue &e : a) {
            const QString t = text(e);
            if (t.isEmpty())
                continue;
            if (!out.isEmpty())
                out += QStringLiteral("; ");
            out += t;
        }
        return out;
    }
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    return QString();
}

std::optional<double> ContractFields::number(const QJsonValue &v)
{
    if (v.isDouble()) {
        const double d = v.toDouble();
        return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
    }
    if (v.isString()) {
        const QString s = v.toString().trimmed();
        // Only plain decimal notation: "nan", "inf" or hex are not amounts.
        for (const QChar c : s) {
            if (!(c.isDigit() || c == QLatin1Char('.') || c == QLatin1Char('-') ||
                  c == QLatin1Char('+') || c == QLatin1Char('e') || c == QLatin1Char('E')))
                return std::nullopt;
        }
        bool ok = false;
        const double d = s.toDouble(&ok); // C locale: "." decimal point, no group separators
        if (ok && std::isfinite(d))
            return d;
        return std::nullopt;
    }
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        if (o.contains(QLatin1String("code")))
            return number(o.value(QLatin1String("code")));
    }
    return std::nullopt;
}

QString ContractFields::code(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString().trimmed();
    case QJsonValue::Double:
        return numberText(v.toDouble());
    case QJsonValue::Object: {
        const QJsonObject o = v.toObject();
        if (o.contains(QLatin1String("code")))
            return code(o.value(QLatin1String("code")));
        return text(v);
    }
    default:
        return text(v);
    }
}

} // namespace tango
