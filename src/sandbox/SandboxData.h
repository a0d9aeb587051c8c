#pragma once

#include "sandbox/SandboxShape.h"

#include <QDate>
#include <QString>
#include <QVector>

#include <memory>

namespace tango {

class SandboxJsonWriter;

// The deterministic synthetic contract data set. Rows are compact structs (about 80 bytes);
// strings such as PIIDs, keys and descriptions are derived from them when a response is built,
// so 100,000 rows cost a few MB and generate in a few tens of milliseconds.
class SandboxData
{
public:
    struct Agency
    {
        QString code; // "9700"
        QString name;
        QString abbreviation;
        QString cgac; // "097"
        QString key;  // organization UUID
        int weight;
    };
    struct Office
    {
        int agency;
        QString code;
        QString name;
        QString organizationId;
    };
    struct Vendor
    {
        QString name;
        QString legalName;
        QString uei;
        QString cage;
    };
    struct Place
    {
        const char *city;
        const char *stateCode;
        const char *stateName;
        const char *countryCode;
        const char *countryName;
        const char *zip;
    };
    struct CodeDescription
    {
        const char *code;
        const char *description;
    };
    struct Naics
    {
        int code;
        const char *description;
    };
    struct Row
    {
        qint64 totalContractValue; // cents
        qint64 baseAndExercised;   // cents
        qint64 obligated;          // cents
        qint32 awardDay;           // Julian day
        qint32 popStartDay;
        qint32 popEndDay;
        qint32 popUltimateDay;
        quint32 random; // per-row entropy for details nobody filters on
        quint16 vendor;
        quint16 fiscalYear;
        quint8 awardingOffice;
        quint8 fundingOffice;
        quint8 naics;
        quint8 psc;
        quint8 setAside;
        quint8 awardType; // 0..3 = A..D
        quint8 descTemplate;
        quint8 descSubject;
        quint8 place;
        quint8 transactions; // 1..4
        quint8 extentCompeted;
        quint8 contractType;
        bool hasSolicitation;
    };
    enum class SortField
    {
        AwardDate,
        Obligated,
        TotalContractValue
    };

    struct WriteOptions
    {
        bool flat = false;
        bool flatLists = false;
        QString joiner = QStringLiteral(".");
    };

    SandboxData(int rows, quint32 seed);
    ~SandboxData();

    int size() const { return m_rows.size(); }
    const Row &row(int i) const { return m_rows.at(i); }
    const QVector<Agency> &agencies() const { return m_agencies; }
    const QVector<Office> &offices() const { return m_offices; }
    const QVector<Vendor> &vendors() const { return m_vendors; }
    static const QVector<Naics> &naicsCodes();
    static const QVector<CodeDescription> &pscCodes();
    static const QVector<CodeDescription> &setAsides();
    static const QVector<CodeDescription> &awardTypes();

    QString piid(int i) const;
    QString key(int i) const;
    QString description(int i) const;
    QString solicitationIdentifier(int i) const; // empty when none
    const Agency &awardingAgency(int i) const;
    const Agency &fundingAgency(int i) const;
    int awardingAgencyIndex(int i) const
    {
        return m_offices.at(m_rows.at(i).awardingOffice).agency;
    }
    int fundingAgencyIndex(int i) const { return m_offices.at(m_rows.at(i).fundingOffice).agency; }
    const Vendor &vendor(int i) const { return m_vendors.at(m_rows.at(i).vendor); }
    // -1 when no row has this key / PIID (PIID compare is case-insensitive).
    int indexOfKey(const QString &key) const;
    int indexOfPiid(const QString &piid) const;

    qint64 sortValue(int i, SortField f) const;
    // Row indices ordered by value (ascending or descending), ties by row index ascending, which
    // is stable and cheap; built on first use and kept.
    const QVector<int> &sorted(SortField f, bool descending) const;
    // True when row a comes strictly before row b in that order.
    bool before(int a, int b, SortField f, bool descending) const;
    bool beforeValue(int a, qint64 value, int row, SortField f, bool descending) const;

    void writeRow(SandboxJsonWriter &w, int i, const QVector<SandboxShape::Field> &fields,
                  const WriteOptions &options) const;

private:
    void generateReferenceData(quint64 seed);
    void writeExpansion(SandboxJsonWriter &w, int i, const SandboxShape::Field &f,
                        const WriteOptions &o, const QString &prefix) const;
    void writeChild(SandboxJsonWriter &w, int i, int expansion, int child) const;
    void writeTransactions(SandboxJsonWriter &w, int i, const QVector<SandboxShape::Field> &kids,
                           const WriteOptions &o, const QString &prefix) const;
    void writeTransactionValue(SandboxJsonWriter &w, int i, int t, int child) const;
    qint64 transactionObligated(int i, int t) const;

    QVector<Agency> m_agencies;
    QVector<Office> m_offices;
    QVector<Vendor> m_vendors;
    QVector<Row> m_rows;
    quint32 m_serialInverse = 1;
    mutable QVector<int> m_sorted[6];
};

} // namespace tango
