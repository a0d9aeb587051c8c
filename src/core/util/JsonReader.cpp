#include "util/JsonReader.h"

#include <QJsonArray>
#include <QJsonObject>

#include <charconv>
#include <cstring>

namespace tango {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void appendUtf8(std::string *out, char32_t cp)
{
    if (cp < 0x80) {
        out->push_back(char(cp));
    } else if (cp < 0x800) {
        out->push_back(char(0xC0 | (cp >> 6)));
        out->push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out->push_back(char(0xE0 | (cp >> 12)));
        out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out->push_back(char(0x80 | (cp & 0x3F)));
    } else {
        out->push_back(char(0xF0 | (cp >> 18)));
        out->push_back(char(0x80 | ((cp >> 12) & 0x3F)));
        out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out->push_back(char(0x80 | (cp & 0x3F)));
    }
}

// Bytes a string may hold as they are: printable ASCII other than the quote and backslash.
struct PlainTable
{
    bool plain[256] = {};
    constexpr PlainTable()
    {
        for (int c = 0x20; c < 0x80; ++c)
            plain[c] = c != '"' && c != '\\';
    }
    constexpr bool operator[](unsigned char c) const { return plain[c]; }
};
constexpr PlainTable kPlain;

bool isHighSurrogate(char16_t u)
{
    return u >= 0xD800 && u <= 0xDBFF;
}

bool isLowSurrogate(char16_t u)
{
    return u >= 0xDC00 && u <= 0xDFFF;
}

} // namespace

JsonReader::JsonReader(const char *begin, const char *end)
    : m_begin(begin)
    , m_pos(begin)
    , m_end(end)
{}

JsonReader::JsonReader(std::string_view text)
    : JsonReader(text.data(), text.data() + text.size())
{}

bool JsonReader::parse(std::string_view text, QJsonValue *out, QString *error)
{
    JsonReader r(text);
    QJsonValue v;
    if (!r.readValue(out ? &v : nullptr) || !r.finish()) {
        if (error)
            *error = r.errorString();
        return false;
    }
    if (out)
        *out = v;
    return true;
}

bool JsonReader::isValid(std::string_view text)
{
    return parse(text, nullptr);
}

bool JsonReader::fail(const QString &why)
{
    if (m_error.isEmpty())
        m_error = tr("%1 at byte %2").arg(why).arg(offset());
    // Every later call fails too: the reader stops where the error is.
    m_pos = m_end;
    return false;
}

void JsonReader::skipSpace()
{
    while (m_pos < m_end && (*m_pos == ' ' || *m_pos == '\n' || *m_pos == '\r' || *m_pos == '\t'))
        ++m_pos;
}

char JsonReader::peek()
{
    skipSpace();
    return m_pos < m_end && m_error.isEmpty() ? *m_pos : '\0';
}

bool JsonReader::finish()
{
    if (hasError())
        return false;
    skipSpace();
    if (m_pos != m_end)
        return fail(tr("Unexpected data after the JSON value"));
    return true;
}

bool JsonReader::readLiteral(const char *word, size_t length)
{
    if (size_t(m_end - m_pos) < length || std::memcmp(m_pos, word, length) != 0)
        return fail(m_end - m_pos < qsizetype(length) &&
                            std::memcmp(m_pos, word, size_t(m_end - m_pos)) == 0
                        ? tr("Unexpected end of the JSON text")
                        : tr("Invalid value"));
    m_pos += length;
    return true;
}

bool JsonReader::skipAny()
{
    // As readValue(nullptr), without building anything: the export checks whole pages so.
    skipSpace();
    if (m_pos >= m_end || hasError())
        return fail(tr("Unexpected end of the JSON text"));
    switch (*m_pos) {
    case '{': {
        if (!beginObject())
            return false;
        bool first = true;
        for (;;) {
            std::string_view key;
            const Step s = memberKey(&first, nullptr, &key);
            if (s == Step::Error)
                return false;
            if (s == Step::End)
                return true;
            if (!skipAny())
                return false;
        }
    }
    case '[': {
        if (!beginArray())
            return false;
        bool first = true;
        for (;;) {
            const Step s = nextElement(&first);
            if (s == Step::Error)
                return false;
            if (s == Step::End)
                return true;
            if (!skipAny())
                return false;
        }
    }
    case '"': {
        bool escaped = false;
        return readString(nullptr, nullptr, &escaped);
    }
    default:
        return readValue(nullptr);
    }
}

