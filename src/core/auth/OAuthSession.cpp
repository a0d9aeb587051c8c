#include "auth/OAuthSession.h"

#include "api/ApiClient.h"
#include "auth/BearerCredentials.h"
#include "util/Clock.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QOAuth2AuthorizationCodeFlow>
#include <QOAuthHttpServerReplyHandler>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrlQuery>

namespace tango {

namespace {

const QString kCallbackPath = QStringLiteral("/callback");

QByteArray randomUrlSafe(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    QRandomGenerator::system()->generate(raw.begin(), raw.end());
    return raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

// application/x-www-form-urlencoded with every reserved character escaped: tokens are often
// base64 and a bare '+' would arrive as a space.
QByteArray formBody(const QList<QPair<QString, QString>> &fields)
{
    QByteArray out;
    for (const auto &f : fields) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(f.first) + '=' + QUrl::toPercentEncoding(f.second);
    }
    return out;
}

// RFC 6749 5.2 error codes in plain words.
QString explainOAuthError(const QString &code)
{
    if (code == QLatin1String("invalid_grant"))
        return OAuthSession::tr("The authorization code or refresh token was not accepted: it "
                                "expired, was already used, or the PKCE verifier did not match.");
    if (code == QLatin1String("invalid_client"))
        return OAuthSession::tr("The client ID or client secret was not accepted.");
    if (code == QLatin1String("unauthorized_client"))
        return OAuthSession::tr("This client is not allowed to use this kind of sign-in.");
    if (code == QLatin1String("unsupported_grant_type"))
        return OAuthSession::tr("The server does not support this kind of sign-in.");
    if (code == QLatin1String("invalid_scope"))
        return OAuthSession::tr("The requested access (scope) is not allowed for this client.");
    if (code == QLatin1String("invalid_request"))
        return OAuthSession::tr("The server found the sign-in request malformed.");
    if (code == QLatin1String("access_denied"))
        return OAuthSession::tr("Access was declined in the browser.");
    if (code == QLatin1String("server_error") || code == QLatin1String("temporarily_unavailable"))
        return OAuthSession::tr("The sign-in server had a problem; try again in a moment.");
    return {};
}

// The message for a failed token request, from the status, the body and Qt's error.
QString tokenFailureMessage(QNetworkReply *reply, const QByteArray &body)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0) {
        return OAuthSession::tr("The token endpoint %1 could not be reached: %2")
            .arg(reply->request().url().toDisplayString(QUrl::RemoveQuery), reply->errorString());
    }
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QString code = o.value(QStringLiteral("error")).toString();
    const QString description = o.value(QStringLiteral("error_description")).toString();
    QString message = OAuthSession::tr("The token endpoint refused (HTTP %1).").arg(status);
    if (!code.isEmpty()) {
        message =
            OAuthSession::tr("The token endpoint refused (HTTP %1, %2).").arg(status).arg(code);
        const QString plain = explainOAuthError(code);
        if (!plain.isEmpty())
            message += QLatin1Char(' ') + plain;
    }
    if (!description.isEmpty())
        message +=
            QLatin1Char(' ') + OAuthSession::tr("Server says: %1").arg(description.left(300));
    return message;
}

} // namespace

OAuthSession::OAuthSession(QObject *parent, QNetworkAccessManager *nam, Clock *clock)
    : QObject(parent)
    , m_nam(nam ? nam : new QNetworkAccessManager(this))
    , m_clock(clock ? clock : Clock::system())
{
    // 6.4 reports a token-endpoint 4xx nowhere but in the log; watch the replies ourselves.
    connect(m_nam, &QNetworkAccessManager::finished, this, &OAuthSession::onTokenEndpointFinished);
}

OAuthSession::~OAuthSession()
{
    if (m_refreshReply)
        m_refreshReply->abort();
    if (m_handler)
        m_handler->close();
    m_tokens.wipe();
}

void OAuthSession::setConfig(const OAuthConfig &config)
{
    m_config = config;
    m_config.clientId = m_config.clientId.trimmed();
}

QString OAuthSession::displayName() const
{
    return tr("OAuth: client %1").arg(m_config.clientId);
}

QString OAuthSession::successPageHtml()
{
    return QStringLiteral("<h2>%1</h2><p>%2</p>")
        .arg(tr("Sign-in succeeded").toHtmlEscaped(),
             tr("You can close this tab and return to Tango Explorer.").toHtmlEscaped());
}

