#include "util/SystemClock.h"

#include <QTimer>

#include <algorithm>
#include <limits>

namespace tango {

SystemClock::SystemClock(QObject *parent)
    : Clock(parent)
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
    // Timers whose context died are deleted without passing through here; drop their entries
    // now and then so the table does not grow over a long session.
    if (m_timers.size() >= 64) {
        for (auto it = m_timers.begin(); it != m_timers.end();) {
            if (it.value().isNull())
                it = m_timers.erase(it);
            else
                ++it;
        }
    }
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
