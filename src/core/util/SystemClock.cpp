#include "util/SystemClock.h"

#include <QTimer>

#include <algorithm>
#include <limits>

namespace tango {

SystemClock::SystemClock(QObject *parent) : Clock(parent)
{
    m_elapsed.start();
}

qint64 SystemClock::nowMs() const
{
    return m_elapsed.elapsed();
}

QDateTime SystemClock::utcNow() const
{
    return QDateTime::currentDateTimeUtc();
}

Clock::TimerId SystemClock::callAfter(qint64 delayMs, QObject *context, std::function<void()> fn)
{
    const TimerId id = m_nextId++;
    auto *timer = new QTimer;
    timer->setSingleShot(true);
    timer->setTimerType(Qt::PreciseTimer);
    if (context) {
        timer->moveToThread(context->thread());
        QObject::connect(context, &QObject::destroyed, timer, &QObject::deleteLater);
    }
    QObject::connect(timer, &QTimer::timeout, context ? context : timer,
                     [this, id, timer, fn = std::move(fn)]() {
                         m_timers.remove(id);
                         timer->deleteLater();
                         fn();
                     });
    m_timers.insert(id, timer);
    timer->start(int(std::clamp<qint64>(delayMs, 0, std::numeric_limits<int>::max())));
    return id;
}

void SystemClock::cancel(TimerId id)
{
    const QPointer<QTimer> timer = m_timers.take(id);
    if (timer) {
        timer->stop();
        timer->deleteLater();
    }
}

} // namespace tango