bool JsonReader::readValue(QJsonValue *out)
{
    skipSpace();
    if (!out && m_pos < m_end && (*m_pos == '{' || *m_pos == '[' || *m_pos == '"'))
        return skipAny();
    if (m_pos >= m_end || hasError())
        return fail(tr("Unexpected end of the JSON text"));
    switch (*m_pos) {
    case '{': {
        if (!beginObject())
            return false;
        QJsonObject obj;
        bool first = true;
        for (;;) {
            QString qkey;
            std::string_view key;
            const Step s = memberKey(&first, out ? &qkey : nullptr, &key);
            if (s == Step::Error)
                return false;
            if (s == Step::End)
                break;
            QJsonValue v;
            if (!readValue(out ? &v : nullptr))
                return false;
            if (out)
                obj.insert(qkey, v);
        }
        if (out)
            *out = obj;
        return true;
    }
    case '[': {
        if (!beginArray())
            return false;
        QJsonArray arr;
        bool first = true;
        for (;;) {
            const Step s = nextElement(&first);
            if (s == Step::Error)
                return false;
            if (s == Step::End)
                break;
            QJsonValue v;
            if (!readValue(out ? &v : nullptr))
                return false;
            if (out)
                arr.append(v);
        }
        if (out)
            *out = arr;
        return true;
    }
    case '"': {
        QString s;
        bool escaped = false;
        if (!readString(out ? &s : nullptr, nullptr, &escaped))
            return false;
        if (out)
            *out = QJsonValue(s);
        return true;
    }
    case 't':
        if (!readLiteral("true", 4))
            return false;
        if (out)
            *out = QJsonValue(true);
        return true;
    case 'f':
        if (!readLiteral("false", 5))
            return false;
        if (out)
            *out = QJsonValue(false);
        return true;
    case 'n':
        if (!readLiteral("null", 4))
            return false;
        if (out)
            *out = QJsonValue(QJsonValue::Null);
        return true;
    default:
        if (*m_pos == '-' || isDigit(*m_pos))
            return readNumber(out);
        return fail(tr("Invalid value"));
    }
}

bool JsonReader::beginObject()
{
    skipSpace();
    if (m_pos >= m_end || *m_pos != '{')
        return fail(m_pos >= m_end ? tr("Unexpected end of the JSON text")
                                   : tr("An object was expected"));
    if (++m_depth > kMaxDepth)
        return fail(tr("Too deeply nested"));
    ++m_pos;
    return true;
}

bool JsonReader::beginArray()
{
    skipSpace();
    if (m_pos >= m_end || *m_pos != '[')
        return fail(m_pos >= m_end ? tr("Unexpected end of the JSON text")
                                   : tr("An array was expected"));
    if (++m_depth > kMaxDepth)
        return fail(tr("Too deeply nested"));
    ++m_pos;
    return true;
}

JsonReader::Step JsonReader::nextMember(bool *first, std::string_view *key)
{
    return memberKey(first, nullptr, key);
}

JsonReader::Step JsonReader::nextItem(char close, bool *first)
{
    skipSpace();
    if (m_pos >= m_end || hasError()) {
        fail(tr("Unexpected end of the JSON text"));
        return Step::Error;
    }
    if (*m_pos == close) {
        ++m_pos;
        --m_depth;
        return Step::End;
    }
    if (!*first) {
        if (*m_pos != ',') {
            fail(close == '}' ? tr("A comma or a closing brace was expected")
                              : tr("A comma or a closing bracket was expected"));
            return Step::Error;
        }
        ++m_pos;
        skipSpace();
    }
    *first = false;
    return Step::Item;
}

