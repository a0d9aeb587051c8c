#pragma once

#include "api/RateLimitWindow.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QVector>

#include <optional>

class QNetworkReply;

namespace tango {

// The rate-limit state carried by one response. Parsing never fails: whatever is missing or
// malformed is simply unknown (nullopt, never 0). Header names are matched case-insensitively;
// when a header is repeated (as separate lines or folded with commas), the first valid value
// wins, because later copies typically come from proxies rather than the API's own limiter.
class RateLimitSnapshot
{
public:
    using RawHeaders = QList<QPair<QByteArray, QByteArray>>;

    RateLimitSnapshot() = default;
    static RateLimitSnapshot fromHeaders(const RawHeaders &headers, qint64 receivedAtMs,
                                         const QDateTime &receivedAtUtc);
    static RateLimitSnapshot fromReply(const QNetworkReply &reply, qint64 receivedAtMs,
                                       const QDateTime &receivedAtUtc);

    // True when the response carried no rate-limit header at all.
    bool isEmpty() const;

    // Values above this are treated as garbage (unknown): no real window is that large, and it
    // keeps every later computation (reset * 1000, remaining - sent) far from overflow.
    static constexpr qint64 kMaxValue = 1'000'000'000'000LL;
    // Parses one header value as a non-negative count; nullopt for garbage, negative or huge.
    static std::optional<qint64> parseCount(const QByteArray &value);
    // "0.045s", "45ms", "0.045" -> seconds; nullopt for garbage.
    static std::optional<double> parseExecutionTime(const QByteArray &value);

    // The overall X-RateLimit-Limit/Remaining/Reset trio (name "").
    const RateLimitWindow &overall() const { return m_overall; }
    // Every named window found, in the order first seen ("burst", "daily", ...).
    const QVector<RateLimitWindow> &windows() const { return m_windows; }
    // The named window (case-insensitive), or nullptr.
    const RateLimitWindow *window(const QString &name) const;

    std::optional<double> executionTimeSeconds() const { return m_executionTime; }
    QString executionTimeText() const { return m_executionTimeText; }
    QString apiVersion() const { return m_apiVersion; }
    qint64 receivedAtMs() const { return m_receivedAtMs; }
    QDateTime receivedAtUtc() const { return m_receivedAtUtc; }

    // Monotonic time at which the window resets, or nullopt when its reset is unknown.
    std::optional<qint64> resetAtMs(const RateLimitWindow &w) const;
    // Milliseconds left until the window resets at nowMs (never negative), or nullopt.
    std::optional<qint64> msUntilReset(const RateLimitWindow &w, qint64 nowMs) const;

private:
    RateLimitWindow m_overall;
    QVector<RateLimitWindow> m_windows;
    std::optional<double> m_executionTime;
    QString m_executionTimeText;
    QString m_apiVersion;
    qint64 m_receivedAtMs = 0;
    QDateTime m_receivedAtUtc;
    bool m_any = false;
};

} // namespace tango

Q_DECLARE_METATYPE(tango::RateLimitSnapshot)
