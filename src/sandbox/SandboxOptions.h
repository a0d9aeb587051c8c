#pragma once

#include <QString>

namespace tango {

struct SandboxOptions
{
    int rows = 5000; // 0 .. 1,000,000 (the PIID serial space)
    quint32 seed = 20260814;
    // Keys the sandbox knows. Without a key or with any other key: 401.
    QString apiKey = QStringLiteral("sandbox-key-0123456789abcdef");
    QString forbiddenKey = QStringLiteral("sandbox-forbidden-key"); // always answered with 403
    int burstLimit = 1000; // requests per burst window; <= 0 disables the window
    int burstWindowSeconds = 60;
    int dailyLimit = 2000000; // <= 0 disables the window
    // OAuth2 (authorize/token endpoints and Bearer tokens on /api/).
    QString oauthClientId = QStringLiteral("sandbox-client");
    QString oauthClientSecret; // empty: public client (PKCE only)
    int oauthTokenLifetimeSeconds = 3600;
    bool oauthDeny = false; // authorize answers error=access_denied
};

} // namespace tango
