#pragma once

#include <QString>
#include <QUrl>

namespace tango {

// Where and as whom to run the OAuth2 authorization-code flow. The client secret is optional:
// empty for a public client, which then relies on PKCE alone.
struct OAuthConfig
{
    QString clientId;
    QString clientSecret;
    QUrl authorizeUrl;
    QUrl tokenUrl;
    QString scope = QStringLiteral("read");

    // <base>/oauth2/authorize/ and <base>/oauth2/token/ (REFERENCE 2.2).
    static OAuthConfig forBaseUrl(const QUrl &baseUrl, const QString &clientId = {},
                                  const QString &clientSecret = {});

    // Empty when usable; otherwise a translated sentence naming what is wrong.
    QString problem() const;
    bool isValid() const { return problem().isEmpty(); }
};

} // namespace tango
