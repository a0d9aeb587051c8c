#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>

namespace tango {

// The contract shape tree of the API (REFERENCE §5.4) and the parser for `shape` values.
// A parsed shape is compiled to indices so that writing a row is a switch, not string compares.
class SandboxShape
{
public:
    enum Leaf
    {
        LKey,
        LPiid,
        LAwardDate,
        LDescription,
        LFiscalYear,
        LTotalContractValue,
        LBaseAndExercisedOptionsValue,
        LObligated,
        LNaicsCode,
        LPscCode,
        LSetAside,
        LAwardType,
        LSolicitationIdentifier,
        LNumberOfActions,
        LSubawardsSummary,
        LTransactions,
        LFirstNullLeaf // the remaining leaves have no synthetic data and are written as null
    };
    enum Expansion
    {
        ERecipient,
        EAwardingOffice,
        EFundingOffice,
        EPlaceOfPerformance,
        EPeriodOfPerformance,
        EParentAward,
        ENaics,
        EPsc,
        ESetAside,
        EAwardType,
        ECompetition,
        ELegislativeMandates,
        EOfficers,
        ESubawardsSummary,
        ETransactions,
        EVehicle,
        EFirstCodeDescription // the remaining expansions are {code, description} objects
    };

    struct Field
    {
        int index = -1;         // Leaf, Expansion, or child position within the parent expansion
        bool expansion = false; // root only: index is an Expansion
        QByteArray jsonKey;     // "\"out_name\":"
        QString outName;
        QVector<Field> children; // an expansion's chosen children
    };
    struct Issue
    {
        QString path;
        QString reason;
    };

    static const QStringList &leafNames();
    static const QStringList &expansionNames();
    static const QStringList &children(int expansion);

    // Parses and validates; on failure returns false and fills issues (never empty then).
    static bool parse(const QString &text, QVector<Field> *fields, QVector<Issue> *issues);
    // What the list and detail endpoints send when no shape is given (REFERENCE §5.7).
    static const QVector<Field> &defaultFields();
    // {"fields": [...], "expands": {"recipient": [...], ...}} for 400 bodies.
    static QByteArray availableFieldsJson();
};

} // namespace tango
