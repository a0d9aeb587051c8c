#pragma once

#include <QCoreApplication>
#include <QString>

namespace tango {

// One entry of the contract field catalogue.
struct ContractField
{
    enum class Type { Text, Date, Money, Integer, Code };
    enum class Group { Award, Recipient, Agencies, Codes, Dates, Amounts, Performance, Other };

    QString path;        // "piid", "recipient.display_name", "period_of_performance.start_date"
    const char *title = nullptr; // untranslated; use ContractFields::title()
    Type type = Type::Text;
    Group group = Group::Other;
    QString ordering;    // the API's ordering name when sortable ("award_date"), else empty
    bool defaultVisible = false;

    QString rootName() const;  // "recipient" for "recipient.display_name"
    QString leafName() const;  // "display_name"
    bool isNested() const { return path.contains(QLatin1Char('.')); }
};

} // namespace tango
