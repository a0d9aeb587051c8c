#pragma once

#include "contracts/ContractField.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>
#include <QVector>

#include <optional>

namespace tango {

// The catalogue of contract fields (REFERENCE §5.4) and the helpers that turn a set of fields
// into a `shape` and read values back out of a (possibly oddly typed) JSON record.
class ContractFields
{
    Q_DECLARE_TR_FUNCTIONS(ContractFields)
public:
    static const QVector<ContractField> &all();
    static const ContractField *find(const QString &path);
    static QStringList defaultColumns(); // PIID, award date, recipient, description, TCV, ...
    static QString title(const ContractField &f);
    static QString groupTitle(ContractField::Group g);

    // "key,piid,recipient(display_name,uei)": leaves first-seen order, nested grouped under
    // their root. Unknown paths are passed through as written (the server will judge them).
    // Duplicates are dropped; "x.*" gives "x(*)"; deeper paths nest ("a.b.c" -> "a(b(c))");
    // a bare leaf that is also expanded ("award_type" + "award_type.code") yields only the
    // expansion, since both would fill the same key; terms already in shape syntax
    // ("recipient(*)", "key::id") are kept verbatim. Does not add "key" (ContractQuery does).
    static QString shapeFor(const QStringList &paths);

    // The raw value at a dotted path; QJsonValue::Undefined when missing, Null when null (also
    // when a parent object is null). Also finds the dotted key of a flat=true record.
    // Allocation-free lookups: cheap enough per table cell.
    static QJsonValue valueAt(const QJsonObject &record, const QString &path);

    // A dotted path split once, for reading the same path out of many records (an export).
    struct Path
    {
        QString full;      // "recipient.display_name"
        QStringList parts; // {"recipient", "display_name"}; empty parts kept
    };
    static Path compilePath(const QString &path);
    // Same answer as valueAt(record, path.full), without splitting the path again.
    static QJsonValue valueAt(const QJsonObject &record, const Path &path);
    // Text of any scalar: strings as is, integers without ".0", doubles shortest round-trip,
    // bools "true"/"false"; {code, description} objects as "code — description"; arrays joined
    // with "; ". Null and missing give an empty string (check isNull() when that matters).
    static QString text(const QJsonValue &v);
    // A number from a number or a numeric string ("5306.85", "070"); nullopt otherwise.
    static std::optional<double> number(const QJsonValue &v);
    // A code as text: 47 -> "47", "012" -> "012", 541511.0 -> "541511".
    static QString code(const QJsonValue &v);
    static bool isNull(const QJsonValue &v) { return v.isNull() || v.isUndefined(); }
};

} // namespace tango
