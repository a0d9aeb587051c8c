#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVariantMap>

namespace tango {

// What the token endpoint issued. expiresAtUtc is invalid when the server gave no lifetime.
struct OAuthTokens
{
    QString accessToken;
    QString refreshToken;
    QDateTime expiresAtUtc;
    QString scope;

    bool isValid() const { return !accessToken.isEmpty(); }
    bool canRefresh() const { return !refreshToken.isEmpty(); }
    // The secrets held, for log filters and tests.
    QStringList secrets() const;
    // Overwrites the secrets in place before they are released.
    void wipe();

    // Reads an RFC 6749 5.1 token response. expires_in counts from nowUtc. Returns an invalid
    // object (no access token) when the map has none; an existing refresh token is kept when
    // the response does not rotate it.
    static OAuthTokens fromTokenResponse(const QVariantMap &response, const QDateTime &nowUtc,
                                         const QString &previousRefreshToken = {});
};

} // namespace tango

Q_DECLARE_METATYPE(tango::OAuthTokens)
