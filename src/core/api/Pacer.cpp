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

// Key for the overall trio in the estimate tables (a header name can never be empty).
const QString kOverallKey = QStringLiteral("\x01overall");

} // namespace

Pacer::Pacer(Clock *clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
{}

QVector<Pacer::Window> Pacer::effectiveWindows() const
{
    QVector<Window> out;
    auto add = [&](const RateLimitWindow &w, const QString &key, bool daily) {
        Window e;
        e.window = w;
        e.daily = daily;
        e.resetAtMs = m_snapshot.resetAtMs(w);
        const auto it = m_resetEstimate.constFind(key);
        if (e.resetAtMs && it != m_resetEstimate.constEnd())
            e.resetAtMs = std::min(*e.resetAtMs, *it);
        out.push_back(e);
    };
    for (const RateLimitWindow &w : m_snapshot.windows())
        add(w, w.name, ApiError::isDailyWindow(w.name));
    if (!matchingWindow(m_snapshot)) {
        const RateLimitWindow &o = m_snapshot.overall();
        if (o.remaining || o.resetSeconds)
            add(o, kOverallKey, o.resetSeconds && *o.resetSeconds > kLongWindowSeconds);
    }
    return out;
}

Pacer::Decision Pacer::decide() const
{
    Decision d;
    if (!m_enabled)
        return d;
    if (!m_answered && m_inFlight > 0) {
        // Several requests at start-up would all go out blind; let the first answer tell how
        // much is left. released() wakes the others as soon as it arrives.
        d.action = Decision::Action::Wait;
        d.waitMs = kAnswerWaitMs;
        d.why = tr("waiting for the server's first answer about the rate limit");
        return d;
    }
    if (m_snapshot.isEmpty())
        return d;
    const qint64 now = m_clock->nowMs();

    for (const Window &e : effectiveWindows()) {
        const RateLimitWindow &w = e.window;
        if (!w.remaining || !e.resetAtMs)
            continue; // without both we cannot know when holding would end: the server decides
        const qint64 resetAt = *e.resetAtMs + (e.daily ? 0 : m_learnedRoundingMs);
        const QString name =
            w.name.isEmpty() ? (e.daily ? QStringLiteral("daily") : tr("overall")) : w.name;
        if (now >= resetAt) {
            // The window has reset: the snapshot's counts no longer apply, but the requests
            // sent since the reset already use the fresh allowance.
            if (e.daily || !w.limit)
                continue;
            const auto used = std::count_if(m_sendTimes.begin(), m_sendTimes.end(),
                                            [resetAt](qint64 t) { return t >= resetAt; });
            if (*w.limit - qint64(used) <= 0 && d.action != Decision::Action::Wait) {
                d.action = Decision::Action::Wait;
                d.waitMs = kAnswerWaitMs;
                d.window = name;
                d.why = tr("rate limit (%1): waiting for the new window's count").arg(name);
            }
            continue;
        }
        if (e.daily) {
            if (*w.remaining <= 0) {
                d.action = Decision::Action::Refuse;
                d.window = name;
                d.waitMs = resetAt - now;
                ApiError err(ApiError::Kind::QuotaExhausted);
                err.setRateLimitWindow(QStringLiteral("daily"));
                err.setWaitSeconds((resetAt - now + 999) / 1000);
                err.setResetsAtUtc(m_clock->utcNow().addMSecs(resetAt - now));
                err.setDetail(tr("Refused before sending: the daily quota is used up."));
                err.setServerMessage(tr("No requests left in the daily window."));
                d.error = err;
                return d;
            }
            continue;
        }
        if (*w.remaining - m_sentSinceSnapshot <= 0) {
            const qint64 wait = resetAt - now + m_marginMs;
            if (d.action != Decision::Action::Wait || wait > d.waitMs) {
                d.action = Decision::Action::Wait;
                d.waitMs = wait;
                d.window = name;
                d.why = tr("rate limit (%1)").arg(name);
            }
        }
    }
    return d;
}

void Pacer::noteSent()
{
    if (m_probeWindow.isEmpty() && m_enabled) {
        const qint64 now = m_clock->nowMs();
        for (const Window &e : effectiveWindows()) {
            if (e.daily || !e.window.remaining || !e.resetAtMs)
                continue;
            if (*e.window.remaining - m_sentSinceSnapshot <= 0 &&
                now >= *e.resetAtMs + m_learnedRoundingMs) {
                m_probeWindow = e.window.name.isEmpty() ? kOverallKey : e.window.name;
                m_probeResetAtMs = *e.resetAtMs;
                break;
            }
        }
    }
    ++m_sentSinceSnapshot;
    ++m_inFlight;
    m_sendTimes.append(m_clock->nowMs());
}

void Pacer::noteFinished()
{
    m_inFlight = std::max(0, m_inFlight - 1);
    m_answered = true;
    scheduleRelease();
}

void Pacer::scheduleRelease()
{
    // Queued, so that held requests decide after the answer's snapshot has been fed in (the
    // reply reports the answer first, then its headers), and once for a burst of answers.
    if (m_releasePending)
        return;
    m_releasePending = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_releasePending = false;
            Q_EMIT released();
        },
        Qt::QueuedConnection);
}

