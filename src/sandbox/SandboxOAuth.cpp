#include "sandbox/SandboxOAuth.h"

#include "sandbox/SandboxJsonWriter.h"
#include "sandbox/SandboxOptions.h"
#include "sandbox/SandboxQuery.h"
#include "util/Clock.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QUrl>

namespace tango {

namespace {

QByteArray htmlPage(const QString &title, const QString &message)
{
    return QStringLiteral("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%1</title>"
                          "</head><body><h1>%1</h1><p>%2</p></body></html>")
        .arg(title.toHtmlEscaped(), message.toHtmlEscaped())
        .toUtf8();
}

bool isLoopbackRedirect(const QString &uri)
{
    const QUrl url(uri, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != QLatin1String("http") || url.port() <= 0 ||
        !url.fragment().isEmpty())
        return false;
    return url.host() == QLatin1String("127.0.0.1") || url.host() == QLatin1String("localhost");
}

QByteArray withQuery(const QString &uri, const QList<QPair<QString, QString>> &items)
{
    QByteArray out = uri.toUtf8();
    char sep = out.contains('?') ? '&' : '?';
    for (const auto &i : items) {
        out += sep + QUrl::toPercentEncoding(i.first) + '=' + QUrl::toPercentEncoding(i.second);
        sep = '&';
    }
    return out;
}

} // namespace

QString SandboxOAuth::randomToken(int bytes, bool urlSafe)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (char &c : raw)
        c = char(QRandomGenerator::global()->bounded(256));
    return QString::fromLatin1(
        raw.toBase64(urlSafe ? QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals
                             : QByteArray::Base64Encoding));
}

SandboxResponse SandboxOAuth::error(int status, const QString &error, const QString &description)
{
    SandboxJsonWriter w;
    w.beginObject();
    w.key(QByteArrayLiteral("\"error\":"));
    w.string(error);
    if (!description.isEmpty()) {
        w.key(QByteArrayLiteral("\"error_description\":"));
        w.string(description);
    }
    w.endObject();
    SandboxResponse r;
    r.status = status;
    r.body = w.take();
    r.addHeader("Cache-Control", "no-store");
    return r;
}

SandboxResponse SandboxOAuth::authorize(const SandboxRequest &req)
{
    auto q = [&](const char *name) {
        return SandboxQuery::value(req.params, QString::fromLatin1(name));
    };
    SandboxResponse r;
    auto badPage = [&](const QString &message) {
        r.status = 400;
        r.contentType = QByteArrayLiteral("text/html; charset=utf-8");
        r.body = htmlPage(tr("Authorization error"), message);
        return r;
    };
    if (req.method != QLatin1String("GET"))
        return badPage(tr("Use GET for the authorization endpoint."));
    // Without a trustworthy client and redirect_uri the error can only be shown here.
    if (q("client_id").isEmpty())
        return badPage(tr("Missing client_id."));
    if (q("client_id") != m_options->oauthClientId)
        return badPage(tr("Unknown client_id."));
    const QString redirect = q("redirect_uri");
    if (redirect.isEmpty())
        return badPage(tr("Missing redirect_uri."));
    if (!isLoopbackRedirect(redirect))
        return badPage(tr("redirect_uri must be http://127.0.0.1:PORT/... or "
                          "http://localhost:PORT/..."));

    const QString state = q("state");
    auto redirectWith = [&](QList<QPair<QString, QString>> items) {
        if (!state.isEmpty())
            items.append({QStringLiteral("state"), state});
        r.status = 302;
        r.contentType.clear();
        r.addHeader("Location", withQuery(redirect, items));
        r.addHeader("Cache-Control", "no-store");
        return r;
    };
    auto redirectError = [&](const QString &error, const QString &description) {
        return redirectWith(
            {{QStringLiteral("error"), error}, {QStringLiteral("error_description"), description}});
    };
    if (q("response_type") != QLatin1String("code"))
        return redirectError(QStringLiteral("unsupported_response_type"),
                             QStringLiteral("response_type must be 'code'."));
    if (state.isEmpty())
        return redirectError(QStringLiteral("invalid_request"), QStringLiteral("Missing state."));
    const QString challenge = q("code_challenge");
    if (challenge.isEmpty() || q("code_challenge_method") != QLatin1String("S256"))
        return redirectError(QStringLiteral("invalid_request"),
                             QStringLiteral("PKCE with code_challenge_method=S256 is required."));
    QString scope = q("scope").trimmed();
    if (scope.isEmpty())
        scope = QStringLiteral("read");
    for (const QString &s : scope.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (s != QLatin1String("read"))
            return redirectError(QStringLiteral("invalid_scope"),
                                 QStringLiteral("Unknown scope '%1'.").arg(s));
    }
    if (m_options->oauthDeny)
        return redirectWith({{QStringLiteral("error"), QStringLiteral("access_denied")}});

    // Standard base64 on purpose: '+', '/' and '=' must survive the redirect and form bodies.
    const QString code = QStringLiteral("sbx+") + randomToken(24, false) + QStringLiteral("/c");
    m_codes.insert(code, {m_options->oauthClientId, redirect, challenge, QStringLiteral("read"),
                          (*m_clock)->nowMs() + kCodeLifetimeSeconds * 1000});
    return redirectWith({{QStringLiteral("code"), code}});
}