QString OAuthSession::failurePageHtml(const QString &reason)
{
    return QStringLiteral("<h2>%1</h2><p>%2</p><p>%3</p>")
        .arg(tr("Sign-in did not complete").toHtmlEscaped(), reason.toHtmlEscaped(),
             tr("You can close this tab; Tango Explorer shows what to do next.").toHtmlEscaped());
}

void OAuthSession::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

QUrl OAuthSession::redirectUri() const
{
    if (!m_listenPort)
        return {};
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_listenPort).arg(kCallbackPath));
}

bool OAuthSession::isListening() const
{
    return m_handler && m_handler->isListening();
}

qint64 OAuthSession::secondsLeft() const
{
    if (!isWaiting())
        return 0;
    return std::max<qint64>(0, (m_deadlineMs - m_clock->nowMs() + 999) / 1000);
}

bool OAuthSession::signIn()
{
    endAttempt();
    m_authorizationUrl = QUrl();
    const QString problem = m_config.problem();
    if (!problem.isEmpty()) {
        fail(Failure::InvalidConfig, problem);
        return false;
    }

    auto *flow = new QOAuth2AuthorizationCodeFlow(m_nam, this);
    // Loopback only (6.4's default constructors listen on every interface), random port.
    auto *handler =
        new QOAuthHttpServerReplyHandler(QHostAddress(QHostAddress::LocalHost), 0, flow);
    if (!handler->isListening()) {
        flow->deleteLater();
        fail(Failure::ListenFailed,
             tr("Could not open a local port on 127.0.0.1 to receive the browser's answer."));
        return false;
    }
    m_flow = flow;
    m_handler = handler;
    m_listenPort = handler->port();
    handler->setCallbackPath(kCallbackPath); // keeps stray requests (favicon) out
    handler->setCallbackText(successPageHtml());
    flow->setReplyHandler(handler);
    flow->setAuthorizationUrl(m_config.authorizeUrl);
    flow->setAccessTokenUrl(m_config.tokenUrl);
    flow->setClientIdentifier(m_config.clientId);
    flow->setClientIdentifierSharedKey(m_config.clientSecret);
    flow->setScope(m_config.scope);
    flow->setUserAgent(QString::fromUtf8(ApiClient::userAgent()));

    // A fresh verifier and state for every attempt.
    m_verifier = randomUrlSafe(32);
    m_expectedState = QString::fromLatin1(randomUrlSafe(16));
    flow->setState(m_expectedState);
    const QByteArray challenge =
        QCryptographicHash::hash(m_verifier, QCryptographicHash::Sha256)
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const QByteArray verifier = m_verifier;
    const QString secret = m_config.clientSecret;
    const QByteArray redirect = QUrl::toPercentEncoding(redirectUri().toString());
    flow->setModifyParametersFunction(
        [challenge, verifier, secret, redirect](QAbstractOAuth::Stage stage,
                                                QMultiMap<QString, QVariant> *params) {
            if (stage == QAbstractOAuth::Stage::RequestingAuthorization) {
                // No PKCE in Qt 6.4.
                params->replace(QStringLiteral("code_challenge"), challenge);
                params->replace(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
            } else if (stage == QAbstractOAuth::Stage::RequestingAccessToken) {
                // 6.4 percent-encodes the already encoded code (%2B becomes %252B): undo once.
                const QString code = params->value(QStringLiteral("code")).toString();
                params->replace(QStringLiteral("code"), QUrl::fromPercentEncoding(code.toUtf8()));
                params->replace(QStringLiteral("code_verifier"), verifier);
                // 6.4 rebuilds redirect_uri from the handler, which reads port 0 once closed.
                params->replace(QStringLiteral("redirect_uri"), QString::fromLatin1(redirect));
                // 6.4 sends the secret unencoded; a '+' or '&' in it would corrupt the body.
                if (!secret.isEmpty())
                    params->replace(QStringLiteral("client_secret"),
                                    QString::fromLatin1(QUrl::toPercentEncoding(secret)));
            }
        });

    connect(handler, &QAbstractOAuthReplyHandler::callbackReceived, this,
            &OAuthSession::onCallback);
    // Connected after the flow's own slot, so the flow has judged the response already.
    connect(handler, &QAbstractOAuthReplyHandler::tokensReceived, this,
            &OAuthSession::onTokensReceived);
    connect(flow, &QAbstractOAuth::authorizeWithBrowser, this, [this](const QUrl &url) {
        m_authorizationUrl = url;
        Q_EMIT openBrowser(url);
    });

    m_deadlineMs = m_clock->nowMs() + m_signInTimeoutMs;
    setState(State::WaitingForBrowser);
    tick();
    flow->grant();
    return true;
}

void OAuthSession::tick()
{
    m_tickTimer = 0;
    if (!isWaiting())
        return;
    const qint64 left = m_deadlineMs - m_clock->nowMs();
    if (left <= 0) {
        const qint64 minutes = std::max<qint64>(1, (m_signInTimeoutMs + 59999) / 60000);
        fail(Failure::TimedOut,
             m_state == State::ExchangingCode
                 ? tr("The token endpoint did not answer in time. Try signing in again.")
                 : (minutes == 1
                        ? tr("No answer came back from the browser within a minute. Finish the "
                             "sign-in in the browser sooner, or start again.")
                        : tr("No answer came back from the browser within %1 minutes. Finish "
                             "the sign-in in the browser sooner, or start again.")
                              .arg(minutes)));
        return;
    }
    Q_EMIT countdown((left + 999) / 1000);
    // Wake on the next whole second so the countdown reads 300, 299, ... and ends on time.
    const qint64 step = left % 1000 == 0 ? 1000 : left % 1000;
    m_tickTimer = m_clock->callAfter(step, this, [this] { tick(); });
}

void OAuthSession::cancel()
{
    if (isWaiting())
        fail(Failure::Cancelled, tr("Sign-in cancelled."));
}

void OAuthSession::onCallback(const QVariantMap &data)
{
    // One callback per attempt; later ones (a reload, a second tab) change nothing.
    if (m_state != State::WaitingForBrowser || sender() != m_handler)
        return;
    const QString error =
        QUrl::fromPercentEncoding(data.value(QStringLiteral("error")).toString().toUtf8());
    if (!error.isEmpty()) {
        const QString description =
            QUrl::fromPercentEncoding(data.value(QStringLiteral("error_description"))
                                          .toString()
                                          .replace(QLatin1Char('+'), QLatin1Char(' '))
                                          .toUtf8());
        QString message;
        Failure failure = Failure::AuthorizationError;
        if (error == QLatin1String("access_denied")) {
            failure = Failure::AccessDenied;
            message = tr("Access was declined in the browser (access_denied). Sign in again and "
                         "choose to allow access, or use an API key.");
        } else {
            message = tr("The sign-in server returned an error (%1).").arg(error.left(100));
            const QString plain = explainOAuthError(error);
            if (!plain.isEmpty())
                message += QLatin1Char(' ') + plain;
        }
        if (!description.isEmpty())
            message += QLatin1Char(' ') + tr("Server says: %1").arg(description.left(300));
        m_handler->setCallbackText(failurePageHtml(message));
        fail(failure, message);
        return;
    }
    const QString state =
        QUrl::fromPercentEncoding(data.value(QStringLiteral("state")).toString().toUtf8());
    if (state != m_expectedState) {
        // 6.4 only logs this; without our check the attempt would hang until the timeout.
        const QString message =
            tr("The browser's answer does not belong to this sign-in attempt (state mismatch). "
               "It may come from an old tab or a forged link. Start the sign-in again.");
        m_handler->setCallbackText(failurePageHtml(message));
        fail(Failure::StateMismatch, message);
        return;
    }
    if (data.value(QStringLiteral("code")).toString().isEmpty()) {
        const QString message = tr("The browser's answer carried no authorization code.");
        m_handler->setCallbackText(failurePageHtml(message));
        fail(Failure::MissingCode, message);
        return;
    }
    m_handler->setCallbackText(successPageHtml());
    setState(State::ExchangingCode);
    // One callback per attempt: stop listening once the flow (whose slot may run after this
    // one) has sent the code to the token endpoint.
    QTimer::singleShot(0, m_handler.data(), &QOAuthHttpServerReplyHandler::close);
}

void OAuthSession::onTokenEndpointFinished(QNetworkReply *reply)
{
    if (m_state != State::ExchangingCode || reply == m_refreshReply ||
        reply->operation() != QNetworkAccessManager::PostOperation ||
        reply->request().url() != m_config.tokenUrl)
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() != QNetworkReply::NoError || status >= 300) {
        // The flow does not read an error body, so it is still here for us.
        const QByteArray body = reply->peek(64 * 1024);
        fail(status == 0 ? Failure::TokenNetworkError : Failure::TokenRejected,
             tokenFailureMessage(reply, body));
        return;
    }
    // A 2xx: the flow parses it right after this. If that does not lead to tokens (no
    // access_token, no content type, not JSON), say so instead of waiting for the timeout.
    if (m_checkTimer)
        m_clock->cancel(m_checkTimer);
    m_checkTimer = m_clock->callAfter(0, this, [this] {
        m_checkTimer = 0;
        checkExchangeOutcome();
    });
}

