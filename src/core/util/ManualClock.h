#pragma once

#include "util/Clock.h"

#include <QVector>

namespace tango {

// A clock that only moves when told to. advance() fires every callback that falls due, in
// order of due time, so a test can check that something happens at 45 s and not at 44.999 s.
class ManualClock : public Clock
{
    Q_OBJECT
public:
    explicit ManualClock(QObject *parent = nullptr);

    qint64 nowMs() const override { return m_nowMs; }
    QDateTime utcNow() const override;
    TimerId callAfter(qint64 delayMs, QObject *context, std::function<void()> fn) override;
    void cancel(TimerId id) override;

    void advance(qint64 ms);
    void setUtcNow(const QDateTime &utc);
    // Due time of the earliest pending callback, or -1 when none.
    qint64 nextDueMs() const;
    int pendingCount() const;

Q_SIGNALS:
    void advanced(qint64 nowMs);

private:
    struct Pending
    {
        TimerId id;
        qint64 dueMs;
        QPointer<QObject> context;
        bool hasContext;
        std::function<void()> fn;
    };
    qint64 m_nowMs = 1'000'000;
    QDateTime m_utcBase;
    TimerId m_nextId = 1;
    QVector<Pending> m_pending;
};

} // namespace tango
