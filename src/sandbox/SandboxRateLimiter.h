#pragma once

#include "sandbox/SandboxResponse.h"

#include <QDate>

namespace tango {

class Clock;

// The API's two fixed windows: a burst window that opens with the first counted request and
// lasts windowSeconds, and a daily window that resets at midnight UTC. Time comes from a Clock.
class SandboxRateLimiter
{
public:
    enum class Verdict
    {
        Allowed,
        BurstSpent,
        DailySpent
    };

    void setBurst(int limit, int windowSeconds);
    void setDaily(int limit);
    void reset();

    // Counts the request when allowed; a refused request is not counted.
    Verdict take(const Clock *clock);
    // Seconds until the spent window resets (at least 1).
    int waitSeconds(Verdict verdict, const Clock *clock);
    // X-RateLimit-* headers for the current state (nothing for disabled windows).
    void addHeaders(const Clock *clock, SandboxResponse *response);

    int burstLimit() const { return m_burstLimit; }

private:
    void roll(const Clock *clock);
    qint64 burstResetMs(const Clock *clock) const;
    qint64 dailyResetMs(const Clock *clock) const;

    int m_burstLimit = 1000;
    int m_burstWindowSeconds = 60;
    int m_dailyLimit = 2000000;
    qint64 m_burstStartMs = -1; // -1: no window open
    int m_burstUsed = 0;
    QDate m_day;
    int m_dailyUsed = 0;
};

} // namespace tango
