#include "export/CsvWriter.h"

#include "contracts/ContractFields.h"

#include <QIODevice>

#include <charconv>
#include <cmath>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tango {

namespace {

constexpr double kExactIntegerLimit = 9007199254740992.0; // 2^53
// Fixed notation of the largest double is 309 digits.
constexpr int kNumberBuffer = 400;
constexpr double kExactCentsLimit = 35184372088832.0; // 2^45

// Shortest round-trip text of a finite number into out; returns its length. Same text as
// ContractFields::text() gives, without building a QString.
int numberChars(double d, char *out)
{
    std::to_chars_result r;
    if (d == std::floor(d) && std::fabs(d) < kExactIntegerLimit)
        r = std::to_chars(out, out + kNumberBuffer, qint64(d));
    else if (std::fabs(d) < 1e21)
        r = std::to_chars(out, out + kNumberBuffer, d, std::chars_format::fixed);
    else
        r = std::to_chars(out, out + kNumberBuffer, d, std::chars_format::general);
    return int(r.ptr - out);
}

// Money with two decimals into out; returns its length (0 for NaN/infinity).
// Rounds the shortest decimal form, not the binary value: 1.005 is "1.005" to a person and
// must become 1.01, and 5388564.6899999995 must not show its float noise.
int moneyChars(double value, char *out)
{
    if (!std::isfinite(value))
        return 0;
    // Fast path, same text: when cents/100 reads back as exactly this double, the shortest
    // form has at most two decimals and is that number. Below 2^45 doubles are closer than
    // 0.01 apart, so no other two-decimal number can read back as the same double.
    if (std::fabs(value) < kExactCentsLimit) {
        const double cents = std::nearbyint(value * 100.0);
        if (cents / 100.0 == value) {
            const qint64 c = qint64(std::fabs(cents));
            int o = 0;
            if (c != 0 && value < 0)
                out[o++] = '-';
            o += int(std::to_chars(out + o, out + o + 24, c / 100).ptr - (out + o));
            out[o++] = '.';
            out[o++] = char('0' + (c % 100) / 10);
            out[o++] = char('0' + c % 10);
            return o;
        }
    }
    char digits[kNumberBuffer];
    const auto r =
        std::to_chars(digits, digits + sizeof digits, std::fabs(value), std::chars_format::fixed);
    const int len = int(r.ptr - digits);
    int dot = 0;
    while (dot < len && digits[dot] != '.')
        ++dot;
    // Integer digits plus exactly two decimals, in a work area with room for a carry.
    char work[kNumberBuffer + 4];
    int n = 1;
    work[0] = '0';
    for (int i = 0; i < dot; ++i)
        work[n++] = digits[i];
    const int fracStart = dot + 1;
    for (int k = 0; k < 2; ++k)
        work[n++] = fracStart + k < len ? digits[fracStart + k] : '0';
    if (fracStart + 2 < len && digits[fracStart + 2] >= '5') {
        for (int i = n - 1; i >= 0; --i) {
            if (work[i] == '9') {
                work[i] = '0';
            } else {
                ++work[i];
                break;
            }
        }
    }
    int start = work[0] == '0' ? 1 : 0; // the spare leading digit, unless a carry used it
    bool zero = true;
    for (int i = start; i < n; ++i)
        zero = zero && work[i] == '0';
    int o = 0;
    if (value < 0 && !zero)
        out[o++] = '-';
    for (int i = start; i < n - 2; ++i)
        out[o++] = work[i];
    out[o++] = '.';
    out[o++] = work[n - 2];
    out[o++] = work[n - 1];
    return o;
}

// Renders a value for a cell. *guardable says whether the result is free text (which the
// formula guard may prefix) rather than a number or date produced from typed data.
QString render(const QJsonValue &v, ContractField::Type type, bool *guardable)
{
    *guardable = false;
    if (ContractFields::isNull(v))
        return QString();
    switch (type) {
    case ContractField::Type::Money:
        if (v.isDouble() || v.isString()) {
            if (const auto n = ContractFields::number(v))
                return CsvWriter::moneyText(*n);
        }
        break;
    case ContractField::Type::Integer:
        if (v.isDouble() || v.isString()) {
            if (const auto n = ContractFields::number(v))
                return ContractFields::text(QJsonValue(*n));
        }
        break;
    case ContractField::Type::Date:
        if (v.isString()) {
            const QString s = v.toString();
            if (!s.isEmpty() && s.at(0).isDigit())
                return s;
        }
        break;
    case ContractField::Type::Code:
        if (v.isDouble())
            return ContractFields::code(v);
        *guardable = true;
        return ContractFields::code(v);
    case ContractField::Type::Text:
        if (v.isDouble())
            return ContractFields::text(v);
        break;
    }
    *guardable = true;
    return ContractFields::text(v);
}

bool startsFormula(QStringView s)
{
    if (s.isEmpty())
        return false;
    switch (s.at(0).unicode()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
        return true;
    default:
        return false;
    }
}

} // namespace

