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
    static const char hex[] = "0123456789abcdef";
    const QByteArray utf8 = s.toUtf8();
    out.append('"');
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            if (c < 0x20) {
                out.append("\\u00");
                out.append(hex[c >> 4]);
                out.append(hex[c & 0xf]);
            } else {
                out.append(ch);
            }
        }
    }
    out.append('"');
}

} // namespace tango
