#include "util/ManualClock.h"

#include <algorithm>

namespace tango {

ManualClock::ManualClock(QObject *parent)
    : Clock(parent)
    , m_utcBase(QDateTime(QDate(2026, 8, 14), QTime(17, 15), Qt::UTC))
{}

QDateTime ManualClock::utcNow() const
{
    return m_utcBase.addMSecs(m_nowMs - 1'000'000);
}

void ManualClock::setUtcNow(const QDateTime &utc)
{
    m_utcBase = utc.toUTC().addMSecs(-(m_nowMs - 1'000'000));
}

Clock::TimerId ManualClock::callAfter(qint64 delayMs, QObject *context, std::function<void()> fn)
{
    const TimerId id = m_nextId++;
    m_pending.push_back(
        {id, m_nowMs + std::max<qint64>(0, delayMs), context, context != nullptr, std::move(fn)});
    return id;
}

void ManualClock::cancel(TimerId id)
{
    m_pending.erase(std::remove_if(m_pending.begin(), m_pending.end(),
                                   [id](const Pending &p) { return p.id == id; }),
                    m_pending.end());
}

qint64 ManualClock::nextDueMs() const
{
    qint64 best = -1;
    for (const Pending &p : m_pending) {
        if (best < 0 || p.dueMs < best)
            best = p.dueMs;
    }
    return best;
}

int ManualClock::pendingCount() const
{
    return int(m_pending.size());
}

void ManualClock::advance(qint64 ms)
{
    const qint64 target = m_nowMs + std::max<qint64>(0, ms);
    for (;;) {
        // Earliest due callback at or before the target; ties keep scheduling order.
        auto it = std::min_element(m_pending.begin(), m_pending.end(),
                                   [](const Pending &a, const Pending &b) {
                                       return a.dueMs != b.dueMs ? a.dueMs < b.dueMs : a.id < b.id;
                                   });
        if (it == m_pending.end() || it->dueMs > target)
            break;
        Pending p = std::move(*it);
        m_pending.erase(it);
        m_nowMs = std::max(m_nowMs, p.dueMs);
        if (!p.hasContext || p.context)
            p.fn();
    }
    m_nowMs = target;
    Q_EMIT advanced(m_nowMs);
}

} // namespace tango
