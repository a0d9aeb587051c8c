#pragma once

#include "api/ApiError.h"
#include "api/RateLimitSnapshot.h"

#include <QMetaType>
#include <QString>

namespace tango {

// The outcome of one cheap request made with candidate credentials.
struct VerificationResult
{
    bool ok = false;
    ApiError error;              // when !ok
    RateLimitSnapshot rateLimit; // both outcomes, when the server sent headers
    QString apiVersion;          // X-Tango-API-Version, when sent
    qint64 latencyMs = -1;       // first send to final answer
    QString identity;            // what the credentials show as (masked key, "OAuth: client …")
};

} // namespace tango

Q_DECLARE_METATYPE(tango::VerificationResult)