void OAuthSession::checkExchangeOutcome()
{
    if (m_state == State::ExchangingCode)
        fail(Failure::BadTokenResponse,
             tr("The token endpoint answered, but without a usable access token."));
}

void OAuthSession::onTokensReceived(const QVariantMap &response)
{
    if (m_state != State::ExchangingCode || sender() != m_handler)
        return;
    OAuthTokens tokens = OAuthTokens::fromTokenResponse(response, m_clock->utcNow());
    if (!tokens.isValid()) {
        QString message = tr("The token endpoint answered, but without an access token.");
        const QString code = response.value(QStringLiteral("error")).toString();
        if (!code.isEmpty())
            message = tr("The token endpoint refused (%1). %2").arg(code, explainOAuthError(code));
        fail(Failure::BadTokenResponse, message);
        return;
    }
    succeed(tokens);
}

void OAuthSession::succeed(const OAuthTokens &tokens)
{
    endAttempt();
    m_tokens = tokens;
    if (auto bearer = m_bearer.lock())
        bearer->setAccessToken(m_tokens.accessToken);
    scheduleRefresh();
    setState(State::SignedIn);
    Q_EMIT tokensChanged();
    Q_EMIT signedIn();
}

void OAuthSession::fail(Failure failure, const QString &message)
{
    endAttempt();
    setState(State::Failed);
    Q_EMIT signInFailed(failure, message);
}