JsonReader::Step JsonReader::memberKey(bool *first, QString *qkey, std::string_view *key)
{
    if (const Step step = nextItem('}', first); step != Step::Item)
        return step;
    if (m_pos >= m_end || *m_pos != '"') {
        fail(m_pos >= m_end ? tr("Unexpected end of the JSON text") : tr("A key was expected"));
        return Step::Error;
    }
    const char *start = m_pos + 1;
    bool escaped = false;
    m_key.clear();
    if (!readString(qkey, &m_key, &escaped))
        return Step::Error;
    *key = escaped ? std::string_view(m_key) : std::string_view(start, size_t(m_pos - 1 - start));
    skipSpace();
    if (m_pos >= m_end || *m_pos != ':') {
        fail(m_pos >= m_end ? tr("Unexpected end of the JSON text") : tr("A colon was expected"));
        return Step::Error;
    }
    ++m_pos;
    return Step::Item;
}

JsonReader::Step JsonReader::nextElement(bool *first)
{
    const Step step = nextItem(']', first);
    // A ']' right here can only follow a comma: the first item's ']' already ended the array.
    if (step == Step::Item && m_pos < m_end && *m_pos == ']') {
        fail(tr("A value was expected"));
        return Step::Error;
    }
    return step;
}

bool JsonReader::validateUtf8(const unsigned char *&p)
{
    const auto *end = reinterpret_cast<const unsigned char *>(m_end);
    const unsigned char c = *p;
    int more = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        more = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        more = 2;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F; // no UTF-16 surrogates in UTF-8
    } else if (c >= 0xF0 && c <= 0xF4) {
        more = 3;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        m_pos = reinterpret_cast<const char *>(p);
        return fail(tr("Invalid UTF-8"));
    }
    if (end - p <= more) {
        m_pos = reinterpret_cast<const char *>(p);
        return fail(tr("Unexpected end of the JSON text"));
    }
    if (p[1] < lo || p[1] > hi) {
        m_pos = reinterpret_cast<const char *>(p);
        return fail(tr("Invalid UTF-8"));
    }
    for (int i = 2; i <= more; ++i) {
        if (p[i] < 0x80 || p[i] > 0xBF) {
            m_pos = reinterpret_cast<const char *>(p);
            return fail(tr("Invalid UTF-8"));
        }
    }
    p += more + 1;
    return true;
}

bool JsonReader::readCodeUnit(char16_t *unit)
{
    // m_pos is on the 'u' of \uXXXX.
    if (m_end - m_pos < 5)
        return fail(tr("Unexpected end of the JSON text"));
    int v = 0;
    for (int i = 1; i <= 4; ++i) {
        const int h = hexValue(m_pos[i]);
        if (h < 0)
            return fail(tr("Invalid escape sequence"));
        v = v * 16 + h;
    }
    m_pos += 5;
    *unit = char16_t(v);
    return true;
}

