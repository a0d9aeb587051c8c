#pragma once

#include "util/Clock.h"

#include <QElapsedTimer>
#include <QHash>

class QTimer;

namespace tango {

class SystemClock : public Clock
{
    Q_OBJECT
public:
    explicit SystemClock(QObject *parent = nullptr);

    qint64 nowMs() const override;
    QDateTime utcNow() const override;
    TimerId callAfter(qint64 delayMs, QObject *context, std::function<void()> fn) override;
    void cancel(TimerId id) override;

private:
    QElapsedTimer m_elapsed;
    TimerId m_nextId = 1;
    QHash<TimerId, QPointer<QTimer>> m_timers;
};

} // namespace tango
