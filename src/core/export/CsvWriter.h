#pragma once

#include "contracts/ContractField.h"
#include "contracts/ContractFields.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonObject>
#include <QJsonValue>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QVector>

class QIODevice;

namespace tango {

// RFC 4180 CSV onto any QIODevice, UTF-8. Output is buffered and handed to the device in
// chunks; a device that refuses bytes (returns -1 or writes short) turns the writer into a
// failed state: every later call returns false and errorString() says why.
//
// Cells: text as is (quoted when it holds the delimiter, a quote, CR, LF, or leading/trailing
// blanks; quotes doubled), numbers without group separators, Money always with two decimals
// rounded half away from zero from the shortest decimal form (5388564.6899999995 ->
// "5388564.69"), integers plain, null/missing as an empty field; in record rows an empty
// JSON string is written as "" so a strict reader can tell it from a missing value.
class CsvWriter
{
    Q_DECLARE_TR_FUNCTIONS(CsvWriter)
public:
    enum class LineEnding
    {
        CRLF,
        LF
    };

    // A column read out of a JSON record: dotted path plus how to render it.
    struct Column
    {
        QString path;
        ContractField::Type type = ContractField::Type::Text;
    };

    explicit CsvWriter(QIODevice *out);
    // Flushes what is buffered; errors here are lost, so call flush() first when it matters.
    ~CsvWriter();
    CsvWriter(const CsvWriter &) = delete;
    CsvWriter &operator=(const CsvWriter &) = delete;

    // ',', ';' or '\t'; anything else is refused (returns false, delimiter unchanged).
    bool setDelimiter(QChar delimiter);
    QChar delimiter() const { return m_delimiter; }
    // UTF-8 byte order mark before the first byte; only effective before anything is written.
    void setBom(bool bom) { m_bom = bom; }
    bool bom() const { return m_bom; }
    void setLineEnding(LineEnding e) { m_lineEnding = e; }
    LineEnding lineEnding() const { return m_lineEnding; }
    // Prefix ' to text cells starting with = + - @ TAB or CR so spreadsheets do not run them
    // as formulas. Never applied to numbers, money or dates.
    void setFormulaGuard(bool on) { m_formulaGuard = on; }
    bool formulaGuard() const { return m_formulaGuard; }
    // How many bytes to collect before handing them to the device (default 64 KiB).
    void setChunkSize(int bytes) { m_chunkSize = qMax(1, bytes); }

    // Header row: the strings as given (titles or paths), quoted as needed, never guarded.
    bool writeHeader(const QStringList &names);
    // A row of text cells (formula guard applies to each when enabled).
    bool writeRow(const QStringList &cells);
    // A row read out of a record, one cell per field (nullptr fields give empty cells).
    bool writeRow(const QJsonObject &record, const QVector<const ContractField *> &fields);
    bool writeRow(const QJsonObject &record, const QVector<Column> &columns);
    // A row of values already read out of a record, one per column (see RecordPicker).
    bool writeRow(const QVector<QJsonValue> &values, const QVector<Column> &columns);

    // Hands everything buffered to the device.
    bool flush();

    bool hasError() const { return !m_error.isEmpty(); }
    QString errorString() const { return m_error; }
    // Bytes the device accepted so far (the BOM included); pendingBytes() are still buffered.
    qint64 bytesWritten() const { return m_bytesWritten; }
    qint64 pendingBytes() const { return m_buffer.size(); }
    qint64 rowsWritten() const { return m_rows; }

    // "5388564.69", "65000.00", "-0.01"; empty for NaN/infinity.
    static QString moneyText(double value);
    // The text a cell of the given type gets for a JSON value (no quoting, no guard).
    static QString cellText(const QJsonValue &value, ContractField::Type type);

private:
    bool begin();
    void appendCell(QStringView text, bool guard, bool forceQuote);
    void appendAscii(const char *text, int length);
    void appendValue(const QJsonValue &value, ContractField::Type type);
    bool endRow(int cells);
    bool fail(const QString &why);
    const QVector<ContractFields::Path> &compiledPaths(const QVector<Column> &columns);

    QPointer<QIODevice> m_out;
    QByteArray m_buffer;
    QString m_error;
    QChar m_delimiter = QLatin1Char(',');
    LineEnding m_lineEnding = LineEnding::CRLF;
    bool m_bom = false;
    bool m_formulaGuard = false;
    bool m_started = false;
    bool m_rowHasCell = false;
    bool m_lastCellEmpty = false;
    int m_chunkSize = 64 * 1024;
    qint64 m_bytesWritten = 0;
    qint64 m_rows = 0;
    // The column paths of the last record row, split once: an export writes the same
    // columns for every row.
    QVector<ContractFields::Path> m_paths;
};

} // namespace tango
