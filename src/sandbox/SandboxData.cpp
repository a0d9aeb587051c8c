#include "sandbox/SandboxData.h"

#include "sandbox/SandboxJsonWriter.h"

#include <QSet>

#include <algorithm>
#include <cmath>
#include <vector>

namespace tango {

namespace {

constexpr quint32 kSerialModulus = 1000000;
constexpr quint32 kSerialMultiplier = 7919; // prime, so coprime with 10^6: serials are unique
constexpr quint32 kSerialOffset = 104729;

// splitmix64: tiny, fast and good enough to make the data look random yet reproducible.
struct Rng
{
    quint64 state;
    quint64 next()
    {
        quint64 z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    quint32 below(quint32 n) { return n == 0 ? 0 : quint32(next() % n); }
    double unit() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
};

QString uuidFrom(Rng &rng)
{
    const quint64 a = rng.next();
    const quint64 b = rng.next();
    QString hex = QString::number(a, 16).rightJustified(16, QLatin1Char('0')) +
                  QString::number(b, 16).rightJustified(16, QLatin1Char('0'));
    hex[12] = QLatin1Char('4');
    return hex.left(8) + QLatin1Char('-') + hex.mid(8, 4) + QLatin1Char('-') + hex.mid(12, 4) +
           QLatin1Char('-') + hex.mid(16, 4) + QLatin1Char('-') + hex.mid(20, 12);
}

QString codeFrom(Rng &rng, const char *alphabet, int length)
{
    const int n = int(qstrlen(alphabet));
    QString s;
    for (int i = 0; i < length; ++i)
        s.append(QLatin1Char(alphabet[rng.below(quint32(n))]));
    return s;
}

quint32 modularInverse(quint32 a, quint32 m)
{
    qint64 t = 0, newT = 1, r = m, newR = a;
    while (newR != 0) {
        const qint64 q = r / newR;
        t = std::exchange(newT, t - q * newT);
        r = std::exchange(newR, r - q * newR);
    }
    return quint32(t < 0 ? t + m : t);
}

const SandboxData::Place kPlaces[] = {
    {"Washington", "DC", "District of Columbia", "USA", "UNITED STATES", "20001"},
    {"Arlington", "VA", "Virginia", "USA", "UNITED STATES", "22202"},
    {"Norfolk", "VA", "Virginia", "USA", "UNITED STATES", "23511"},
    {"San Diego", "CA", "California", "USA", "UNITED STATES", "92136"},
    {"Los Angeles", "CA", "California", "USA", "UNITED STATES", "90012"},
    {"Huntsville", "AL", "Alabama", "USA", "UNITED STATES", "35808"},
    {"Colorado Springs", "CO", "Colorado", "USA", "UNITED STATES", "80914"},
    {"San Antonio", "TX", "Texas", "USA", "UNITED STATES", "78236"},
    {"Fort Worth", "TX", "Texas", "USA", "UNITED STATES", "76102"},
    {"Dayton", "OH", "Ohio", "USA", "UNITED STATES", "45433"},
    {"Atlanta", "GA", "Georgia", "USA", "UNITED STATES", "30303"},
    {"Denver", "CO", "Colorado", "USA", "UNITED STATES", "80202"},
    {"Seattle", "WA", "Washington", "USA", "UNITED STATES", "98104"},
    {"Boston", "MA", "Massachusetts", "USA", "UNITED STATES", "02109"},
    {"Philadelphia", "PA", "Pennsylvania", "USA", "UNITED STATES", "19107"},
    {"Chicago", "IL", "Illinois", "USA", "UNITED STATES", "60604"},
    {"Kansas City", "MO", "Missouri", "USA", "UNITED STATES", "64106"},
    {"Albuquerque", "NM", "New Mexico", "USA", "UNITED STATES", "87117"},
    {"Honolulu", "HI", "Hawaii", "USA", "UNITED STATES", "96818"},
    {"Anchorage", "AK", "Alaska", "USA", "UNITED STATES", "99506"},
    {"San Juan", "PR", "Puerto Rico", "USA", "UNITED STATES", "00901"},
    {"Bethesda", "MD", "Maryland", "USA", "UNITED STATES", "20892"},
    {"Baltimore", "MD", "Maryland", "USA", "UNITED STATES", "21235"},
    {"Oklahoma City", "OK", "Oklahoma", "USA", "UNITED STATES", "73145"},
    {"Salt Lake City", "UT", "Utah", "USA", "UNITED STATES", "84111"},
    {"Kaiserslautern", "", "", "DEU", "GERMANY", "67657"},
    {"Yokosuka", "", "", "JPN", "JAPAN", "238-0001"},
    {"Coeur d'Alene", "ID", "Idaho", "USA", "UNITED STATES", "83814"},
};
constexpr int kPlaceCount = int(sizeof(kPlaces) / sizeof(kPlaces[0]));

const char *const kSubjects[] = {
    "CLOUD HOSTING SERVICES",
    "JANITORIAL SERVICES",
    "IT HELP DESK SUPPORT",
    "MEDICAL SUPPLIES",
    "Copier lease and maintenance",
    "BODY ARMOR INSERTS",
    "ENGINEERING AND TECHNICAL SUPPORT",
    "Grounds maintenance",
    "CYBERSECURITY ASSESSMENT",
    "FURNITURE FOR BLDG 12",
    "AIRCRAFT PARTS, SPARES",
    "Pharmacy stock medication",
    "SOFTWARE LICENSES (ENTERPRISE)",
    "LABORATORY EQUIPMENT",
    "FUEL DELIVERY",
    "Security guard services",
    "TRAINING AND CURRICULUM DEVELOPMENT",
    "ROOF REPAIR",
    "HVAC REPLACEMENT",
    "DATA ANALYTICS PLATFORM",
    "Translation services - Spanish/Portuguese",
    "VEHICLE LEASE",
    "SATELLITE COMMUNICATIONS",
    "PROGRAM MANAGEMENT SUPPORT",
    "Office supplies",
    "ENVIRONMENTAL REMEDIATION",
    "FOOD SERVICE",
    "RADIO EQUIPMENT",
    "Housing counseling",
    "HELICOPTER MAINTENANCE",
    "RESEARCH AND DEVELOPMENT - BIOMEDICAL",
    "WEB SITE MODERNIZATION",
    "BUILDING CONSTRUCTION",
    "Laundry services",
    "ARCHITECT-ENGINEER SERVICES",
    "CALL CENTER OPERATIONS",
    "PROTECTIVE EQUIPMENT (PPE)",
    "SHIP REPAIR",
    "Conference facilities",
    "GEOSPATIAL MAPPING",
};
constexpr int kSubjectCount = int(sizeof(kSubjects) / sizeof(kSubjects[0]));

// The NAICS and PSC codes that fit each subject above, so most rows read consistently.
const struct
{
    int naics;
    const char *psc;
} kSubjectCodes[] = {
    {518210, "DA01"}, {561720, "S201"}, {541519, "DA01"}, {339113, "6515"}, {423430, "7030"},
    {339113, "8470"}, {541330, "R425"}, {561730, "S208"}, {541512, "D302"}, {337214, "7110"},
    {336413, "1560"}, {424210, "6505"}, {423430, "7030"}, {541715, "6515"}, {424720, "9130"},
    {561612, "S206"}, {611430, "U008"}, {238160, "Z2AA"}, {238220, "Z2AA"}, {541511, "DA01"},
    {541930, "R608"}, {532112, "V119"}, {334220, "5820"}, {541611, "R408"}, {424120, "7510"},
    {562910, "F108"}, {722310, "S203"}, {334220, "5820"}, {624229, "R499"}, {336411, "J015"},
    {541715, "AJ11"}, {541511, "D302"}, {236220, "Y1AA"}, {812332, "S209"}, {541330, "C211"},
    {561422, "R499"}, {339113, "8415"}, {336611, "J019"}, {721110, "V231"}, {541370, "R404"},
};
static_assert(sizeof(kSubjectCodes) / sizeof(kSubjectCodes[0]) == kSubjectCount,
              "one code pair per subject");
constexpr int kTemplateCount = 8;

const SandboxData::CodeDescription kExtentCompeted[] = {
    {"A", "FULL AND OPEN COMPETITION"},
    {"B", "NOT AVAILABLE FOR COMPETITION"},
    {"C", "NOT COMPETED"},
    {"D", "FULL AND OPEN COMPETITION AFTER EXCLUSION OF SOURCES"},
    {"F", "COMPETED UNDER SAP"},
    {"G", "NOT COMPETED UNDER SAP"},
};
const SandboxData::CodeDescription kContractTypes[] = {
    {"J", "FIRM FIXED PRICE"},
    {"U", "COST PLUS FIXED FEE"},
    {"Y", "TIME AND MATERIALS"},
    {"Z", "LABOR HOURS"},
};
const SandboxData::CodeDescription kSolicitationProcedures[] = {
    {"NP", "NEGOTIATED PROPOSAL/QUOTE"},
    {"SP1", "SIMPLIFIED ACQUISITION"},
    {"MAFO", "SUBJECT TO MULTIPLE AWARD FAIR OPPORTUNITY"},
    {"SSS", "ONLY ONE SOURCE"},
};
const SandboxData::CodeDescription kActionTypes[] = {
    {"B", "SUPPLEMENTAL AGREEMENT FOR WORK WITHIN SCOPE"},
    {"C", "FUNDING ONLY ACTION"},
    {"M", "OTHER ADMINISTRATIVE ACTION"},
    {"G", "EXERCISE AN OPTION"},
};

QString dateText(qint32 julianDay)
{
    int y = 0, m = 0, d = 0;
    QDate::fromJulianDay(julianDay).getDate(&y, &m, &d);
    const char16_t text[10] = {char16_t('0' + y / 1000),
                               char16_t('0' + y / 100 % 10),
                               char16_t('0' + y / 10 % 10),
                               char16_t('0' + y % 10),
                               u'-',
                               char16_t('0' + m / 10),
                               char16_t('0' + m % 10),
                               u'-',
                               char16_t('0' + d / 10),
                               char16_t('0' + d % 10)};
    return QString::fromUtf16(text, 10);
}

void writeCodeDescription(SandboxJsonWriter &w, const SandboxData::CodeDescription &cd, int child)
{
    w.string(child == 0 ? cd.code : cd.description);
}

bool nonCompeted(const SandboxData::Row &r)
{
    return r.extentCompeted == 1 || r.extentCompeted == 2 || r.extentCompeted == 5;
}

} // namespace

const QVector<SandboxData::Naics> &SandboxData::naicsCodes()
{
    static const QVector<Naics> codes = {
        {541511, "Custom Computer Programming Services"},
        {541512, "Computer Systems Design Services"},
        {541519, "Other Computer Related Services"},
        {541330, "Engineering Services"},
        {541611, "Administrative Management and General Management Consulting Services"},
        {541715, "Research and Development in the Physical, Engineering, and Life Sciences "
                 "(except Nanotechnology and Biotechnology)"},
        {561210, "Facilities Support Services"},
        {561720, "Janitorial Services"},
        {561612, "Security Guards and Patrol Services"},
        {561730, "Landscaping Services"},
        {236220, "Commercial and Institutional Building Construction"},
        {238220, "Plumbing, Heating, and Air-Conditioning Contractors"},
        {336411, "Aircraft Manufacturing"},
        {336413, "Other Aircraft Parts and Auxiliary Equipment Manufacturing"},
        {336611, "Ship Building and Repairing"},
        {334220, "Radio and Television Broadcasting and Wireless Communications Equipment "
                 "Manufacturing"},
        {339113, "Surgical Appliance and Supplies Manufacturing"},
        {424210, "Drugs and Druggists' Sundries Merchant Wholesalers"},
        {423430, "Computer and Computer Peripheral Equipment and Software Merchant Wholesalers"},
        {518210, "Computing Infrastructure Providers, Data Processing, Web Hosting, and Related "
                 "Services"},
        {611430, "Professional and Management Development Training"},
        {722310, "Food Service Contractors"},
        {562910, "Remediation Services"},
        {532112, "Passenger Car Leasing"},
        {624229, "Other Community Housing Services"},
        {337214, "Office Furniture (except Wood) Manufacturing"},
        {424720, "Petroleum and Petroleum Products Merchant Wholesalers (except Bulk Stations "
                 "and Terminals)"},
        {238160, "Roofing Contractors"},
        {541930, "Translation and Interpretation Services"},
        {424120, "Stationery and Office Supplies Merchant Wholesalers"},
        {812332, "Industrial Launderers"},
        {561422, "Telemarketing Bureaus and Other Contact Centers"},
        {721110, "Hotels (except Casino Hotels) and Motels"},
        {541370, "Surveying and Mapping (except Geophysical) Services"},
    };
    return codes;
}

const QVector<SandboxData::CodeDescription> &SandboxData::pscCodes()
{
    static const QVector<CodeDescription> codes = {
        {"7030", "IT AND TELECOM - BUSINESS APPLICATION SOFTWARE (PERPETUAL LICENSE SOFTWARE)"},
        {"7A20", "IT AND TELECOM - APPLICATION DEVELOPMENT SOFTWARE"},
        {"DA01", "IT AND TELECOM - BUSINESS APPLICATION/APPLICATION DEVELOPMENT SUPPORT SERVICES"},
        {"D302", "IT AND TELECOM- SYSTEMS DEVELOPMENT"},
        {"R425", "SUPPORT- PROFESSIONAL: ENGINEERING/TECHNICAL"},
        {"R408", "SUPPORT- PROFESSIONAL: PROGRAM MANAGEMENT/SUPPORT"},
        {"R499", "SUPPORT- PROFESSIONAL: OTHER"},
        {"S201", "HOUSEKEEPING- CUSTODIAL JANITORIAL"},
        {"S206", "HOUSEKEEPING- GUARD"},
        {"S208", "HOUSEKEEPING- LANDSCAPING/GROUNDSKEEPING"},
        {"6515", "MEDICAL AND SURGICAL INSTRUMENTS, EQUIPMENT, AND SUPPLIES"},
        {"6505", "DRUGS AND BIOLOGICALS"},
        {"1560", "AIRFRAME STRUCTURAL COMPONENTS"},
        {"8470", "ARMOR, PERSONAL"},
        {"7110", "OFFICE FURNITURE"},
        {"J015", "MAINT/REPAIR/REBUILD OF EQUIPMENT- AIRCRAFT AND AIRFRAME STRUCTURAL COMPONENTS"},
        {"Y1AA", "CONSTRUCTION OF OFFICE BUILDINGS"},
        {"Z2AA", "REPAIR OR ALTERATION OF OFFICE BUILDINGS"},
        {"AJ11", "GENERAL SCIENCE AND TECHNOLOGY R&D SERVICES; BASIC RESEARCH"},
        {"9130", "LIQUID PROPELLANTS AND FUELS, PETROLEUM BASE"},
        {"U008", "EDUCATION/TRAINING- TRAINING/CURRICULUM DEVELOPMENT"},
        {"5820", "RADIO AND TELEVISION COMMUNICATION EQUIPMENT, EXCEPT AIRBORNE"},
        {"F108", "ENVIRONMENTAL SYSTEMS PROTECTION- HAZARDOUS SUBSTANCE REMOVAL"},
        {"V119", "TRANSPORTATION/TRAVEL/RELOCATION- TRANSPORTATION: OTHER"},
        {"R608", "SUPPORT- ADMINISTRATIVE: TRANSLATION AND INTERPRETING"},
        {"7510", "OFFICE SUPPLIES"},
        {"S203", "HOUSEKEEPING- FOOD"},
        {"S209", "HOUSEKEEPING- LAUNDRY/DRYCLEANING"},
        {"C211", "ARCHITECT AND ENGINEERING- GENERAL: LANDSCAPING, INTERIOR LAYOUT, AND DESIGNING"},
        {"8415", "CLOTHING, SPECIAL PURPOSE"},
        {"J019", "MAINT/REPAIR/REBUILD OF EQUIPMENT- SHIPS, SMALL CRAFT, PONTOONS, AND FLOATING "
                 "DOCKS"},
        {"V231", "LODGING, RECREATION FACILITIES"},
        {"R404", "SUPPORT- PROFESSIONAL: LAND SURVEYS-CADASTRAL (NON-CONSTRUCTION)"},
    };
    return codes;
}

const QVector<SandboxData::CodeDescription> &SandboxData::setAsides()
{
    static const QVector<CodeDescription> codes = {
        {"NONE", "NO SET ASIDE USED."},
        {"SBA", "SMALL BUSINESS SET ASIDE - TOTAL"},
        {"SBP", "SMALL BUSINESS SET ASIDE - PARTIAL"},
        {"8A", "8(A) SOLE SOURCE"},
        {"8AN", "8(A) SET-ASIDE"},
        {"HZC", "HUBZONE SET-ASIDE"},
        {"SDVOSBC", "SERVICE DISABLED VETERAN OWNED SMALL BUSINESS SET-ASIDE"},
        {"WOSB", "WOMEN OWNED SMALL BUSINESS"},
    };
    return codes;
}

const QVector<SandboxData::CodeDescription> &SandboxData::awardTypes()
{
    static const QVector<CodeDescription> codes = {
        {"A", "BPA CALL"},
        {"B", "PURCHASE ORDER"},
        {"C", "DELIVERY ORDER"},
        {"D", "DEFINITIVE CONTRACT"},
    };
    return codes;
}

SandboxData::SandboxData(int rows, quint32 seed)
{
    rows = qBound(0, rows, int(kSerialModulus));
    m_serialInverse = modularInverse(kSerialMultiplier, kSerialModulus);
    generateReferenceData(seed);

    int totalWeight = 0;
    for (const Agency &a : m_agencies)
        totalWeight += a.weight;
    // Offices grouped by agency, so a row picks an agency by weight and then one of its offices.
    QVector<QVector<int>> officesOf(m_agencies.size());
    for (int o = 0; o < m_offices.size(); ++o)
        officesOf[m_offices.at(o).agency].append(o);

    const qint32 firstDay = qint32(QDate(2020, 10, 1).toJulianDay());
    const qint32 dayCount = qint32(QDate(2025, 9, 30).toJulianDay()) - firstDay + 1;
    const int naicsCount = naicsCodes().size();
    const int pscCount = pscCodes().size();
    QVector<quint8> subjectNaics(kSubjectCount);
    QVector<quint8> subjectPsc(kSubjectCount);
    for (int s = 0; s < kSubjectCount; ++s) {
        for (int n = 0; n < naicsCount; ++n) {
            if (naicsCodes().at(n).code == kSubjectCodes[s].naics)
                subjectNaics[s] = quint8(n);
        }
        for (int p = 0; p < pscCount; ++p) {
            if (qstrcmp(pscCodes().at(p).code, kSubjectCodes[s].psc) == 0)
                subjectPsc[s] = quint8(p);
        }
    }

    m_rows.resize(rows);
    for (int i = 0; i < rows; ++i) {
        Rng rng{(quint64(seed) << 32) ^ (quint64(i) * 0x9E3779B97F4A7C15ULL) ^
                0x5851F42D4C957F2DULL};
        Row &r = m_rows[i];
        int pick = int(rng.below(quint32(totalWeight)));
        int agency = 0;
        while (pick >= m_agencies.at(agency).weight) {
            pick -= m_agencies.at(agency).weight;
            ++agency;
        }
        const QVector<int> &own = officesOf.at(agency);
        r.awardingOffice = quint8(own.at(int(rng.below(quint32(own.size())))));
        if (rng.below(10) == 0) {
            const int other = int(rng.below(quint32(m_agencies.size())));
            const QVector<int> &theirs = officesOf.at(other);
            r.fundingOffice = quint8(theirs.at(int(rng.below(quint32(theirs.size())))));
        } else {
            r.fundingOffice = r.awardingOffice;
        }
        const double u = rng.unit();
        r.vendor = quint16(std::min<double>(m_vendors.size() - 1, u * u * m_vendors.size()));
        r.awardDay = firstDay + qint32(rng.below(quint32(dayCount)));
        const QDate award = QDate::fromJulianDay(r.awardDay);
        r.fiscalYear = quint16(award.year() + (award.month() >= 10 ? 1 : 0));
        r.popStartDay = r.awardDay + qint32(rng.below(31));
        r.popEndDay = r.popStartDay + 30 + qint32(rng.below(1796));
        r.popUltimateDay = r.popEndDay + (rng.below(2) ? 0 : qint32(rng.below(731)));

        // Log-uniform from $1,000 to $50M, with cents on most values.
        const double dollars = std::exp(std::log(1000.0) + rng.unit() * std::log(50000.0));
        r.totalContractValue = qint64(dollars * 100.0);
        if (rng.below(4) == 0)
            r.totalContractValue -= r.totalContractValue % 100; // whole dollars
        r.baseAndExercised = qint64(double(r.totalContractValue) * (0.4 + 0.6 * rng.unit()));
        const quint32 obligationKind = rng.below(100);
        if (obligationKind < 3)
            r.obligated = 0;
        else if (obligationKind < 5)
            r.obligated = -qint64(double(r.baseAndExercised) * 0.1 * rng.unit()) - 1;
        else
            r.obligated = qint64(double(r.baseAndExercised) * (0.2 + 0.8 * rng.unit()));

        r.descSubject = quint8(rng.below(kSubjectCount));
        if (rng.below(100) < 85) {
            r.naics = subjectNaics.at(r.descSubject);
            r.psc = subjectPsc.at(r.descSubject);
        } else {
            r.naics = quint8(rng.below(quint32(naicsCount)));
            r.psc = quint8(rng.below(quint32(pscCount)));
        }
        r.setAside = quint8(rng.below(2) ? 0 : rng.below(quint32(setAsides().size())));
        r.awardType = quint8(rng.below(4));
        r.descTemplate = quint8(rng.below(kTemplateCount));
        r.place = quint8(rng.below(kPlaceCount));
        r.transactions = quint8(1 + rng.below(4));
        r.extentCompeted = quint8(rng.below(6));
        r.contractType = quint8(rng.below(4));
        r.hasSolicitation = rng.below(10) < 7;
        r.random = quint32(rng.next());
    }
}

SandboxData::~SandboxData() = default;

void SandboxData::generateReferenceData(quint64 seed)
{
    Rng rng{seed * 0x2545F4914F6CDD1DULL + 17};
    struct A
    {
        const char *code, *name, *abbr, *cgac;
        int weight;
        const char *officePrefix[3];
    };
    const A agencies[] = {
        {"9700", "Department of Defense", "DOD", "097", 40, {"W91", "N00", "FA8"}},
        {"4700", "General Services Administration", "GSA", "047", 8, {"47Q", "47P", "47Q"}},
        {"7500", "Department of Health and Human Services", "HHS", "075", 7, {"75N", "75F", "75D"}},
        {"8600",
         "Department of Housing and Urban Development",
         "HUD",
         "086",
         3,
         {"86", "86", "86"}},
        {"3600", "Department of Veterans Affairs", "VA", "036", 7, {"36C", "36C", "36A"}},
        {"1500", "Department of Justice", "DOJ", "015", 4, {"15B", "15F", "15J"}},
        {"7000", "Department of Homeland Security", "DHS", "070", 5, {"70B", "70C", "70S"}},
        {"1400", "Department of the Interior", "DOI", "014", 3, {"140", "140", "140"}},
        {"1200", "Department of Agriculture", "USDA", "012", 3, {"12", "12", "12"}},
        {"1300", "Department of Commerce", "DOC", "013", 2, {"13", "13", "13"}},
        {"8900", "Department of Energy", "DOE", "089", 2, {"89", "89", "89"}},
        {"1900", "Department of State", "DOS", "019", 2, {"19A", "19P", "19J"}},
        {"6900", "Department of Transportation", "DOT", "069", 2, {"693", "693", "697"}},
        {"2000", "Department of the Treasury", "TREAS", "020", 2, {"20", "20", "20"}},
        {"9100", "Department of Education", "ED", "091", 1, {"91", "91", "91"}},
        {"1600", "Department of Labor", "DOL", "016", 1, {"16", "16", "16"}},
        {"8000",
         "National Aeronautics and Space Administration",
         "NASA",
         "080",
         3,
         {"80N", "80A", "80G"}},
        {"6800", "Environmental Protection Agency", "EPA", "068", 1, {"68H", "68H", "68H"}},
        {"7300", "Small Business Administration", "SBA", "073", 1, {"73", "73", "73"}},
        {"2800", "Social Security Administration", "SSA", "028", 1, {"28", "28", "28"}},
    };
    const char *const roles[] = {"CONTRACTING OFFICE", "ACQUISITION CENTER", "PROCUREMENT DIVISION",
                                 "REGIONAL CONTRACTING CENTER", "FIELD OPERATIONS ACQUISITION"};
    const char *const alnum = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    QSet<QString> officeCodes;
    for (const A &a : agencies) {
        m_agencies.append({QString::fromLatin1(a.code), QString::fromLatin1(a.name),
                           QString::fromLatin1(a.abbr), QString::fromLatin1(a.cgac), uuidFrom(rng),
                           a.weight});
        const int agencyIndex = m_agencies.size() - 1;
        const int count = a.weight >= 5 ? 5 : 3;
        for (int o = 0; o < count; ++o) {
            const QString prefix = QString::fromLatin1(a.officePrefix[o % 3]);
            QString code;
            do {
                code = prefix + codeFrom(rng, alnum, 6 - prefix.size());
            } while (officeCodes.contains(code));
            officeCodes.insert(code);
            const QString name = QString::fromLatin1(a.abbr) + QLatin1Char(' ') +
                                 QString::fromLatin1(roles[(o + agencyIndex) % 5]);
            m_offices.append({agencyIndex, code, name, uuidFrom(rng)});
        }
    }

    // Vendors: some hand-written names that stress encodings and CSV quoting, then generated ones.
    const char *const special[] = {
        "Société Générale Services",
        "Müller & Söhne GmbH",
        "Núcleo Técnico",
        "北京华信科技有限公司",
        "Rocket 🚀 Logistics LLC",
        "O'Brien, Walsh & Associates, Inc.",
        "Zoë's Café Catering",
        "\"Precision\" Machining Co.",
        "ÅRHUS MARITIME A/S",
        "Ångström Optics Corp.",
    };
    const char *const first[] = {"Acme",     "Blue Ridge", "Summit",    "Patriot",  "Liberty",
                                 "Apex",     "Cascade",    "Ironclad",  "Keystone", "Sentinel",
                                 "Pinnacle", "Northstar",  "Red River", "Granite",  "Harbor",
                                 "Eagle",    "Frontier",   "Meridian",  "Vanguard", "Sierra"};
    const char *const middle[] = {"Federal", "Defense",  "Health",    "Technical", "Data",
                                  "Systems", "Medical",  "Logistics", "Aerospace", "Cyber",
                                  "Energy",  "Maritime", "Facility",  "Analytics", "Research"};
    const char *const last[] = {"Solutions LLC", "Technologies Inc", "Group, LLC",   "Corporation",
                                "Services Inc.", "Partners LP",      "Holdings Co.", "Associates"};
    QSet<QString> names;
    auto addVendor = [&](const QString &name) {
        names.insert(name);
        Vendor v;
        v.name = name;
        v.legalName = name.toUpper();
        v.uei = codeFrom(rng, "ABCDEFGHJKLMNPQRSTUVWXYZ123456789", 1) +
                codeFrom(rng, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 11);
        v.cage = codeFrom(rng, "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", 5);
        m_vendors.append(v);
    };
    // Put the special names among the frequent vendors so small data sets contain them too.
    int s = 0;
    while (m_vendors.size() < 300) {
        if (s < int(sizeof(special) / sizeof(special[0])) && m_vendors.size() % 3 == 1) {
            addVendor(QString::fromUtf8(special[s++]));
            continue;
        }
        const QString name = QString::fromLatin1(first[rng.below(20)]) + QLatin1Char(' ') +
                             QString::fromLatin1(middle[rng.below(15)]) + QLatin1Char(' ') +
                             QString::fromLatin1(last[rng.below(8)]);
        if (!names.contains(name))
            addVendor(name);
    }
}

QString SandboxData::piid(int i) const
{
    static const char letters[] = {'A', 'P', 'F', 'C'};
    const Row &r = m_rows.at(i);
    const quint32 serial =
        quint32((quint64(i) * kSerialMultiplier + kSerialOffset) % kSerialModulus);
    QString s = m_offices.at(r.awardingOffice).code;
    s += QString::number(r.fiscalYear % 100).rightJustified(2, QLatin1Char('0'));
    s += QLatin1Char(letters[r.awardType]);
    s += QString::number(serial).rightJustified(6, QLatin1Char('0'));
    return s;
}

QString SandboxData::key(int i) const
{
    const Row &r = m_rows.at(i);
    QString k = QStringLiteral("CONT_AWD_") + piid(i) + QLatin1Char('_') + awardingAgency(i).code;
    if (r.awardType == 0 || r.awardType == 2) {
        // Orders name their parent IDV.
        k += QStringLiteral("_") + m_offices.at(r.awardingOffice).code + QStringLiteral("19D") +
             QString::number(r.random % 9000 + 1000) + QLatin1Char('_') + awardingAgency(i).code;
    } else {
        k += QStringLiteral("_-NONE-_-NONE-");
    }
    return k;
}

QString SandboxData::description(int i) const
{
    const Row &r = m_rows.at(i);
    const QString subject = QString::fromUtf8(kSubjects[r.descSubject]);
    const QString yy = QString::number(r.fiscalYear % 100);
    switch (r.descTemplate) {
    case 0:
        return subject;
    case 1:
        return subject + QStringLiteral(", BASE YEAR PLUS FOUR OPTION YEARS");
    case 2:
        return QStringLiteral("FY") + yy + QLatin1Char(' ') + subject + QStringLiteral(" FOR ") +
               QString::fromUtf8(kPlaces[r.place].city).toUpper();
    case 3:
        return QLatin1Char('"') + subject + QStringLiteral("\" - BRIDGE CONTRACT");
    case 4:
        return subject + QStringLiteral("\nSee attachment J-1, \"Statement of Work\", para. 3");
    case 5:
        return QStringLiteral("  ") + subject + QStringLiteral("  ");
    case 6:
        return QStringLiteral("IGF::OT::IGF ") + subject + QStringLiteral("; PHASE II");
    default:
        return QStringLiteral("Purchase of ") + subject.toLower() + QStringLiteral(", quote #") +
               QString::number(r.random % 100000);
    }
}

QString SandboxData::solicitationIdentifier(int i) const
{
    const Row &r = m_rows.at(i);
    if (!r.hasSolicitation)
        return QString();
    return m_offices.at(r.awardingOffice).code +
           QString::number((r.fiscalYear - 1) % 100).rightJustified(2, QLatin1Char('0')) +
           QLatin1Char(r.awardType == 1 ? 'Q' : 'R') +
           QString::number((r.random >> 8) % 10000).rightJustified(4, QLatin1Char('0'));
}

const SandboxData::Agency &SandboxData::awardingAgency(int i) const
{
    return m_agencies.at(awardingAgencyIndex(i));
}

const SandboxData::Agency &SandboxData::fundingAgency(int i) const
{
    return m_agencies.at(fundingAgencyIndex(i));
}

int SandboxData::indexOfPiid(const QString &piidText) const
{
    const QString p = piidText.trimmed().toUpper();
    if (p.size() < 7)
        return -1;
    bool ok = false;
    const quint32 serial = p.right(6).toUInt(&ok);
    if (!ok)
        return -1;
    const quint64 diff = (quint64(serial) + kSerialModulus - kSerialOffset % kSerialModulus);
    const quint32 index = quint32((diff % kSerialModulus) * m_serialInverse % kSerialModulus);
    if (index >= quint32(m_rows.size()) || piid(int(index)) != p)
        return -1;
    return int(index);
}

int SandboxData::indexOfKey(const QString &keyText) const
{
    const QStringList parts = keyText.split(QLatin1Char('_'));
    if (parts.size() < 3 || parts.at(0) != QLatin1String("CONT") ||
        parts.at(1) != QLatin1String("AWD"))
        return -1;
    const int i = indexOfPiid(parts.at(2));
    if (i < 0 || key(i) != keyText)
        return -1;
    return i;
}

qint64 SandboxData::sortValue(int i, SortField f) const
{
    const Row &r = m_rows.at(i);
    switch (f) {
    case SortField::AwardDate:
        return r.awardDay;
    case SortField::Obligated:
        return r.obligated;
    case SortField::TotalContractValue:
        return r.totalContractValue;
    }
    return 0;
}

bool SandboxData::before(int a, int b, SortField f, bool descending) const
{
    return beforeValue(a, sortValue(b, f), b, f, descending);
}

bool SandboxData::beforeValue(int a, qint64 value, int row, SortField f, bool descending) const
{
    const qint64 va = sortValue(a, f);
    if (va != value)
        return descending ? va > value : va < value;
    return a < row;
}

const QVector<int> &SandboxData::sorted(SortField f, bool descending) const
{
    QVector<int> &out = m_sorted[int(f) * 2 + (descending ? 1 : 0)];
    if (out.size() == m_rows.size())
        return out;
    const int n = m_rows.size();
    // Sort (value, index) pairs held in plain arrays: several times faster than calling
    // sortValue() from the comparator.
    std::vector<std::pair<qint64, int>> keyed;
    keyed.resize(size_t(n));
    for (int i = 0; i < n; ++i)
        keyed[size_t(i)] = {descending ? -sortValue(i, f) : sortValue(i, f), i};
    std::sort(keyed.begin(), keyed.end());
    out.resize(n);
    for (int i = 0; i < n; ++i)
        out[i] = keyed[size_t(i)].second;
    return out;
}

void SandboxData::writeRow(SandboxJsonWriter &w, int i, const QVector<SandboxShape::Field> &fields,
                           const WriteOptions &o) const
{
    const Row &r = m_rows.at(i);
    w.beginObject();
    for (const SandboxShape::Field &f : fields) {
        if (f.expansion) {
            writeExpansion(w, i, f, o, QString());
            continue;
        }
        if (f.index == SandboxShape::LSubawardsSummary || f.index == SandboxShape::LTransactions) {
            // These leaves are whole objects/arrays: write them as their full expansion.
            SandboxShape::Field full = f;
            full.expansion = true;
            full.index = f.index == SandboxShape::LTransactions ? SandboxShape::ETransactions
                                                                : SandboxShape::ESubawardsSummary;
            const QStringList &names = SandboxShape::children(full.index);
            for (int c = 0; c < names.size(); ++c) {
                SandboxShape::Field kid;
                kid.index = c;
                kid.outName = names.at(c);
                kid.jsonKey = SandboxJsonWriter::quotedKey(kid.outName);
                full.children.append(kid);
            }
            writeExpansion(w, i, full, o, QString());
            continue;
        }
        w.key(f.jsonKey);
        switch (f.index) {
        case SandboxShape::LKey:
            w.string(key(i));
            break;
        case SandboxShape::LPiid:
            w.string(piid(i));
            break;
        case SandboxShape::LAwardDate:
            w.string(dateText(r.awardDay));
            break;
        case SandboxShape::LDescription:
            w.string(description(i));
            break;
        case SandboxShape::LFiscalYear:
            w.integer(r.fiscalYear);
            break;
        case SandboxShape::LTotalContractValue:
            w.cents(r.totalContractValue);
            break;
        case SandboxShape::LBaseAndExercisedOptionsValue:
            w.cents(r.baseAndExercised);
            break;
        case SandboxShape::LObligated:
            w.cents(r.obligated);
            break;
        case SandboxShape::LNaicsCode:
            w.integer(naicsCodes().at(r.naics).code);
            break;
        case SandboxShape::LPscCode:
            w.string(pscCodes().at(r.psc).code);
            break;
        case SandboxShape::LSetAside:
            w.string(setAsides().at(r.setAside).code);
            break;
        case SandboxShape::LAwardType:
            w.string(awardTypes().at(r.awardType).code);
            break;
        case SandboxShape::LSolicitationIdentifier: {
            const QString s = solicitationIdentifier(i);
            if (s.isEmpty())
                w.null();
            else
                w.string(s);
            break;
        }
        case SandboxShape::LNumberOfActions:
            w.integer(r.transactions);
            break;
        default:
            w.null();
        }
    }
    w.endObject();
}

void SandboxData::writeExpansion(SandboxJsonWriter &w, int i, const SandboxShape::Field &f,
                                 const WriteOptions &o, const QString &prefix) const
{
    const Row &r = m_rows.at(i);
    const QString path = prefix.isEmpty() ? f.outName : prefix + o.joiner + f.outName;
    if (f.index == SandboxShape::ETransactions) {
        writeTransactions(w, i, f.children, o, path);
        return;
    }
    bool isNull = f.index == SandboxShape::EVehicle || f.index == SandboxShape::EOfficers ||
                  f.index >= SandboxShape::EFirstCodeDescription;
    if (f.index == SandboxShape::EParentAward)
        isNull = !(r.awardType == 0 || r.awardType == 2);
    if (!o.flat) {
        w.key(f.jsonKey);
        if (isNull) {
            w.null();
            return;
        }
        w.beginObject();
        for (const SandboxShape::Field &c : f.children) {
            w.key(c.jsonKey);
            writeChild(w, i, f.index, c.index);
        }
        w.endObject();
        return;
    }
    for (const SandboxShape::Field &c : f.children) {
        w.key(path + o.joiner + c.outName);
        if (isNull)
            w.null();
        else
            writeChild(w, i, f.index, c.index);
    }
}

void SandboxData::writeChild(SandboxJsonWriter &w, int i, int expansion, int child) const
{
    const Row &r = m_rows.at(i);
    switch (expansion) {
    case SandboxShape::ERecipient: {
        const Vendor &v = m_vendors.at(r.vendor);
        switch (child) {
        case 0:
            w.string(v.uei);
            return;
        case 1:
            w.string(v.name);
            return;
        case 2:
            w.string(v.legalName);
            return;
        default:
            w.string(v.cage);
            return;
        }
    }
    case SandboxShape::EAwardingOffice:
    case SandboxShape::EFundingOffice: {
        const Office &off = m_offices.at(
            expansion == SandboxShape::EAwardingOffice ? r.awardingOffice : r.fundingOffice);
        const Agency &a = m_agencies.at(off.agency);
        switch (child) {
        case 0:
            w.string(off.code);
            return;
        case 1:
            w.string(off.name);
            return;
        case 2:
            w.string(a.code);
            return;
        case 3:
        case 5:
            w.string(a.name);
            return;
        case 4:
            w.integer(a.cgac.toInt());
            return;
        default:
            w.string(off.organizationId);
            return;
        }
    }
    case SandboxShape::EPlaceOfPerformance: {
        const Place &p = kPlaces[r.place];
        const char *values[] = {p.city,        p.stateCode,   p.stateName,
                                p.countryCode, p.countryName, p.zip};
        if (child == 1 && !*p.stateCode)
            w.null();
        else if (child == 2 && !*p.stateName)
            w.null();
        else
            w.string(values[child]);
        return;
    }
    case SandboxShape::EPeriodOfPerformance:
        w.string(dateText(child == 0   ? r.popStartDay
                          : child == 1 ? r.popEndDay
                                       : r.popUltimateDay));
        return;
    case SandboxShape::EParentAward: {
        const QString k = key(i);
        const QStringList parts = k.split(QLatin1Char('_'));
        if (child == 0)
            w.string(QStringLiteral("CONT_IDV_") + parts.value(4) + QLatin1Char('_') +
                     parts.value(5));
        else
            w.string(parts.value(4));
        return;
    }
    case SandboxShape::ENaics:
        if (child == 0)
            w.integer(naicsCodes().at(r.naics).code);
        else
            w.string(naicsCodes().at(r.naics).description);
        return;
    case SandboxShape::EPsc:
        writeCodeDescription(w, pscCodes().at(r.psc), child);
        return;
    case SandboxShape::ESetAside:
        writeCodeDescription(w, setAsides().at(r.setAside), child);
        return;
    case SandboxShape::EAwardType:
        writeCodeDescription(w, awardTypes().at(r.awardType), child);
        return;
    case SandboxShape::ECompetition: {
        auto object = [&](const CodeDescription &cd) {
            w.beginObject();
            w.key(QByteArrayLiteral("\"code\":"));
            w.string(cd.code);
            w.key(QByteArrayLiteral("\"description\":"));
            w.string(cd.description);
            w.endObject();
        };
        switch (child) {
        case 0:
            object(kContractTypes[r.contractType]);
            return;
        case 1:
            object(kExtentCompeted[r.extentCompeted]);
            return;
        case 2:
            w.integer(nonCompeted(r) ? 1 : 1 + int((r.random >> 4) % 12));
            return;
        case 3:
            if (nonCompeted(r))
                object({"ONE", "ONLY ONE SOURCE-OTHER (FAR 6.302-1 OTHER)"});
            else
                w.null();
            return;
        case 4:
            w.string(dateText(r.awardDay - 30 - qint32((r.random >> 12) % 60)));
            return;
        case 5: {
            const QString s = solicitationIdentifier(i);
            if (s.isEmpty())
                w.null();
            else
                w.string(s);
            return;
        }
        default:
            object(kSolicitationProcedures[nonCompeted(r) ? 3 : (r.random >> 16) % 3]);
            return;
        }
    }
    case SandboxShape::ELegislativeMandates: {
        static const CodeDescription values[] = {
            {"N", "NO"},  {"X", "NOT APPLICABLE"}, {"N", "NO"}, {"X", "NOT APPLICABLE"},
            {"Y", "YES"}, {"X", "NOT APPLICABLE"}, {"", ""},    {"N", "NO"}};
        if (child == 6) {
            w.null();
            return;
        }
        w.beginObject();
        w.key(QByteArrayLiteral("\"code\":"));
        w.string(values[child].code);
        w.key(QByteArrayLiteral("\"description\":"));
        w.string(values[child].description);
        w.endObject();
        return;
    }
    case SandboxShape::ESubawardsSummary: {
        const bool big = r.totalContractValue > 100000000; // over $1M
        const int count = big ? int((r.random >> 20) % 5) : 0;
        if (child == 0)
            w.integer(count);
        else
            w.cents(count == 0 ? 0 : r.totalContractValue / 100 * (count * 7 % 30));
        return;
    }
    default:
        w.null();
        return;
    }
}

qint64 SandboxData::transactionObligated(int i, int t) const
{
    const Row &r = m_rows.at(i);
    const int n = r.transactions;
    const qint64 first = n == 1 ? r.obligated : r.obligated * 6 / 10;
    if (t == 0)
        return first;
    const qint64 rest = r.obligated - first;
    const qint64 each = rest / (n - 1);
    return t == n - 1 ? rest - each * (n - 2) : each;
}

void SandboxData::writeTransactionValue(SandboxJsonWriter &w, int i, int t, int child) const
{
    const Row &r = m_rows.at(i);
    const CodeDescription &action = kActionTypes[(r.random >> (t * 2)) % 4];
    switch (child) {
    case 0:
        if (t == 0)
            w.null();
        else
            w.string(action.code);
        return;
    case 1:
        if (t == 0)
            w.string(description(i));
        else
            w.string(action.description);
        return;
    case 2:
        w.string(t == 0 ? QStringLiteral("0")
                        : QStringLiteral("P") +
                              QString::number(t).rightJustified(5, QLatin1Char('0')));
        return;
    case 3:
        w.cents(transactionObligated(i, t));
        return;
    default: {
        const qint32 span = std::max<qint32>(1, std::min<qint32>(r.popEndDay - r.awardDay, 365));
        w.string(dateText(r.awardDay + t * span / r.transactions));
        return;
    }
    }
}

void SandboxData::writeTransactions(SandboxJsonWriter &w, int i,
                                    const QVector<SandboxShape::Field> &kids, const WriteOptions &o,
                                    const QString &path) const
{
    const int n = m_rows.at(i).transactions;
    if (o.flat && o.flatLists) {
        for (int t = 0; t < n; ++t) {
            for (const SandboxShape::Field &c : kids) {
                w.key(path + o.joiner + QString::number(t) + o.joiner + c.outName);
                writeTransactionValue(w, i, t, c.index);
            }
        }
        return;
    }
    w.key(path);
    w.beginArray();
    for (int t = 0; t < n; ++t) {
        w.beginObject();
        for (const SandboxShape::Field &c : kids) {
            w.key(c.jsonKey);
            writeTransactionValue(w, i, t, c.index);
        }
        w.endObject();
    }
    w.endArray();
}

} // namespace tango