CsvWriter::CsvWriter(QIODevice *out)
    : m_out(out)
{
    m_buffer.reserve(m_chunkSize + 4096);
}

CsvWriter::~CsvWriter()
{
    if (!hasError() && !m_buffer.isEmpty())
        flush();
}

bool CsvWriter::setDelimiter(QChar delimiter)
{
    if (delimiter != QLatin1Char(',') && delimiter != QLatin1Char(';') &&
        delimiter != QLatin1Char('\t'))
        return false;
    m_delimiter = delimiter;
    return true;
}

QString CsvWriter::moneyText(double value)
{
    char buf[kNumberBuffer + 8];
    return QString::fromLatin1(buf, moneyChars(value, buf));
}

QString CsvWriter::cellText(const QJsonValue &value, ContractField::Type type)
{
    bool guardable = false;
    return render(value, type, &guardable);
}

bool CsvWriter::fail(const QString &why)
{
    if (m_error.isEmpty())
        m_error = why;
    m_buffer.clear();
    return false;
}

bool CsvWriter::begin()
{
    if (hasError())
        return false;
    if (!m_out)
        return fail(tr("Cannot write the CSV file: no output device."));
    if (!m_out->isWritable())
        return fail(tr("Cannot write the CSV file: the output is not open for writing."));
    if (!m_started) {
        m_started = true;
        if (m_bom)
            m_buffer.append("\xEF\xBB\xBF", 3);
    }
    m_rowHasCell = false;
    m_lastCellEmpty = false;
    return true;
}

void CsvWriter::appendCell(QStringView text, bool guard, bool forceQuote)
{
    const bool prefix = guard && startsFormula(text);
    const char16_t delim = m_delimiter.unicode();
    const char16_t *u = text.utf16();
    const qsizetype n = text.size();
    const bool separate = m_rowHasCell;
    m_rowHasCell = true;

    // The usual cell is plain ASCII that needs no quotes: copy it byte for byte while
    // checking, in the same pass, whether it needs quotes or UTF-8 encoding after all;
    // if so, take the bytes back and encode it the general way below.
    const qsizetype at = m_buffer.size();
    m_buffer.resize(at + n + 1);
    char *p = m_buffer.data() + at;
    if (separate)
        *p++ = char(delim);
    qsizetype i = 0;
    bool special = false;
    bool ascii = true;
#if defined(__SSE2__)
    const __m128i vDelim = _mm_set1_epi16(short(delim));
    const __m128i vQuote = _mm_set1_epi16(short(u'"'));
    const __m128i vCr = _mm_set1_epi16(short(u'\r'));
    const __m128i vLf = _mm_set1_epi16(short(u'\n'));
    const __m128i vHigh = _mm_set1_epi16(short(0xFF80));
    __m128i specials = _mm_setzero_si128();
    __m128i high = _mm_setzero_si128();
    for (; i + 8 <= n; i += 8) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i *>(u + i));
        const __m128i special =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi16(x, vDelim), _mm_cmpeq_epi16(x, vQuote)),
                         _mm_or_si128(_mm_cmpeq_epi16(x, vCr), _mm_cmpeq_epi16(x, vLf)));
        specials = _mm_or_si128(specials, special);
        high = _mm_or_si128(high, _mm_and_si128(x, vHigh));
        _mm_storel_epi64(reinterpret_cast<__m128i *>(p + i), _mm_packus_epi16(x, x));
    }
    special = _mm_movemask_epi8(specials) != 0;
    ascii = _mm_movemask_epi8(_mm_cmpeq_epi16(high, _mm_setzero_si128())) == 0xFFFF;
