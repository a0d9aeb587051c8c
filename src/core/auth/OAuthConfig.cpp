#include "auth/OAuthConfig.h"

#include "api/ApiClient.h"

#include <QCoreApplication>

namespace tango {

namespace {
QUrl withPath(const QUrl &base, const QString &path)
{
    QUrl url = base;
    QString prefix = url.path();
    while (prefix.endsWith(QLatin1Char('/')))
        prefix.chop(1);
    url.setPath(prefix + path);
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}
} // namespace

OAuthConfig OAuthConfig::forBaseUrl(const QUrl &baseUrl, const QString &clientId,
                                    const QString &clientSecret)
{
    OAuthConfig c;
    c.clientId = clientId.trimmed();
    c.clientSecret = clientSecret;
    c.authorizeUrl = withPath(baseUrl, QStringLiteral("/oauth2/authorize/"));
    c.tokenUrl = withPath(baseUrl, QStringLiteral("/oauth2/token/"));
    return c;
}

QString OAuthConfig::problem() const
{
    if (clientId.trimmed().isEmpty())
        return QCoreApplication::translate("OAuthConfig",
                                           "Enter the client ID of your registered application.");
    QString why;
    // The same rule as the API itself: https, or plain http only on this computer. The token
    // endpoint receives the client secret and the code, so it must not travel in clear.
    if (!authorizeUrl.isValid() || !ApiClient::isAcceptableBaseUrl(authorizeUrl, &why))
        return QCoreApplication::translate("OAuthConfig",
                                           "The authorization URL is not acceptable: %1")
            .arg(why.isEmpty() ? authorizeUrl.toDisplayString() : why);
    if (!tokenUrl.isValid() || !ApiClient::isAcceptableBaseUrl(tokenUrl, &why))
        return QCoreApplication::translate("OAuthConfig", "The token URL is not acceptable: %1")
            .arg(why.isEmpty() ? tokenUrl.toDisplayString() : why);
    return {};
}

} // namespace tango
