#include "ClockPump.h"

ClockPump::ClockPump(tango::ManualClock *clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
{
    m_timer.setInterval(1);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_clock->pendingCount() > 0)
            m_clock->advance(qMax<qint64>(0, m_clock->nextDueMs() - m_clock->nowMs()));
    });
    m_timer.start();
}