void Pacer::update(const RateLimitSnapshot &snapshot)
{
    if (snapshot.isEmpty())
        return;

    auto windowFor = [&](const QString &key) -> const RateLimitWindow * {
        return key == kOverallKey ? &snapshot.overall() : snapshot.window(key);
    };

    if (!m_probeWindow.isEmpty()) {
        // Still spent, and still the same window (its reset did not move a window length
        // ahead): the server had not reset it yet when we thought it had.
        const RateLimitWindow *w = windowFor(m_probeWindow);
        const auto resetAt = w ? snapshot.resetAtMs(*w) : std::nullopt;
        if (w && w->isExhausted() && resetAt && *resetAt < m_probeResetAtMs + 1500)
            m_learnedRoundingMs = 1000;
        m_probeWindow.clear();
    }

    // Refine each window's reset estimate. Responses within one window imply resets that differ
    // by less than a second (the rounding); a later window's reset lies further ahead, and its
    // remaining count starts high again.
    QHash<QString, qint64> estimates;
    QHash<QString, qint64> remaining;
    auto refine = [&](const RateLimitWindow &w, const QString &key) {
        const auto resetAt = snapshot.resetAtMs(w);
        if (!resetAt)
            return;
        qint64 estimate = *resetAt;
        const auto prev = m_resetEstimate.constFind(key);
        const auto prevRemaining = m_lastRemaining.constFind(key);
        const bool sameWindow = prev != m_resetEstimate.constEnd() && *resetAt < *prev + 1000 &&
                                *resetAt > *prev - 1000 &&
                                (!w.remaining || prevRemaining == m_lastRemaining.constEnd() ||
                                 *w.remaining <= *prevRemaining);
        if (sameWindow)
            estimate = std::min(estimate, *prev);
        estimates.insert(key, estimate);
        if (w.remaining)
            remaining.insert(key, *w.remaining);
    };
    for (const RateLimitWindow &w : snapshot.windows())
        refine(w, w.name);
    refine(snapshot.overall(), kOverallKey);
    m_resetEstimate = estimates;
    m_lastRemaining = remaining;

    m_snapshot = snapshot;
    m_answered = true;
    // The server counted every request it answered so far; those still in flight are not in
    // its numbers yet.
    m_sentSinceSnapshot = m_inFlight;
    if (m_sendTimes.size() > m_inFlight)
        m_sendTimes.remove(0, m_sendTimes.size() - m_inFlight);
    Q_EMIT snapshotChanged(m_snapshot);
    scheduleRelease();
}

} // namespace tango
