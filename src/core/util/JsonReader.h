#pragma once

#include <QCoreApplication>
#include <QJsonValue>
#include <QString>

#include <string>
#include <string_view>

namespace tango {

// A strict, forward-only JSON reader over UTF-8 text (RFC 8259). It lets a caller walk a
// document and build QJsonValues only for the parts it wants, so that large list pages need
// not be turned into a QJsonDocument whole. Values it builds are those QJsonDocument::fromJson
// gives: integers that fit in 64 bits stay integers, other numbers are correctly rounded
// doubles, \u escapes (lone surrogates included, as Qt keeps them) become UTF-16 units.
// It rejects what is not JSON: truncation, trailing data, bad escapes, invalid UTF-8, raw
// control characters in strings, leading zeros, numbers out of the double range.
class JsonReader
{
    Q_DECLARE_TR_FUNCTIONS(tango::JsonReader)
public:
    enum class Step
    {
        Item,  // positioned on the next member's value or the next element
        End,   // the closing bracket was consumed
        Error, // see errorString()
    };

    JsonReader(const char *begin, const char *end);
    explicit JsonReader(std::string_view text);

    // Parses a whole document into *out. Returns false (and sets *error) when it is not JSON.
    static bool parse(std::string_view text, QJsonValue *out, QString *error = nullptr);
    // True when the text is one well-formed JSON document.
    static bool isValid(std::string_view text);

    // The first character of the next value (after white space), or 0 at the end.
    char peek();
    // Reads the next value into *out (out may be nullptr to only check it).
    bool readValue(QJsonValue *out);
    bool skipValue() { return readValue(nullptr); }

    // Objects: beginObject() consumes '{'; each nextMember() gives the next key, undecoded
    // bytes when it has no escapes, else decoded UTF-8 (valid until the next call), and
    // leaves the reader on its value, which the caller must read or skip.
    bool beginObject();
    Step nextMember(bool *first, std::string_view *key);
    // Arrays: beginArray() consumes '['; nextElement() leaves the reader on the next element.
    bool beginArray();
    Step nextElement(bool *first);

    // After the last value: only white space may follow.
    bool finish();

    size_t offset() const { return size_t(m_pos - m_begin); }
    bool hasError() const { return !m_error.isEmpty(); }
    QString errorString() const { return m_error; }

    static constexpr int kMaxDepth = 1024;

private:
    void skipSpace();
    Step memberKey(bool *first, QString *qkey, std::string_view *key);
    // The step shared by objects and arrays: `close` ends the container, else a comma must
    // separate an item from the one before.
    Step nextItem(char close, bool *first);
    bool fail(const QString &why);
    bool readString(QString *out, std::string *utf8, bool *escaped);
    bool readNumber(QJsonValue *out);
    bool skipAny();
    bool readLiteral(const char *word, size_t length);
    bool readCodeUnit(char16_t *unit);
    bool validateUtf8(const unsigned char *&p);

    const char *m_begin;
    const char *m_pos;
    const char *m_end;
    int m_depth = 0;
    QString m_error;
    std::string m_key; // decoded key with escapes
};

} // namespace tango
