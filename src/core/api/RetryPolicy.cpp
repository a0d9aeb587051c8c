#include "api/RetryPolicy.h"

#include <QLocale>
#include <QTimeZone>

#include <algorithm>

namespace tango {

qint64 RetryPolicy::backoffMs(int retry, double random01) const
{
    const qint64 base = std::max<qint64>(0, baseDelayMs);
    const qint64 cap = std::max<qint64>(0, maxDelayMs);
    // Doubling by a loop rather than a shift: a large retry number must saturate at the cap
    // instead of overflowing.
    qint64 delay = base;
    for (int i = 1; i < retry && delay < cap; ++i)
        delay *= 2;
    delay = std::min(delay, cap);
    const double r = std::clamp(random01, 0.0, 1.0);
    const double j = std::clamp(jitter, 0.0, 1.0);
    const double jittered = double(delay) * (1.0 + j * (2.0 * r - 1.0));
    return std::clamp<qint64>(qint64(jittered), 0, cap);
}

std::optional<qint64> RetryPolicy::parseRetryAfterMs(const QByteArray &value,
                                                     const QDateTime &nowUtc)
{
    const QByteArray v = value.trimmed();
    if (v.isEmpty())
        return std::nullopt;
    bool allDigits = v.size() <= 12;
    for (char c : v)
        allDigits = allDigits && c >= '0' && c <= '9';
    if (allDigits)
        return v.toLongLong() * 1000;
    // HTTP date, IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT") or the older forms RFC 2822
    // parsing accepts.
    const QString text = QString::fromLatin1(v);
    QDateTime at = QDateTime::fromString(text, Qt::RFC2822Date);
    if (!at.isValid()) {
        QString t = text;
        if (t.endsWith(QLatin1String(" GMT")) || t.endsWith(QLatin1String(" UTC")))
            t.chop(4);
        at = QLocale::c().toDateTime(t, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss"));
        if (at.isValid())
            at.setTimeZone(QTimeZone::utc());
    }
    if (!at.isValid() || !nowUtc.isValid())
        return std::nullopt;
    return std::max<qint64>(0, nowUtc.msecsTo(at));
}

} // namespace tango
