#include "sandbox/SandboxJsonWriter.h"

namespace tango {

void SandboxJsonWriter::separate()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (m_needComma)
        m_out.append(',');
}

void SandboxJsonWriter::beginObject()
{
    separate();
    m_out.append('{');
    m_needComma = false;
}

void SandboxJsonWriter::endObject()
{
    m_out.append('}');
    m_needComma = true;
}

void SandboxJsonWriter::beginArray()
{
    separate();
    m_out.append('[');
    m_needComma = false;
}

void SandboxJsonWriter::endArray()
{
    m_out.append(']');
    m_needComma = true;
}

void SandboxJsonWriter::key(const QByteArray &quotedKeyWithColon)
{
    separate();
    m_out.append(quotedKeyWithColon);
    m_afterKey = true;
}

void SandboxJsonWriter::key(const QString &name)
{
    key(quotedKey(name));
}

void SandboxJsonWriter::string(const QString &s)
{
    separate();
    appendEscaped(m_out, s);
    m_needComma = true;
}

void SandboxJsonWriter::string(const char *utf8)
{
    string(QString::fromUtf8(utf8));
}

void SandboxJsonWriter::null()
{
    separate();
    m_out.append("null");
    m_needComma = true;
}

void SandboxJsonWriter::boolean(bool b)
{
    separate();
    m_out.append(b ? "true" : "false");
    m_needComma = true;
}

void SandboxJsonWriter::integer(qint64 v)
{
    separate();
    m_out.append(QByteArray::number(v));
    m_needComma = true;
}

void SandboxJsonWriter::cents(qint64 c)
{
    separate();
    if (c < 0) {
        m_out.append('-');
        c = -c;
    }
    m_out.append(QByteArray::number(c / 100));
    const int frac = int(c % 100);
    if (frac != 0) {
        m_out.append('.');
        m_out.append(char('0' + frac / 10));
        if (frac % 10 != 0)
            m_out.append(char('0' + frac % 10));
    }
    m_needComma = true;
}

void SandboxJsonWriter::raw(const QByteArray &json)
{
    separate();
    m_out.append(json);
    m_needComma = true;
}

QByteArray SandboxJsonWriter::quotedKey(const QString &name)
{
    QByteArray out;
    appendEscaped(out, name);
    out.append(':');
    return out;
}

void SandboxJsonWriter::appendEscaped(QByteArray &out, const QString &s)
{
    // Encodes UTF-16 to escaped UTF-8 through a raw pointer: this is the hot loop of every page.
    static const char hex[] = "0123456789abcdef";
    const qsizetype start = out.size();
    out.resize(start + 2 + s.size() * 6);
    char *p = out.data() + start;
    *p++ = '"';
    const auto *u = reinterpret_cast<const char16_t *>(s.utf16());
    const char16_t *end = u + s.size();
    while (u < end) {
        char32_t c = *u++;
        if (c < 0x80) {
            if (c >= 0x20 && c != '"' && c != '\\') {
                *p++ = char(c);
                continue;
            }
            *p++ = '\\';
            switch (c) {
            case '"':
                *p++ = '"';
                break;
            case '\\':
                *p++ = '\\';
                break;
            case '\n':
                *p++ = 'n';
                break;
            case '\r':
                *p++ = 'r';
                break;
            case '\t':
                *p++ = 't';
                break;
            default:
                *p++ = 'u';
                *p++ = '0';
                *p++ = '0';
                *p++ = hex[c >> 4];
                *p++ = hex[c & 0xf];
            }
            continue;
        }
        if (c >= 0xD800 && c < 0xDC00 && u < end && *u >= 0xDC00 && *u < 0xE000)
            c = 0x10000 + ((c - 0xD800) << 10) + (char32_t(*u++) - 0xDC00);
        else if (c >= 0xD800 && c < 0xE000)
            c = 0xFFFD; // a lone surrogate cannot be encoded
        if (c < 0x800) {
            *p++ = char(0xC0 | (c >> 6));
            *p++ = char(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            *p++ = char(0xE0 | (c >> 12));
            *p++ = char(0x80 | ((c >> 6) & 0x3F));
            *p++ = char(0x80 | (c & 0x3F));
        } else {
            *p++ = char(0xF0 | (c >> 18));
            *p++ = char(0x80 | ((c >> 12) & 0x3F));
            *p++ = char(0x80 | ((c >> 6) & 0x3F));
            *p++ = char(0x80 | (c & 0x3F));
        }
    }
    *p++ = '"';
    out.truncate(p - out.constData());
}

} // namespace tango
