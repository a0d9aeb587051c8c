#pragma once

#include <QByteArray>
#include <QString>

namespace tango {

// Appends JSON text straight into a byte buffer. The sandbox builds every page by hand instead
// of through QJsonDocument because a 100-row page must cost well under 2 ms of server time.
class SandboxJsonWriter
{
public:
    SandboxJsonWriter() { m_out.reserve(16 * 1024); }

    void beginObject();
    void endObject();
    void beginArray();
    void endArray();
    // The key must already be a JSON string with its colon ("\"key\":"), see quotedKey().
    void key(const QByteArray &quotedKeyWithColon);
    void key(const QString &name);
    void string(const QString &s);
    void string(const char *utf8);
    void null();
    void boolean(bool b);
    void integer(qint64 v);
    // Money held as integer cents, written as a JSON number with at most two decimals.
    void cents(qint64 c);
    void raw(const QByteArray &json);

    QByteArray take() { return std::move(m_out); }
    const QByteArray &data() const { return m_out; }

    static QByteArray quotedKey(const QString &name);
    static void appendEscaped(QByteArray &out, const QString &s);

private:
    void separate();
    QByteArray m_out;
    // True when the next value in the current container needs a leading comma.
    bool m_needComma = false;
    bool m_afterKey = false;
};

} // namespace tango
