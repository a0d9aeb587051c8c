#pragma once

#include <QString>

#include <optional>

namespace tango {

// One rate-limit window as reported by X-RateLimit-<Name>-Limit/Remaining/Reset.
// A value the server did not send (or sent as garbage) is std::nullopt: unknown, never 0.
struct RateLimitWindow
{
    QString name; // "burst", "daily", ... lower case; "" for the overall trio
    std::optional<qint64> limit;
    std::optional<qint64> remaining;
    std::optional<qint64> resetSeconds; // seconds after the snapshot's receive time

    bool isExhausted() const { return remaining.has_value() && *remaining <= 0; }
    bool operator==(const RateLimitWindow &o) const
    {
        return name == o.name && limit == o.limit && remaining == o.remaining &&
               resetSeconds == o.resetSeconds;
    }
};

} // namespace tango
