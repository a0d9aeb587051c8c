#pragma once

#include "sandbox/SandboxRequest.h"
#include "sandbox/SandboxResponse.h"

#include <QCoreApplication>
#include <QHash>
#include <QString>

namespace tango {

class Clock;
struct SandboxOptions;

// OAuth2 authorization-code flow with PKCE (S256) and refresh tokens, as the sign-in code
// expects it: GET /oauth2/authorize/ redirects to a loopback redirect_uri, POST /oauth2/token/
// answers RFC 6749 JSON. Expiry follows the Clock, so tests can age tokens without waiting.
class SandboxOAuth
{
    // The HTML error pages are shown in the user's browser.
    Q_DECLARE_TR_FUNCTIONS(SandboxOAuth)
public:
    SandboxOAuth(const SandboxOptions *options, const Clock *const *clock)
        : m_options(options)
        , m_clock(clock)
    {}

    SandboxResponse authorize(const SandboxRequest &request);
    SandboxResponse token(const SandboxRequest &request);

    QString issueAccessToken(int seconds);
    bool isValidAccessToken(const QString &token) const;
    void revokeAll();

    static constexpr int kCodeLifetimeSeconds = 60;

private:
    struct Code
    {
        QString clientId;
        QString redirectUri;
        QString challenge;
        QString scope;
        qint64 expiresMs;
    };
    SandboxResponse tokenResponse(const QString &scope);
    static SandboxResponse error(int status, const QString &error, const QString &description);
    static QString randomToken(int bytes, bool urlSafe);

    const SandboxOptions *m_options;
    const Clock *const *m_clock; // the server's current clock, which tests may replace
    QHash<QString, Code> m_codes;
    QHash<QString, qint64> m_accessTokens;   // token -> expiry (clock ms)
    QHash<QString, QString> m_refreshTokens; // token -> scope
};

} // namespace tango
