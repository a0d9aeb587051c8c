#pragma once

#include "auth/OAuthConfig.h"
#include "auth/OAuthTokens.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace tango {

// What "Remember on this computer" keeps, as one keychain entry per server. It holds secrets:
// it goes to the keychain and nowhere else.
struct SignInRecord
{
    enum class Kind
    {
        None,
        ApiKey,
        OAuth
    };

    Kind kind = Kind::None;
    QString apiKey;
    OAuthConfig oauth;  // client ID, client secret, endpoints
    OAuthTokens tokens; // access token, refresh token, expiry

    bool isValid() const;
    QByteArray toJson() const;
    // An invalid record (kind None) for anything unreadable.
    static SignInRecord fromJson(const QByteArray &json);
    // The keychain account name: one remembered sign-in per server (scheme, host and port).
    static QString accountFor(const QUrl &baseUrl);

    QStringList secrets() const;
    void wipe();
};

} // namespace tango
