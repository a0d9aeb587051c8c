#pragma once

// A deliberately small OAuth2 authorization server on 127.0.0.1 for the sign-in tests: it
// checks what a strict server checks (client, loopback redirect, state, S256 PKCE, one-time
// codes, form encoding) and can be told to misbehave in the ways the client must survive.
// The SandboxServer covers the API side; this one lets a test pick the code's characters and
// each failure precisely.

#include <QCryptographicHash>
#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QUrl>
#include <QUrlQuery>

class FakeAuthServer
{
public:
    enum class Authorize
    {
        Grant,
        Deny,
        WrongState,
        NoCode
    };
    enum class Token
    {
        Ok,
        Reject400,
        Garbage200,
        NoAccessToken
    };

    QString clientId = QStringLiteral("fake-client");
    QString clientSecret;                              // empty: public client
    QString code = QStringLiteral("c0de+with/slash="); // reserved characters on purpose
    Authorize authorize = Authorize::Grant;
    Token token = Token::Ok;
    Token refresh = Token::Ok;
    int lifetimeSeconds = 3600;
    bool issueRefreshToken = true;

    // What the server saw, for the tests.
    QList<QMap<QString, QString>> tokenRequests;
    QList<QByteArray> rawTokenBodies;
    QString lastRedirectUri;
    int accessTokensIssued = 0;
    QString lastAccessToken;
    QString lastRefreshToken;

    FakeAuthServer()
    {
        m_server.route(QStringLiteral("/oauth2/authorize/"),
                       [this](const QHttpServerRequest &r) { return onAuthorize(r); });
        m_server.route(QStringLiteral("/oauth2/token/"), QHttpServerRequest::Method::Post,
                       [this](const QHttpServerRequest &r) { return onToken(r); });
        m_port = m_server.listen(QHostAddress::LocalHost, 0);
    }

    bool isListening() const { return m_port != 0; }
    QUrl baseUrl() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port)); }

    static QMap<QString, QString> formDecode(const QByteArray &body)
    {
        QMap<QString, QString> out;
        for (const QByteArray &pair : body.split('&')) {
            if (pair.isEmpty())
                continue;
            const int eq = pair.indexOf('=');
            QByteArray k = eq < 0 ? pair : pair.left(eq);
            QByteArray v = eq < 0 ? QByteArray() : pair.mid(eq + 1);
            k.replace('+', ' ');
            v.replace('+', ' ');
            out.insert(QUrl::fromPercentEncoding(k), QUrl::fromPercentEncoding(v));
        }
        return out;
    }