#endif
    char16_t bits = 0;
    for (; i < n; ++i) {
        const char16_t c = u[i];
        bits |= c;
        special |= (c == delim) | (c == u'"') | (c == u'\r') | (c == u'\n');
        p[i] = char(c);
    }
    ascii = ascii && bits < 0x80;
    bool quote = forceQuote;
    if (!quote && n > 0) {
        const char16_t first = u[0];
        const char16_t last = u[n - 1];
        quote = special || first == u' ' || first == u'\t' || last == u' ' || last == u'\t';
    }
    m_lastCellEmpty = n == 0 && !quote;
    if (!quote && !prefix && ascii) {
        m_buffer.resize(p + n - m_buffer.constData());
        return;
    }
    m_buffer.resize(at + (separate ? 1 : 0));

    // Encode straight into the buffer: worst case 3 bytes per UTF-16 unit (a surrogate pair
    // is 2 units for 4 bytes; a doubled quote 2 bytes), plus prefix and two quotes.
    const qsizetype start = m_buffer.size();
    m_buffer.resize(start + 3 * text.size() + 3);
    p = m_buffer.data() + start;
    if (quote)
        *p++ = '"';
    if (prefix)
        *p++ = '\'';
    for (i = 0; i < n; ++i) {
        const char16_t c = u[i];
        if (c < 0x80) {
            if (c == u'"')
                *p++ = '"';
            *p++ = char(c);
        } else if (c < 0x800) {
            *p++ = char(0xC0 | (c >> 6));
            *p++ = char(0x80 | (c & 0x3F));
        } else if (QChar::isHighSurrogate(c) && i + 1 < n && QChar::isLowSurrogate(u[i + 1])) {
            const char32_t cp = QChar::surrogateToUcs4(c, u[i + 1]);
            ++i;
            *p++ = char(0xF0 | (cp >> 18));
            *p++ = char(0x80 | ((cp >> 12) & 0x3F));
            *p++ = char(0x80 | ((cp >> 6) & 0x3F));
            *p++ = char(0x80 | (cp & 0x3F));
        } else {
            // A lone surrogate cannot be UTF-8: write U+FFFD instead of invalid bytes.
            const char16_t cc = QChar::isSurrogate(c) ? char16_t(0xFFFD) : c;
            *p++ = char(0xE0 | (cc >> 12));
            *p++ = char(0x80 | ((cc >> 6) & 0x3F));
            *p++ = char(0x80 | (cc & 0x3F));
        }
    }
    if (quote)
        *p++ = '"';
    m_buffer.resize(p - m_buffer.constData());
}

void CsvWriter::appendAscii(const char *text, int length)
{
    const qsizetype at = m_buffer.size();
    const int separator = m_rowHasCell ? 1 : 0;
    m_buffer.resize(at + separator + length);
    char *p = m_buffer.data() + at;
    if (separator)
        *p++ = char(m_delimiter.unicode());
    if (length > 0)
        std::memcpy(p, text, size_t(length));
    m_rowHasCell = true;
    m_lastCellEmpty = length == 0;
}

void CsvWriter::appendValue(const QJsonValue &value, ContractField::Type type)
{
    if (ContractFields::isNull(value)) {
        appendCell(QStringView(), false, false);
        return;
    }
    // Numbers go straight from the double to the buffer: they never need quotes or the guard.
    char buf[kNumberBuffer + 8];
    switch (type) {
    case ContractField::Type::Money:
    case ContractField::Type::Integer:
        if (value.isDouble() || value.isString()) {
            if (const auto n = ContractFields::number(value)) {
                appendAscii(buf, type == ContractField::Type::Money ? moneyChars(*n, buf)
                                                                    : numberChars(*n, buf));
                return;
            }
        }
        break;
    case ContractField::Type::Text:
    case ContractField::Type::Code:
        if (value.isDouble() && std::isfinite(value.toDouble())) {
            appendAscii(buf, numberChars(value.toDouble(), buf));
            return;
        }
        break;
    case ContractField::Type::Date:
        if (value.isString()) {
            // As render(): a date-like string is typed data, anything else free text.
            const QString text = value.toString();
            const bool date = !text.isEmpty() && text.at(0).isDigit();
            appendCell(text, !date && m_formulaGuard, text.isEmpty());
            return;
        }
        break;
    }
    if (type == ContractField::Type::Text && value.isString()) {
        const QString text = value.toString();
        appendCell(text, m_formulaGuard, text.isEmpty());
        return;
    }
    bool guardable = false;
    const QString text = render(value, type, &guardable);
    // An empty string is written as "" so that readers can tell it from a missing value.
    appendCell(text, guardable && m_formulaGuard, text.isEmpty());
}

