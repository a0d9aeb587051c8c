#pragma once

#include "util/ManualClock.h"

#include <QObject>
#include <QTimer>

// Moves a ManualClock to its next due callback whenever one is pending, so retry backoffs and
// 429 waits pass at once while keeping their order.
class ClockPump : public QObject
{
public:
    explicit ClockPump(tango::ManualClock *clock, QObject *parent = nullptr);

private:
    tango::ManualClock *m_clock;
    QTimer m_timer;
};
