#include "api/Pacer.h"

#include "util/Clock.h"

#include <algorithm>

namespace tango {

namespace {

// The overall trio mirrors the most restrictive named window; find which one so that it is not
// counted twice and is treated as that window's kind.
const RateLimitWindow *matchingWindow(const RateLimitSnapshot &s)
{
    const RateLimitWindow &o = s.overall();
    for (const RateLimitWindow &w : s.windows()) {
        if (o.limit && w.limit && *o.limit == *w.limit &&
            (!o.remaining || !w.remaining || *o.remaining == *w.remaining))
            return &w;
    }
    return nullptr;
}

// The overall trio alone: a reset longer than this is treated as a daily-like quota, refused
// rather than waited for.
constexpr qint64 kLongWindowSeconds = 3600;

} // namespace

Pacer::Pacer(Clock *clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
{}

Pacer::Decision Pacer::decide() const
{
    Decision d;
    if (!m_enabled || m_snapshot.isEmpty())
        return d;
    const qint64 now = m_clock->nowMs();

    QVector<RateLimitWindow> windows = m_snapshot.windows();
    if (!matchingWindow(m_snapshot)) {
        RateLimitWindow o = m_snapshot.overall();
        if (o.remaining || o.resetSeconds) {
            o.name = (o.resetSeconds && *o.resetSeconds > kLongWindowSeconds)
                         ? QStringLiteral("daily")
                         : QString();
            windows.push_back(o);
        }
    }

    for (const RateLimitWindow &w : windows) {
        if (!w.remaining)
            continue;
        const auto resetAt = m_snapshot.resetAtMs(w);
        // Without a reset time we cannot know when holding would end: let the server decide.
        if (!resetAt || now >= *resetAt)
            continue;
        const QString name = w.name.isEmpty() ? tr("overall") : w.name;
        if (ApiError::isDailyWindow(w.name)) {
            if (*w.remaining <= 0) {
                d.action = Decision::Action::Refuse;
                d.window = name;
                d.waitMs = *resetAt - now;
                ApiError e(ApiError::Kind::QuotaExhausted);
                e.setRateLimitWindow(QStringLiteral("daily"));
                e.setWaitSeconds((*resetAt - now + 999) / 1000);
                e.setResetsAtUtc(m_clock->utcNow().addMSecs(*resetAt - now));
                e.setDetail(tr("Refused before sending: the daily quota is used up."));
                e.setServerMessage(tr("No requests left in the daily window."));
                d.error = e;
                return d;
            }
            continue;
        }
        if (*w.remaining - m_sentSinceSnapshot <= 0) {
            const qint64 wait = *resetAt - now + m_marginMs;
            if (d.action != Decision::Action::Wait || wait > d.waitMs) {
                d.action = Decision::Action::Wait;
                d.waitMs = wait;
                d.window = name;
            }
        }
    }
    return d;
}

void Pacer::noteSent()
{
    ++m_sentSinceSnapshot;
    ++m_inFlight;
}

void Pacer::noteFinished()
{
    m_inFlight = std::max(0, m_inFlight - 1);
}

void Pacer::update(const RateLimitSnapshot &snapshot)
{
    if (snapshot.isEmpty())
        return;
    m_snapshot = snapshot;
    // The server counted every request it answered so far; those still in flight are not in
    // its numbers yet.
    m_sentSinceSnapshot = m_inFlight;
    Q_EMIT snapshotChanged(m_snapshot);
}

} // namespace tango