private:
    static QHttpServerResponse error(const QString &code, const QString &description,
                                     QHttpServerResponse::StatusCode status)
    {
        return QHttpServerResponse(QJsonObject{{QStringLiteral("error"), code},
                                               {QStringLiteral("error_description"), description}},
                                   status);
    }

    QHttpServerResponse onAuthorize(const QHttpServerRequest &r)
    {
        const QUrlQuery q = r.query();
        auto value = [&q](const char *k) {
            return q.queryItemValue(QString::fromLatin1(k), QUrl::FullyDecoded);
        };
        const QUrl redirect(value("redirect_uri"));
        if (value("client_id") != clientId)
            return QHttpServerResponse("text/plain", "unknown client",
                                       QHttpServerResponse::StatusCode::BadRequest);
        if (redirect.scheme() != QLatin1String("http") ||
            redirect.host() != QLatin1String("127.0.0.1"))
            return QHttpServerResponse("text/plain", "redirect_uri must be loopback",
                                       QHttpServerResponse::StatusCode::BadRequest);
        if (value("response_type") != QLatin1String("code") || value("state").isEmpty() ||
            value("code_challenge_method") != QLatin1String("S256") ||
            value("code_challenge").size() != 43)
            return QHttpServerResponse("text/plain", "bad authorization request",
                                       QHttpServerResponse::StatusCode::BadRequest);
        m_challenge = value("code_challenge");
        m_redirect = value("redirect_uri");
        lastRedirectUri = m_redirect;
        QUrlQuery back;
        auto add = [&back](const QString &k, const QString &v) {
            back.addQueryItem(k, QString::fromLatin1(QUrl::toPercentEncoding(v)));
        };
        switch (authorize) {
        case Authorize::Grant:
            add(QStringLiteral("code"), code);
            add(QStringLiteral("state"), value("state"));
            break;
        case Authorize::Deny:
            add(QStringLiteral("error"), QStringLiteral("access_denied"));
            add(QStringLiteral("error_description"), QStringLiteral("The user said no"));
            add(QStringLiteral("state"), value("state"));
            break;
        case Authorize::WrongState:
            add(QStringLiteral("code"), code);
            add(QStringLiteral("state"), QStringLiteral("not-the-state-you-sent"));
            break;
        case Authorize::NoCode:
            add(QStringLiteral("state"), value("state"));
            break;
        }
        QUrl target(m_redirect);
        target.setQuery(back.toString(QUrl::FullyEncoded), QUrl::StrictMode);
        QHttpServerResponse resp(QHttpServerResponse::StatusCode::Found);
        resp.addHeader(QByteArrayLiteral("Location"), target.toEncoded());
        return resp;
    }

    QJsonObject issue()
    {
        ++accessTokensIssued;
        lastAccessToken = QStringLiteral("fake-at-%1+/x").arg(accessTokensIssued);
        QJsonObject o{{QStringLiteral("access_token"), lastAccessToken},
                      {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                      {QStringLiteral("expires_in"), lifetimeSeconds},
                      {QStringLiteral("scope"), QStringLiteral("read")}};
        if (issueRefreshToken) {
            lastRefreshToken = QStringLiteral("fake-rt-%1+/y").arg(accessTokensIssued);
            o.insert(QStringLiteral("refresh_token"), lastRefreshToken);
        }
        return o;
    }

    QHttpServerResponse misbehave(Token how)
    {
        switch (how) {
        case Token::Reject400:
            return error(QStringLiteral("invalid_grant"), QStringLiteral("Told to refuse"),
                         QHttpServerResponse::StatusCode::BadRequest);
        case Token::Garbage200:
            return QHttpServerResponse("text/html", "<html>not a token</html>");
        case Token::NoAccessToken:
            return QHttpServerResponse(
                QJsonObject{{QStringLiteral("token_type"), QStringLiteral("Bearer")}});
        case Token::Ok:
            break;
        }
        return QHttpServerResponse(QHttpServerResponse::StatusCode::InternalServerError);
    }

    QHttpServerResponse onToken(const QHttpServerRequest &r)
    {
        rawTokenBodies.append(r.body());
        const QMap<QString, QString> f = formDecode(r.body());
        tokenRequests.append(f);
        const QString grant = f.value(QStringLiteral("grant_type"));
        if (f.value(QStringLiteral("client_id")) != clientId ||
            (!clientSecret.isEmpty() && f.value(QStringLiteral("client_secret")) != clientSecret))
            return error(QStringLiteral("invalid_client"), QStringLiteral("Unknown client"),
                         QHttpServerResponse::StatusCode::Unauthorized);
        if (grant == QLatin1String("authorization_code")) {
            if (token != Token::Ok)
                return misbehave(token);
            const QByteArray challenge =
                QCryptographicHash::hash(f.value(QStringLiteral("code_verifier")).toLatin1(),
                                         QCryptographicHash::Sha256)
                    .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
            if (m_challenge.isEmpty() || f.value(QStringLiteral("code")) != code ||
                f.value(QStringLiteral("redirect_uri")) != m_redirect ||
                QString::fromLatin1(challenge) != m_challenge)
                return error(QStringLiteral("invalid_grant"),
                             QStringLiteral("Code, redirect or verifier mismatch"),
                             QHttpServerResponse::StatusCode::BadRequest);
            m_challenge.clear(); // one-time code
            return QHttpServerResponse(issue());
        }
        if (grant == QLatin1String("refresh_token")) {
            if (refresh != Token::Ok)
                return misbehave(refresh);
            if (f.value(QStringLiteral("refresh_token")) != lastRefreshToken ||
                lastRefreshToken.isEmpty())
                return error(QStringLiteral("invalid_grant"),
                             QStringLiteral("Unknown refresh token"),
                             QHttpServerResponse::StatusCode::BadRequest);
            return QHttpServerResponse(issue());
        }
        return error(QStringLiteral("unsupported_grant_type"), grant,
                     QHttpServerResponse::StatusCode::BadRequest);
    }

    QHttpServer m_server;
    quint16 m_port = 0;
    QString m_challenge;
    QString m_redirect;
};
