#pragma once

#include <QDateTime>
#include <QObject>
#include <QPointer>

#include <functional>

namespace tango {

// All time in the application goes through a Clock, so that countdowns, pacing and retry waits
// can be driven by tests (ManualClock) instead of real sleeping.
class Clock : public QObject
{
    Q_OBJECT
public:
    using TimerId = quint64;

    explicit Clock(QObject *parent = nullptr)
        : QObject(parent)
    {}
    ~Clock() override = default;

    // Monotonic milliseconds; only differences are meaningful.
    virtual qint64 nowMs() const = 0;
    // Wall-clock time in UTC, for showing local reset times to the user.
    virtual QDateTime utcNow() const = 0;

    // Calls fn once, on the thread of context, after delayMs (<= 0: on the next event-loop turn).
    // If context is destroyed first, fn is not called. Returns an id for cancel().
    virtual TimerId callAfter(qint64 delayMs, QObject *context, std::function<void()> fn) = 0;
    virtual void cancel(TimerId id) = 0;

    // The process-wide real clock; never null.
    static Clock *system();
};

} // namespace tango