void OAuthSession::endAttempt()
{
    if (m_tickTimer) {
        m_clock->cancel(m_tickTimer);
        m_tickTimer = 0;
    }
    if (m_checkTimer) {
        m_clock->cancel(m_checkTimer);
        m_checkTimer = 0;
    }
    m_verifier.fill('\0');
    m_verifier.clear();
    m_expectedState.clear();
    if (m_handler) {
        m_handler->close();
        disconnect(m_handler, nullptr, this, nullptr);
    }
    if (m_flow) {
        disconnect(m_flow, nullptr, this, nullptr);
        m_flow->setModifyParametersFunction({});
        // Not deleted at once: we may be inside the handler's callback, and its socket still
        // has to send the page to the browser.
        QTimer::singleShot(5000, m_flow.data(), &QObject::deleteLater);
    }
    m_flow = nullptr;
    m_handler = nullptr;
}

void OAuthSession::setTokens(const OAuthTokens &tokens)
{
    m_tokens = tokens;
    if (auto bearer = m_bearer.lock())
        bearer->setAccessToken(m_tokens.accessToken);
    scheduleRefresh();
    if (m_tokens.isValid() && !isWaiting())
        setState(State::SignedIn);
}

void OAuthSession::scheduleRefresh()
{
    if (m_refreshTimer) {
        m_clock->cancel(m_refreshTimer);
        m_refreshTimer = 0;
    }
    if (!m_tokens.isValid() || !m_tokens.canRefresh() || !m_tokens.expiresAtUtc.isValid())
        return;
    const qint64 untilExpiry = m_clock->utcNow().msecsTo(m_tokens.expiresAtUtc);
    // Never wait longer than a QTimer can, and never refresh in a tight loop.
    const qint64 delay =
        std::clamp<qint64>(untilExpiry - m_refreshMarginMs, 0, qint64(24) * 24 * 3600 * 1000);
    m_refreshTimer = m_clock->callAfter(delay, this, [this] {
        m_refreshTimer = 0;
        refresh();
    });
}