bool JsonReader::readString(QString *out, std::string *utf8, bool *escaped)
{
    // m_pos is on the opening quote.
    ++m_pos;
    const char *segment = m_pos;
    const auto *p = reinterpret_cast<const unsigned char *>(m_pos);
    const auto *end = reinterpret_cast<const unsigned char *>(m_end);
    *escaped = false;
    for (;;) {
        while (p < end && kPlain[*p])
            ++p;
        if (p >= end) {
            m_pos = m_end;
            return fail(tr("Unexpected end of the JSON text"));
        }
        const unsigned char c = *p;
        if (c == '"')
            break;
        if (c >= 0x80) {
            if (!validateUtf8(p))
                return false;
            continue;
        }
        if (c < 0x20) {
            m_pos = reinterpret_cast<const char *>(p);
            return fail(tr("Control character in a string"));
        }
        // A backslash: hand over what came before it, then the escaped character.
        const char *here = reinterpret_cast<const char *>(p);
        if (out && here > segment)
            out->append(QString::fromUtf8(segment, qsizetype(here - segment)));
        if (utf8)
            utf8->append(segment, size_t(here - segment));
        *escaped = true;
        m_pos = here + 1;
        if (m_pos >= m_end) {
            return fail(tr("Unexpected end of the JSON text"));
        }
        char plain = 0;
        switch (*m_pos) {
        case '"':
        case '\\':
        case '/':
            plain = *m_pos;
            break;
        case 'b':
            plain = '\b';
            break;
        case 'f':
            plain = '\f';
            break;
        case 'n':
            plain = '\n';
            break;
        case 'r':
            plain = '\r';
            break;
        case 't':
            plain = '\t';
            break;
        case 'u': {
            char16_t unit = 0;
            if (!readCodeUnit(&unit))
                return false;
            char32_t cp = unit;
            char16_t low = 0;
            // A surrogate pair written as two escapes is one character.
            if (isHighSurrogate(unit) && m_end - m_pos >= 6 && m_pos[0] == '\\' &&
                m_pos[1] == 'u') {
                const char *save = m_pos;
                ++m_pos;
                if (!readCodeUnit(&low))
                    return false;
                if (isLowSurrogate(low))
                    cp = 0x10000 + ((char32_t(unit) - 0xD800) << 10) + (low - 0xDC00);
                else {
                    m_pos = save;
                    low = 0;
                }
            }
            if (out) {
                out->append(QChar(unit));
                if (low)
                    out->append(QChar(low));
            }
            if (utf8)
                appendUtf8(utf8, cp);
            break;
        }
        default:
            return fail(tr("Invalid escape sequence"));
        }
        if (plain) {
            ++m_pos;
            if (out)
                out->append(QLatin1Char(plain));
            if (utf8)
                utf8->push_back(plain);
        }
        segment = m_pos;
        p = reinterpret_cast<const unsigned char *>(m_pos);
    }
    const char *close = reinterpret_cast<const char *>(p);
    if (out) {
        if (!*escaped)
            *out = QString::fromUtf8(segment, qsizetype(close - segment));
        else if (close > segment)
            out->append(QString::fromUtf8(segment, qsizetype(close - segment)));
    }
    if (utf8 && *escaped)
        utf8->append(segment, size_t(close - segment));
    m_pos = close + 1;
    return true;
}

bool JsonReader::readNumber(QJsonValue *out)
{
    const char *start = m_pos;
    const char *p = m_pos;
    if (p < m_end && *p == '-')
        ++p;
    if (p >= m_end)
        return fail(tr("Unexpected end of the JSON text"));
    if (*p == '0') {
        ++p;
    } else if (isDigit(*p)) {
        while (p < m_end && isDigit(*p))
            ++p;
    } else {
        m_pos = p;
        return fail(tr("Invalid number"));
    }
    bool isInt = true;
    if (p < m_end && *p == '.') {
        isInt = false;
        ++p;
        if (p >= m_end || !isDigit(*p)) {
            m_pos = p;
            return fail(tr("Invalid number"));
        }
        while (p < m_end && isDigit(*p))
            ++p;
    }
    bool exponent = false;
    if (p < m_end && (*p == 'e' || *p == 'E')) {
        isInt = false;
        exponent = true;
        ++p;
        if (p < m_end && (*p == '+' || *p == '-'))
            ++p;
        if (p >= m_end || !isDigit(*p)) {
            m_pos = p;
            return fail(tr("Invalid number"));
        }
        while (p < m_end && isDigit(*p))
            ++p;
    }
    if (p < m_end && isDigit(*p)) { // "01"
        m_pos = p;
        return fail(tr("Invalid number"));
    }
    m_pos = p;
    if (!out && !exponent && p - start < 300)
        return true; // no conversion needed to know it is a finite double
    if (isInt) {
        qint64 n = 0;
        const auto r = std::from_chars(start, p, n);
        if (r.ec == std::errc() && r.ptr == p) {
            if (out)
                *out = QJsonValue(n);
            return true;
        }
        // Too big for 64 bits: a double, as Qt makes it.
    }
    double d = 0;
    const auto r = std::from_chars(start, p, d);
    if (r.ec != std::errc() || r.ptr != p) {
        m_pos = start;
        return fail(tr("Number out of range"));
    }
    if (out)
        *out = QJsonValue(d);
    return true;
}

} // namespace tango
