#pragma once

#include "auth/OAuthConfig.h"
#include "auth/OAuthTokens.h"

#include <QHostAddress>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <QVariantMap>

#include <functional>
#include <memory>

class QNetworkAccessManager;

class QOAuth2AuthorizationCodeFlow;
class QOAuthHttpServerReplyHandler;

namespace tango {

class BearerCredentials;
class Clock;

// OAuth2 sign-in in the system browser (authorization code, loopback redirect on 127.0.0.1 with
// a random port, PKCE S256, random state) and the tokens' life afterwards: refresh before expiry,
// refresh once after a 401, and a clear signal when the user has to sign in again.
//
// Built on QOAuth2AuthorizationCodeFlow, with Qt 6.4's gaps closed here: PKCE is added by hand,
// the double-encoded code is repaired, a state mismatch and a token-endpoint 4xx (which 6.4
// only logs) end the attempt with a message, refresh is our own request (6.4's gets stuck after
// a rejection), and the listener binds to 127.0.0.1 only and closes after one callback.
//
// Never opens a browser itself: it emits openBrowser() and the GUI decides.
class OAuthSession : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Idle,
        WaitingForBrowser,
        ExchangingCode,
        SignedIn,
        Failed
    };
    Q_ENUM(State)
    enum class Failure
    {
        None,
        Cancelled,
        TimedOut,
        InvalidConfig,
        ListenFailed,
        AccessDenied,       // the user (or the server) declined in the browser
        AuthorizationError, // any other error=... in the redirect
        StateMismatch,      // the redirect's state is not this attempt's
        MissingCode,
        TokenRejected,     // the token endpoint answered 4xx/5xx
        TokenNetworkError, // the token endpoint could not be reached
        BadTokenResponse,  // 2xx without a usable access token
    };
    Q_ENUM(Failure)

    explicit OAuthSession(QObject *parent = nullptr, QNetworkAccessManager *nam = nullptr,
                          Clock *clock = nullptr);
    ~OAuthSession() override;

    void setConfig(const OAuthConfig &config);
    OAuthConfig config() const { return m_config; }

    // How long to wait for the browser and the token exchange (default 5 minutes).
    void setSignInTimeoutMs(qint64 ms) { m_signInTimeoutMs = ms; }
    qint64 signInTimeoutMs() const { return m_signInTimeoutMs; }
    // Refresh this long before the access token expires (default 60 s).
    void setRefreshMarginMs(qint64 ms) { m_refreshMarginMs = ms; }
    // Transfer timeout of a refresh request (default 30 s).
    void setRequestTimeoutMs(int ms) { m_requestTimeoutMs = ms; }

    // Starts a browser sign-in; any previous attempt is dropped. Returns false (after emitting
    // signInFailed) when it cannot start. Success: signedIn(); failure: signInFailed().
    bool signIn();
    // Ends the running attempt with Failure::Cancelled.
    void cancel();

    State state() const { return m_state; }
    bool isWaiting() const
    {
        return m_state == State::WaitingForBrowser || m_state == State::ExchangingCode;
    }
    QUrl authorizationUrl() const { return m_authorizationUrl; }
    QUrl redirectUri() const;
    bool isListening() const;
    quint16 listenPort() const { return m_listenPort; }
    QHostAddress listenAddress() const { return QHostAddress(QHostAddress::LocalHost); }
    qint64 secondsLeft() const;

    // Restores remembered tokens (and schedules their refresh).
    void setTokens(const OAuthTokens &tokens);
    OAuthTokens tokens() const { return m_tokens; }
    bool hasTokens() const { return m_tokens.isValid(); }

    // Exchanges the refresh token for a new access token. Concurrent calls share one request.
    // done(ok, message) runs once, asynchronously.
    void refresh(std::function<void(bool ok, const QString &message)> done = {});
    bool isRefreshing() const { return m_refreshReply != nullptr; }

    // Bearer credentials that follow this session: a refresh updates their token, and after a
    // 401 they ask this session for one refresh (BearerCredentials::setRenewer).
    std::shared_ptr<BearerCredentials> credentials();
    // "OAuth: client <id>"; never a secret.
    QString displayName() const;

    // Forgets the tokens (in memory; the keychain is the caller's) and stops all timers.
    void signOut();

    // The page the browser shows after the redirect.
    static QString successPageHtml();
    static QString failurePageHtml(const QString &reason);

Q_SIGNALS:
    void stateChanged(tango::OAuthSession::State state);
    // The authorization URL to open in the system browser (and to offer for copying).
    void openBrowser(const QUrl &url);
    // Seconds left before the attempt times out, once per second while waiting.
    void countdown(qint64 secondsLeft);
    void signedIn();
    void signInFailed(tango::OAuthSession::Failure failure, const QString &message);
    // New tokens after sign-in or a refresh: time to save them.
    void tokensChanged();
    // The refresh token was refused (or cannot be used): the user has to sign in again.
    void refreshFailed(const QString &message);

private:
    void setState(State state);
    void tick();
    void onCallback(const QVariantMap &data);
    void onTokenEndpointFinished(QNetworkReply *reply);
    void onTokensReceived(const QVariantMap &response);
    void checkExchangeOutcome();
    void succeed(const OAuthTokens &tokens);
    void fail(Failure failure, const QString &message);
    void endAttempt();
    void scheduleRefresh();
    void onRefreshFinished();
    void finishRefresh(bool ok, const QString &message);

    QNetworkAccessManager *m_nam;
    Clock *m_clock;
    OAuthConfig m_config;
    State m_state = State::Idle;
    qint64 m_signInTimeoutMs = 5 * 60 * 1000;
    qint64 m_refreshMarginMs = 60 * 1000;
    int m_requestTimeoutMs = 30000;

    // The running attempt.
    QPointer<QOAuth2AuthorizationCodeFlow> m_flow;
    QPointer<QOAuthHttpServerReplyHandler> m_handler;
    QByteArray m_verifier;
    QString m_expectedState;
    QUrl m_authorizationUrl;
    quint16 m_listenPort = 0;
    qint64 m_deadlineMs = 0;
    quint64 m_tickTimer = 0;
    quint64 m_checkTimer = 0;

    OAuthTokens m_tokens;
    std::weak_ptr<BearerCredentials> m_bearer;
    quint64 m_refreshTimer = 0;
    QPointer<QNetworkReply> m_refreshReply;
    QVector<std::function<void(bool, const QString &)>> m_refreshWaiters;
};

} // namespace tango