void OAuthSession::refresh(std::function<void(bool, const QString &)> done)
{
    if (done)
        m_refreshWaiters.push_back(std::move(done));
    if (m_refreshReply)
        return;
    if (!m_tokens.canRefresh() || m_config.tokenUrl.isEmpty()) {
        QTimer::singleShot(0, this, [this] {
            finishRefresh(false, tr("The session has no refresh token. Sign in again."));
        });
        return;
    }
    QNetworkRequest request(m_config.tokenUrl);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader, ApiClient::userAgent());
    request.setTransferTimeout(m_requestTimeoutMs);
    QList<QPair<QString, QString>> fields{
        {QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
        {QStringLiteral("refresh_token"), m_tokens.refreshToken},
        {QStringLiteral("client_id"), m_config.clientId},
    };
    // Only a confidential client sends a secret (6.4's refresh sends an empty one).
    if (!m_config.clientSecret.isEmpty())
        fields.append({QStringLiteral("client_secret"), m_config.clientSecret});
    m_refreshReply = m_nam->post(request, formBody(fields));
    connect(m_refreshReply, &QNetworkReply::finished, this, &OAuthSession::onRefreshFinished);
}

void OAuthSession::onRefreshFinished()
{
    QNetworkReply *reply = m_refreshReply;
    if (!reply || sender() != reply)
        return;
    m_refreshReply = nullptr;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    if (reply->error() != QNetworkReply::NoError || status >= 300) {
        const QString message = tokenFailureMessage(reply, body);
        if (status >= 400 && status < 500) {
            // The refresh token is dead; keep the access token only while it may still work.
            m_tokens.refreshToken.clear();
            finishRefresh(false, message);
            Q_EMIT refreshFailed(message);
            return;
        }
        // Network trouble or a server error: try again shortly if the token still has time.
        if (m_tokens.expiresAtUtc.isValid() &&
            m_clock->utcNow().msecsTo(m_tokens.expiresAtUtc) > 30000 && !m_refreshTimer) {
            m_refreshTimer = m_clock->callAfter(30000, this, [this] {
                m_refreshTimer = 0;
                refresh();
            });
        }
        finishRefresh(false, message);
        return;
    }
    const QVariantMap response = QJsonDocument::fromJson(body).object().toVariantMap();
    OAuthTokens tokens =
        OAuthTokens::fromTokenResponse(response, m_clock->utcNow(), m_tokens.refreshToken);
    if (!tokens.isValid()) {
        const QString message =
            tr("The token endpoint answered the refresh without an access token.");
        finishRefresh(false, message);
        Q_EMIT refreshFailed(message);
        return;
    }
    if (tokens.scope.isEmpty())
        tokens.scope = m_tokens.scope;
    m_tokens = tokens;
    if (auto bearer = m_bearer.lock())
        bearer->setAccessToken(m_tokens.accessToken);
    scheduleRefresh();
    if (!isWaiting())
        setState(State::SignedIn);
    Q_EMIT tokensChanged();
    finishRefresh(true, QString());
}

void OAuthSession::finishRefresh(bool ok, const QString &message)
{
    const auto waiters = std::exchange(m_refreshWaiters, {});
    for (const auto &w : waiters)
        w(ok, message);
}

std::shared_ptr<BearerCredentials> OAuthSession::credentials()
{
    if (auto existing = m_bearer.lock()) {
        existing->setAccessToken(m_tokens.accessToken);
        return existing;
    }
    auto bearer = std::make_shared<BearerCredentials>(m_tokens.accessToken, displayName());
    QPointer<OAuthSession> self(this);
    bearer->setRenewer([self](std::function<void(bool, QString)> done) {
        if (!self) {
            done(false, QString());
            return;
        }
        self->refresh([self, done](bool ok, const QString &) {
            done(ok && self, ok && self ? self->m_tokens.accessToken : QString());
        });
    });
    m_bearer = bearer;
    return bearer;
}

void OAuthSession::signOut()
{
    endAttempt();
    if (m_refreshTimer) {
        m_clock->cancel(m_refreshTimer);
        m_refreshTimer = 0;
    }
    if (m_refreshReply) {
        QNetworkReply *r = m_refreshReply;
        m_refreshReply = nullptr;
        r->abort();
        r->deleteLater();
        finishRefresh(false, tr("Signed out."));
    }
    m_tokens.wipe();
    if (auto bearer = m_bearer.lock()) {
        bearer->setAccessToken(QString());
        bearer->setRenewer({});
    }
    m_bearer.reset();
    setState(State::Idle);
}

} // namespace tango
