#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QtGlobal>

#include <optional>

namespace tango {

// How ApiReply retries an idempotent GET.
struct RetryPolicy
{
    int maxRetries = 3;          // for 5xx, 408, timeouts, network errors and bad responses
    int maxRateLimitRetries = 5; // for 429 of a short window, each after the server's full wait
    qint64 baseDelayMs = 500;    // first backoff; doubles each attempt
    qint64 maxDelayMs = 8000;    // cap for the backoff (never for the server's 429 wait)
    double jitter = 0.25;        // +/- fraction of the delay, randomised

    // Backoff before retry number `retry` (1-based), jitter drawn from [0,1) `random01`.
    qint64 backoffMs(int retry, double random01) const;

    // A Retry-After value (delta seconds or an HTTP date) as milliseconds from nowUtc; never
    // negative; nullopt when missing or unreadable.
    static std::optional<qint64> parseRetryAfterMs(const QByteArray &value,
                                                   const QDateTime &nowUtc);

    static RetryPolicy none()
    {
        RetryPolicy p;
        p.maxRetries = 0;
        p.maxRateLimitRetries = 0;
        return p;
    }
};

} // namespace tango
