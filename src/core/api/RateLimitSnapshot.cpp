#include "api/RateLimitSnapshot.h"

#include <QNetworkReply>

#include <algorithm>
#include <cmath>

namespace tango {

namespace {

enum class Field
{
    Limit,
    Remaining,
    Reset
};

// Splits "x-ratelimit-<name>-<field>" (already lower-cased). The overall trio has name "".
bool splitRateLimitHeader(const QByteArray &lower, QString *name, Field *field)
{
    static const QByteArray prefix = QByteArrayLiteral("x-ratelimit-");
    if (!lower.startsWith(prefix))
        return false;
    const QByteArray rest = lower.mid(prefix.size());
    struct Suffix
    {
        const char *text;
        Field field;
    };
    static const Suffix suffixes[] = {
        {"limit", Field::Limit}, {"remaining", Field::Remaining}, {"reset", Field::Reset}};
    for (const Suffix &s : suffixes) {
        const QByteArray suffix(s.text);
        if (rest == suffix) {
            *name = QString();
            *field = s.field;
            return true;
        }
        const QByteArray dashed = '-' + suffix;
        if (rest.endsWith(dashed) && rest.size() > dashed.size()) {
            *name = QString::fromLatin1(rest.left(rest.size() - dashed.size()));
            *field = s.field;
            return true;
        }
    }
    return false;
}

std::optional<qint64> &slot(RateLimitWindow &w, Field f)
{
    switch (f) {
    case Field::Limit:
        return w.limit;
    case Field::Remaining:
        return w.remaining;
    case Field::Reset:
        break;
    }
    return w.resetSeconds;
}

// Duplicated headers reach us either as separate pairs or folded into one value joined by
// commas (QNetworkReply folds them). Either way the first valid value wins: it is what the
// server's own rate limiter wrote, while later copies usually come from a proxy.
template<typename T, typename Parse>
std::optional<T> firstValid(const QByteArray &value, Parse parse)
{
    const QList<QByteArray> parts = value.split(',');
    for (const QByteArray &part : parts) {
        if (auto v = parse(part))
            return v;
    }
    return std::nullopt;
}

} // namespace

std::optional<qint64> RateLimitSnapshot::parseCount(const QByteArray &value)
{
    const QByteArray v = value.trimmed();
    if (v.isEmpty() || v.size() > 40)
        return std::nullopt;
    // Whole digits only; a reset may come with a fraction ("1.5"), rounded up so that we never
    // wake before the server's window has really reset.
    qsizetype i = 0;
    qint64 whole = 0;
    bool any = false;
    for (; i < v.size() && v.at(i) >= '0' && v.at(i) <= '9'; ++i) {
        whole = whole * 10 + (v.at(i) - '0');
        any = true;
        if (whole > kMaxValue)
            return std::nullopt;
    }
    if (!any)
        return std::nullopt;
    if (i == v.size())
        return whole;
    if (v.at(i) != '.')
        return std::nullopt;
    bool fraction = false;
    for (++i; i < v.size(); ++i) {
        if (v.at(i) < '0' || v.at(i) > '9')
            return std::nullopt;
        if (v.at(i) != '0')
            fraction = true;
    }
    whole += fraction ? 1 : 0;
    if (whole > kMaxValue)
        return std::nullopt;
    return whole;
}

std::optional<double> RateLimitSnapshot::parseExecutionTime(const QByteArray &value)
{
    QByteArray v = value.trimmed().toLower();
    double scale = 1.0;
    if (v.endsWith("ms")) {
        v.chop(2);
        scale = 0.001;
    } else if (v.endsWith('s')) {
        v.chop(1);
    }
    v = v.trimmed();
    if (v.isEmpty())
        return std::nullopt;
    for (char c : v) {
        if (!((c >= '0' && c <= '9') || c == '.'))
            return std::nullopt;
    }
    bool ok = false;
    const double d = v.toDouble(&ok);
    if (!ok || !std::isfinite(d) || d < 0 || d > 1e9)
        return std::nullopt;
    return d * scale;
}

RateLimitSnapshot RateLimitSnapshot::fromHeaders(const RawHeaders &headers, qint64 receivedAtMs,
                                                 const QDateTime &receivedAtUtc)
{
    RateLimitSnapshot s;
    s.m_receivedAtMs = receivedAtMs;
    s.m_receivedAtUtc = receivedAtUtc;
    for (const auto &header : headers) {
        const QByteArray name = header.first.trimmed().toLower();
        QString windowName;
        Field field;
        if (splitRateLimitHeader(name, &windowName, &field)) {
            s.m_any = true;
            RateLimitWindow *w = nullptr;
            if (windowName.isEmpty()) {
                w = &s.m_overall;
            } else {
                auto it =
                    std::find_if(s.m_windows.begin(), s.m_windows.end(),
                                 [&](const RateLimitWindow &x) { return x.name == windowName; });
                if (it == s.m_windows.end()) {
                    RateLimitWindow fresh;
                    fresh.name = windowName;
                    s.m_windows.push_back(fresh);
                    w = &s.m_windows.last();
                } else {
                    w = &*it;
                }
            }
            std::optional<qint64> &target = slot(*w, field);
            if (!target)
                target = firstValid<qint64>(header.second, &RateLimitSnapshot::parseCount);
        } else if (name == "x-execution-time") {
            if (!s.m_executionTime) {
                s.m_executionTime =
                    firstValid<double>(header.second, &RateLimitSnapshot::parseExecutionTime);
                if (s.m_executionTime)
                    s.m_executionTimeText = QString::fromLatin1(header.second.trimmed());
            }
        } else if (name == "x-tango-api-version") {
            if (s.m_apiVersion.isEmpty()) {
                const QByteArray v = header.second.split(',').constFirst().trimmed();
                // Printable ASCII only: this text ends up in the UI and in logs.
                if (v.size() <= 64 &&
                    std::all_of(v.begin(), v.end(), [](char c) { return c > 32 && c < 127; }))
                    s.m_apiVersion = QString::fromLatin1(v);
            }
        }
    }
    return s;
}

RateLimitSnapshot RateLimitSnapshot::fromReply(const QNetworkReply &reply, qint64 receivedAtMs,
                                               const QDateTime &receivedAtUtc)
{
    return fromHeaders(reply.rawHeaderPairs(), receivedAtMs, receivedAtUtc);
}

bool RateLimitSnapshot::isEmpty() const
{
    return !m_any;
}

const RateLimitWindow *RateLimitSnapshot::window(const QString &name) const
{
    for (const RateLimitWindow &w : m_windows) {
        if (w.name.compare(name, Qt::CaseInsensitive) == 0)
            return &w;
    }
    return nullptr;
}

std::optional<qint64> RateLimitSnapshot::resetAtMs(const RateLimitWindow &w) const
{
    if (!w.resetSeconds)
        return std::nullopt;
    return m_receivedAtMs + *w.resetSeconds * 1000;
}

std::optional<qint64> RateLimitSnapshot::msUntilReset(const RateLimitWindow &w, qint64 nowMs) const
{
    const auto at = resetAtMs(w);
    if (!at)
        return std::nullopt;
    return std::max<qint64>(0, *at - nowMs);
}

} // namespace tango
