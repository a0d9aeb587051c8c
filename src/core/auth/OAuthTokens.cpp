#include "auth/OAuthTokens.h"

namespace tango {

QStringList OAuthTokens::secrets() const
{
    QStringList out;
    if (!accessToken.isEmpty())
        out << accessToken;
    if (!refreshToken.isEmpty())
        out << refreshToken;
    return out;
}

void OAuthTokens::wipe()
{
    accessToken.fill(QLatin1Char('\0'));
    refreshToken.fill(QLatin1Char('\0'));
    accessToken.clear();
    refreshToken.clear();
    expiresAtUtc = {};
}

OAuthTokens OAuthTokens::fromTokenResponse(const QVariantMap &response, const QDateTime &nowUtc,
                                           const QString &previousRefreshToken)
{
    OAuthTokens t;
    t.accessToken = response.value(QStringLiteral("access_token")).toString();
    t.refreshToken = response.value(QStringLiteral("refresh_token")).toString();
    if (t.refreshToken.isEmpty())
        t.refreshToken = previousRefreshToken;
    t.scope = response.value(QStringLiteral("scope")).toString();
    // Some servers send expires_in as a string; a missing, zero or garbage value means unknown.
    bool ok = false;
    const double expiresIn = response.value(QStringLiteral("expires_in")).toDouble(&ok);
    if (ok && expiresIn >= 1 && expiresIn < 10.0 * 365 * 24 * 3600)
        t.expiresAtUtc = nowUtc.addSecs(qint64(expiresIn));
    return t;
}

} // namespace tango