bool CsvWriter::endRow(int cells)
{
    // A row made of one empty field would be a blank line, which many readers drop.
    if (cells == 1 && m_lastCellEmpty)
        m_buffer.append("\"\"", 2);
    if (m_lineEnding == LineEnding::CRLF)
        m_buffer.append("\r\n", 2);
    else
        m_buffer.append('\n');
    ++m_rows;
    if (m_buffer.size() >= m_chunkSize)
        return flush();
    return true;
}

bool CsvWriter::writeHeader(const QStringList &names)
{
    if (!begin())
        return false;
    for (const QString &name : names)
        appendCell(name, false, false);
    const bool ok = endRow(int(names.size()));
    --m_rows; // the header is not a data row
    return ok;
}

bool CsvWriter::writeRow(const QStringList &cells)
{
    if (!begin())
        return false;
    for (const QString &cell : cells)
        appendCell(cell, m_formulaGuard, false);
    return endRow(int(cells.size()));
}

bool CsvWriter::writeRow(const QJsonObject &record, const QVector<const ContractField *> &fields)
{
    if (!begin())
        return false;
    for (const ContractField *f : fields) {
        if (f)
            appendValue(ContractFields::valueAt(record, f->path), f->type);
        else
            appendCell(QStringView(), false, false);
    }
    return endRow(int(fields.size()));
}

const QVector<ContractFields::Path> &CsvWriter::compiledPaths(const QVector<Column> &columns)
{
    // QString equality first compares the data pointers, and m_paths keeps the strings it
    // was built from alive: for the same columns again this costs a few compares per row.
    bool same = m_paths.size() == columns.size();
    for (qsizetype i = 0; same && i < columns.size(); ++i)
        same = m_paths.at(i).full == columns.at(i).path;
    if (!same) {
        m_paths.clear();
        m_paths.reserve(columns.size());
        for (const Column &c : columns)
            m_paths.append(ContractFields::compilePath(c.path));
    }
    return m_paths;
}

bool CsvWriter::writeRow(const QJsonObject &record, const QVector<Column> &columns)
{
    if (!begin())
        return false;
    const QVector<ContractFields::Path> &paths = compiledPaths(columns);
    for (qsizetype i = 0; i < columns.size(); ++i)
        appendValue(ContractFields::valueAt(record, paths.at(i)), columns.at(i).type);
    return endRow(int(columns.size()));
}

bool CsvWriter::writeRow(const QVector<QJsonValue> &values, const QVector<Column> &columns)
{
    if (!begin())
        return false;
    for (qsizetype i = 0; i < columns.size(); ++i)
        appendValue(i < values.size() ? values.at(i) : QJsonValue(QJsonValue::Undefined),
                    columns.at(i).type);
    return endRow(int(columns.size()));
}

bool CsvWriter::flush()
{
    if (hasError())
        return false;
    if (m_buffer.isEmpty())
        return true;
    if (!m_out)
        return fail(tr("Cannot write the CSV file: no output device."));
    if (!m_out->isWritable()) // closed under us: QIODevice would only log a warning
        return fail(tr("Cannot write the CSV file: the output was closed."));
    qint64 done = 0;
    const qint64 total = m_buffer.size();
    while (done < total) {
        const qint64 n = m_out->write(m_buffer.constData() + done, total - done);
        if (n <= 0) {
            const QString reason = m_out->errorString();
            m_bytesWritten += done;
            return fail(reason.isEmpty() || reason == QLatin1String("Unknown error")
                            ? tr("Could not write the CSV file: the device refused the data.")
                            : tr("Could not write the CSV file: %1").arg(reason));
        }
        done += n;
    }
    m_bytesWritten += done;
    m_buffer.resize(0); // keeps the capacity for the next chunk
    return true;
}

} // namespace tango
