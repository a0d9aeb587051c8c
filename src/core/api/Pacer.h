#pragma once

#include "api/ApiError.h"
#include "api/RateLimitSnapshot.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>

namespace tango {

class Clock;

// Shared by every request of one ApiClient. Before a request is sent, the pacer looks at the
// latest rate-limit snapshot: while a short window (burst) has nothing left and has not reset,
// the request is held until it resets; when the daily window is spent, the request fails at
// once with QuotaExhausted (saying when it resets) instead of waiting for hours.
class Pacer : public QObject
{
    Q_OBJECT
public:
    explicit Pacer(Clock *clock, QObject *parent = nullptr);

    struct Decision
    {
        enum class Action
        {
            Go,
            Wait,
            Refuse
        } action = Action::Go;
        qint64 waitMs = 0; // for Wait
        QString window;    // window that causes the wait or refusal
        QString why;       // for Wait: a short, translated reason for status lines
        ApiError error;    // for Refuse
    };

    // What to do with a request about to be sent now.
    Decision decide() const;

    // Records that a request was sent, so that requests in flight count against what is left.
    void noteSent();
    // Records that a request sent earlier got its answer (or failed without one), so that the
    // next snapshot only counts the requests still in flight after it.
    void noteFinished();
    int inFlight() const { return m_inFlight; }
    int sentSinceSnapshot() const { return m_sentSinceSnapshot; }
    // Feeds the latest response's snapshot (any status). Ignored when it carries no headers.
    void update(const RateLimitSnapshot &snapshot);
    RateLimitSnapshot snapshot() const { return m_snapshot; }

    void setEnabled(bool on) { m_enabled = on; }
    bool isEnabled() const { return m_enabled; }
    // Margin added to a reset time before sending again, to absorb rounding on the server.
    void setResetMarginMs(qint64 ms) { m_marginMs = ms; }
    // Resets come in whole seconds. A server that rounds them down would make us send up to a
    // second early; when a request sent right after a reset finds the window still spent, the
    // pacer learns this and adds a second to every later reset.
    qint64 learnedRoundingMs() const { return m_learnedRoundingMs; }

    struct Window
    {
        RateLimitWindow window; // name "" for the overall trio when it mirrors no named window
        bool daily = false;
        std::optional<qint64> resetAtMs;
    };
    // The windows that count, each once, with their estimated reset times.
    QVector<Window> effectiveWindows() const;

    // A held request waits at most this long for an answer that may release it (a wait whose
    // end only the next response can tell: the first answer, or a fresh window already taken).
    static constexpr qint64 kAnswerWaitMs = 1000;

Q_SIGNALS:
    void snapshotChanged(const tango::RateLimitSnapshot &snapshot);
    // Something changed that may let held requests go sooner (an answer arrived): they decide
    // again instead of sleeping out their whole wait.
    void released();

private:
    Clock *m_clock;
    RateLimitSnapshot m_snapshot;
    int m_sentSinceSnapshot = 0;
    int m_inFlight = 0;
    bool m_enabled = true;
    qint64 m_marginMs = 150;
    qint64 m_learnedRoundingMs = 0;
    // Best estimate of each window's reset (monotonic ms, before the learned rounding): the
    // earliest implied by any response within the same window, since each response rounds its
    // reset to whole seconds at a different moment.
    QHash<QString, qint64> m_resetEstimate;
    QHash<QString, qint64> m_lastRemaining;
    // A request sent on the strength of a window having reset: which window, and its reset time.
    QString m_probeWindow;
    qint64 m_probeResetAtMs = 0;
    // When the requests not yet reflected in the snapshot were sent: after a window resets,
    // those sent since count against its fresh allowance.
    QVector<qint64> m_sendTimes;
    // Until a first answer arrives nothing is known about the windows: one request at a time.
    bool m_answered = false;
    bool m_releasePending = false;
    void scheduleRelease();
};

} // namespace tango
