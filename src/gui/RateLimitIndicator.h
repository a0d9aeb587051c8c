#pragma once

#include "api/RateLimitSnapshot.h"
#include "util/Clock.h"

#include <QPointer>
#include <QWidget>

class QLabel;

namespace tango {

// The status-bar quota: remaining of limit and a reset countdown for the burst and the daily
// windows, ticking every second from the snapshot's receive time on the injected clock.
class RateLimitIndicator : public QWidget
{
    Q_OBJECT
public:
    enum class Level
    {
        Unknown,
        Normal,
        Low,
        Empty,
        Reset
    };
    Q_ENUM(Level)

    explicit RateLimitIndicator(QWidget *parent = nullptr);
    ~RateLimitIndicator() override;

    void setClock(Clock *clock);
    Clock *clock() const { return m_clock; }

    RateLimitSnapshot snapshot() const { return m_snapshot; }
    bool hasSnapshot() const { return m_hasSnapshot; }

    // The text shown for a window ("burst", "daily"), e.g. "Burst 812/1,000 · resets 0:42".
    QString windowText(const QString &name) const;
    Level level(const QString &name) const;
    // Seconds left until the window resets, or -1 when unknown.
    qint64 secondsUntilReset(const QString &name) const;
    static QString formatCountdown(qint64 seconds, bool withHours);

public Q_SLOTS:
    void setSnapshot(const tango::RateLimitSnapshot &snapshot);
    void clearSnapshot();

private:
    const RateLimitWindow *findWindow(const QString &name) const;
    void refresh();
    void scheduleTick();
    void tick();
    QString tooltipText() const;
    void style(QLabel *label, Level level);

    QPointer<Clock> m_clock;
    Clock::TimerId m_timer = 0;
    RateLimitSnapshot m_snapshot;
    bool m_hasSnapshot = false;
    QLabel *m_burst;
    QLabel *m_daily;
};

} // namespace tango