SandboxResponse SandboxOAuth::tokenResponse(const QString &scope)
{
    const QString access = issueAccessToken(m_options->oauthTokenLifetimeSeconds);
    const QString refresh = randomToken(32, true);
    m_refreshTokens.insert(refresh, scope);
    SandboxJsonWriter w;
    w.beginObject();
    w.key(QByteArrayLiteral("\"access_token\":"));
    w.string(access);
    w.key(QByteArrayLiteral("\"token_type\":"));
    w.string("Bearer");
    w.key(QByteArrayLiteral("\"expires_in\":"));
    w.integer(m_options->oauthTokenLifetimeSeconds);
    w.key(QByteArrayLiteral("\"refresh_token\":"));
    w.string(refresh);
    w.key(QByteArrayLiteral("\"scope\":"));
    w.string(scope);
    w.endObject();
    SandboxResponse r;
    r.body = w.take();
    r.addHeader("Cache-Control", "no-store");
    r.addHeader("Pragma", "no-cache");
    return r;
}

SandboxResponse SandboxOAuth::token(const SandboxRequest &req)
{
    if (req.method != QLatin1String("POST"))
        return error(400, QStringLiteral("invalid_request"), QStringLiteral("Use POST."));
    if (!req.contentType.toLower().startsWith("application/x-www-form-urlencoded"))
        return error(400, QStringLiteral("invalid_request"),
                     QStringLiteral("Expected application/x-www-form-urlencoded."));
    QList<QPair<QString, QString>> form;
    for (const QByteArray &pair : req.body.split('&')) {
        if (pair.isEmpty())
            continue;
        const int eq = pair.indexOf('=');
        QByteArray k = eq < 0 ? pair : pair.left(eq);
        QByteArray v = eq < 0 ? QByteArray() : pair.mid(eq + 1);
        k.replace('+', ' ');
        v.replace('+', ' ');
        form.append({QUrl::fromPercentEncoding(k), QUrl::fromPercentEncoding(v)});
    }
    auto f = [&](const char *name) { return SandboxQuery::value(form, QString::fromLatin1(name)); };

    // Client authentication: HTTP Basic or client_id/client_secret in the body.
    QString clientId = f("client_id");
    QString secret = f("client_secret");
    if (req.authorization.startsWith("Basic ")) {
        const QByteArray pair = QByteArray::fromBase64(req.authorization.mid(6).trimmed());
        const int colon = pair.indexOf(':');
        if (colon < 0)
            return error(401, QStringLiteral("invalid_client"), QString());
        clientId = QUrl::fromPercentEncoding(pair.left(colon));
        secret = QUrl::fromPercentEncoding(pair.mid(colon + 1));
    }
    if (clientId != m_options->oauthClientId)
        return error(401, QStringLiteral("invalid_client"), QString());
    if (!m_options->oauthClientSecret.isEmpty() && secret != m_options->oauthClientSecret)
        return error(401, QStringLiteral("invalid_client"), QString());

    const QString grant = f("grant_type");
    const qint64 now = (*m_clock)->nowMs();
    if (grant == QLatin1String("authorization_code")) {
        const QString code = f("code");
        const QString verifier = f("code_verifier");
        if (code.isEmpty() || f("redirect_uri").isEmpty())
            return error(400, QStringLiteral("invalid_request"),
                         QStringLiteral("code and redirect_uri are required."));
        if (verifier.isEmpty())
            return error(400, QStringLiteral("invalid_request"),
                         QStringLiteral("code_verifier is required."));
        auto it = m_codes.find(code);
        if (it == m_codes.end())
            return error(400, QStringLiteral("invalid_grant"),
                         QStringLiteral("Invalid or already used authorization code."));
        if (now >= it->expiresMs) {
            m_codes.erase(it);
            return error(400, QStringLiteral("invalid_grant"),
                         QStringLiteral("Authorization code expired."));
        }
        if (it->redirectUri != f("redirect_uri") || it->clientId != clientId)
            return error(400, QStringLiteral("invalid_grant"),
                         QStringLiteral("redirect_uri does not match the authorization request."));
        const QByteArray computed =
            QCryptographicHash::hash(verifier.toUtf8(), QCryptographicHash::Sha256)
                .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        if (QString::fromLatin1(computed) != it->challenge)
            return error(400, QStringLiteral("invalid_grant"),
                         QStringLiteral("PKCE verification failed."));
        const QString scope = it->scope;
        m_codes.erase(it);
        return tokenResponse(scope);
    }
    if (grant == QLatin1String("refresh_token")) {
        const QString refresh = f("refresh_token");
        if (refresh.isEmpty())
            return error(400, QStringLiteral("invalid_request"),
                         QStringLiteral("refresh_token is required."));
        auto it = m_refreshTokens.find(refresh);
        if (it == m_refreshTokens.end())
            return error(400, QStringLiteral("invalid_grant"),
                         QStringLiteral("Invalid refresh token."));
        const QString scope = it.value();
        m_refreshTokens.erase(it);
        return tokenResponse(scope);
    }
    if (grant.isEmpty())
        return error(400, QStringLiteral("invalid_request"),
                     QStringLiteral("grant_type is required."));
    return error(400, QStringLiteral("unsupported_grant_type"),
                 QStringLiteral("Unsupported grant_type '%1'.").arg(grant));
}

QString SandboxOAuth::issueAccessToken(int seconds)
{
    const QString token = randomToken(32, true);
    m_accessTokens.insert(token, (*m_clock)->nowMs() + qint64(seconds) * 1000);
    return token;
}

bool SandboxOAuth::isValidAccessToken(const QString &token) const
{
    const auto it = m_accessTokens.constFind(token);
    return it != m_accessTokens.constEnd() && (*m_clock)->nowMs() < it.value();
}

void SandboxOAuth::revokeAll()
{
    m_accessTokens.clear();
    m_refreshTokens.clear();
    m_codes.clear();
}

} // namespace tango
