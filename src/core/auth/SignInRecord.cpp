#include "auth/SignInRecord.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace tango {

bool SignInRecord::isValid() const
{
    switch (kind) {
    case Kind::ApiKey:
        return !apiKey.isEmpty();
    case Kind::OAuth:
        return !oauth.clientId.isEmpty() && tokens.isValid();
    case Kind::None:
        break;
    }
    return false;
}

QByteArray SignInRecord::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("version"), 1);
    if (kind == Kind::ApiKey) {
        o.insert(QStringLiteral("kind"), QStringLiteral("api-key"));
        o.insert(QStringLiteral("key"), apiKey);
    } else if (kind == Kind::OAuth) {
        o.insert(QStringLiteral("kind"), QStringLiteral("oauth"));
        o.insert(QStringLiteral("client_id"), oauth.clientId);
        if (!oauth.clientSecret.isEmpty())
            o.insert(QStringLiteral("client_secret"), oauth.clientSecret);
        o.insert(QStringLiteral("authorize_url"), oauth.authorizeUrl.toString());
        o.insert(QStringLiteral("token_url"), oauth.tokenUrl.toString());
        o.insert(QStringLiteral("scope"), oauth.scope);
        o.insert(QStringLiteral("access_token"), tokens.accessToken);
        if (!tokens.refreshToken.isEmpty())
            o.insert(QStringLiteral("refresh_token"), tokens.refreshToken);
        if (tokens.expiresAtUtc.isValid())
            o.insert(QStringLiteral("expires_at"),
                     tokens.expiresAtUtc.toUTC().toString(Qt::ISODate));
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

SignInRecord SignInRecord::fromJson(const QByteArray &json)
{
    SignInRecord r;
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    if (!doc.isObject())
        return r;
    const QJsonObject o = doc.object();
    const QString kind = o.value(QStringLiteral("kind")).toString();
    if (kind == QLatin1String("api-key")) {
        r.kind = Kind::ApiKey;
        r.apiKey = o.value(QStringLiteral("key")).toString().trimmed();
    } else if (kind == QLatin1String("oauth")) {
        r.kind = Kind::OAuth;
        r.oauth.clientId = o.value(QStringLiteral("client_id")).toString();
        r.oauth.clientSecret = o.value(QStringLiteral("client_secret")).toString();
        r.oauth.authorizeUrl = QUrl(o.value(QStringLiteral("authorize_url")).toString());
        r.oauth.tokenUrl = QUrl(o.value(QStringLiteral("token_url")).toString());
        r.oauth.scope = o.value(QStringLiteral("scope")).toString(QStringLiteral("read"));
        r.tokens.accessToken = o.value(QStringLiteral("access_token")).toString();
        r.tokens.refreshToken = o.value(QStringLiteral("refresh_token")).toString();
        r.tokens.expiresAtUtc =
            QDateTime::fromString(o.value(QStringLiteral("expires_at")).toString(), Qt::ISODate);
    }
    if (!r.isValid()) {
        r.wipe();
        return SignInRecord();
    }
    return r;
}

QString SignInRecord::accountFor(const QUrl &baseUrl)
{
    QUrl u = baseUrl.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment |
                              QUrl::RemoveUserInfo);
    return QStringLiteral("sign-in ") + u.toString();
}

QStringList SignInRecord::secrets() const
{
    QStringList out = tokens.secrets();
    if (!apiKey.isEmpty())
        out << apiKey;
    if (!oauth.clientSecret.isEmpty())
        out << oauth.clientSecret;
    return out;
}

void SignInRecord::wipe()
{
    apiKey.fill(QLatin1Char('\0'));
    apiKey.clear();
    oauth.clientSecret.fill(QLatin1Char('\0'));
    oauth.clientSecret.clear();
    tokens.wipe();
}

} // namespace tango
