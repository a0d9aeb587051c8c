#include "sandbox/SandboxRateLimiter.h"

#include "util/Clock.h"

namespace tango {

namespace {

QByteArray secondsUp(qint64 ms)
{
    return QByteArray::number(ms <= 0 ? 0 : (ms + 999) / 1000);
}

} // namespace

void SandboxRateLimiter::setBurst(int limit, int windowSeconds)
{
    m_burstLimit = limit;
    m_burstWindowSeconds = qMax(1, windowSeconds);
}

void SandboxRateLimiter::setDaily(int limit)
{
    m_dailyLimit = limit;
}

void SandboxRateLimiter::reset()
{
    m_burstStartMs = -1;
    m_burstUsed = 0;
    m_day = QDate();
    m_dailyUsed = 0;
}

void SandboxRateLimiter::roll(const Clock *clock)
{
    if (m_burstStartMs >= 0 &&
        clock->nowMs() >= m_burstStartMs + qint64(m_burstWindowSeconds) * 1000) {
        m_burstStartMs = -1;
        m_burstUsed = 0;
    }
    const QDate today = clock->utcNow().toUTC().date();
    if (today != m_day) {
        m_day = today;
        m_dailyUsed = 0;
    }
}

qint64 SandboxRateLimiter::burstResetMs(const Clock *clock) const
{
    if (m_burstStartMs < 0)
        return qint64(m_burstWindowSeconds) * 1000;
    return m_burstStartMs + qint64(m_burstWindowSeconds) * 1000 - clock->nowMs();
}

qint64 SandboxRateLimiter::dailyResetMs(const Clock *clock) const
{
    const QDateTime now = clock->utcNow().toUTC();
    const QDateTime midnight(now.date().addDays(1), QTime(0, 0), Qt::UTC);
    return now.msecsTo(midnight);
}

SandboxRateLimiter::Verdict SandboxRateLimiter::take(const Clock *clock)
{
    roll(clock);
    if (m_burstLimit > 0 && m_burstUsed >= m_burstLimit)
        return Verdict::BurstSpent;
    if (m_dailyLimit > 0 && m_dailyUsed >= m_dailyLimit)
        return Verdict::DailySpent;
    if (m_burstLimit > 0) {
        if (m_burstStartMs < 0)
            m_burstStartMs = clock->nowMs();
        ++m_burstUsed;
    }
    if (m_dailyLimit > 0)
        ++m_dailyUsed;
    return Verdict::Allowed;
}

int SandboxRateLimiter::waitSeconds(Verdict verdict, const Clock *clock)
{
    roll(clock);
    const qint64 ms = verdict == Verdict::DailySpent ? dailyResetMs(clock) : burstResetMs(clock);
    return int(qMax<qint64>(1, (ms + 999) / 1000));
}

void SandboxRateLimiter::addHeaders(const Clock *clock, SandboxResponse *response)
{
    roll(clock);
    const bool burst = m_burstLimit > 0;
    const bool daily = m_dailyLimit > 0;
    const int burstRemaining = qMax(0, m_burstLimit - m_burstUsed);
    const int dailyRemaining = qMax(0, m_dailyLimit - m_dailyUsed);
    const qint64 burstMs = burstResetMs(clock);
    const qint64 dailyMs = dailyResetMs(clock);
    if (burst || daily) {
        // The most restrictive window is the one with the fewest requests left.
        const bool useBurst = burst && (!daily || burstRemaining <= dailyRemaining);
        response->addHeader("X-RateLimit-Limit",
                            QByteArray::number(useBurst ? m_burstLimit : m_dailyLimit));
        response->addHeader("X-RateLimit-Remaining",
                            QByteArray::number(useBurst ? burstRemaining : dailyRemaining));
        response->addHeader("X-RateLimit-Reset", secondsUp(useBurst ? burstMs : dailyMs));
    }
    if (burst) {
        response->addHeader("X-RateLimit-Burst-Limit", QByteArray::number(m_burstLimit));
        response->addHeader("X-RateLimit-Burst-Remaining", QByteArray::number(burstRemaining));
        response->addHeader("X-RateLimit-Burst-Reset", secondsUp(burstMs));
    }
    if (daily) {
        response->addHeader("X-RateLimit-Daily-Limit", QByteArray::number(m_dailyLimit));
        response->addHeader("X-RateLimit-Daily-Remaining", QByteArray::number(dailyRemaining));
        response->addHeader("X-RateLimit-Daily-Reset", secondsUp(dailyMs));
    }
}

} // namespace tango
