#pragma once

#include "auth/Credentials.h"
#include "auth/OAuthConfig.h"
#include "auth/OAuthSession.h"
#include "auth/SignInRecord.h"
#include "auth/VerificationResult.h"

#include <QDialog>
#include <QPointer>
#include <QUrl>

#include <memory>

namespace Ui {
class LoginDialog;
}

namespace tango {

class Clock;
class CredentialVerifier;

// Sign-in: paste an API key, or sign in in the system browser (OAuth2). Either way one cheap
// request proves the credentials before they are used, and the dialog shows the account's
// limits or the API's own explanation of a refusal. Never blocks: everything is asynchronous.
// The caller reads credentials(), record() and remember() after accepted().
class LoginDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Page
    {
        ApiKey,
        OAuth
    };
    Q_ENUM(Page)
    enum class Status
    {
        Idle,
        Busy,
        Verified,
        Failed
    };
    Q_ENUM(Status)

    // session: the OAuth session to sign in with (owned by the caller; it outlives the dialog).
    explicit LoginDialog(OAuthSession *session, QWidget *parent = nullptr, Clock *clock = nullptr);
    ~LoginDialog() override;

    void setBaseUrl(const QUrl &baseUrl);
    QUrl baseUrl() const { return m_baseUrl; }
    void setPage(Page page);
    Page page() const;
    void setOAuthClient(const QString &clientId, const QString &clientSecret = {});
    OAuthConfig oauthConfig() const;
    void setRemember(bool remember);
    bool remember() const;
    // A notice above the tabs (e.g. "your session expired"); empty hides it.
    void setNotice(const QString &text);
    // False: the note says plainly that secrets are kept for this session only.
    void setKeychainAvailable(bool available);

    // The verified credentials and what "remember" would store; null/invalid until verified.
    CredentialsPtr credentials() const { return m_verifiedCredentials; }
    SignInRecord record() const;
    VerificationResult lastResult() const { return m_lastResult; }
    Status status() const { return m_status; }
    // The result area as plain text (tests, accessibility).
    QString resultText() const;
    QString countdownText() const;
    QString linkText() const;
    bool isWaitingForBrowser() const;

    // The result area's contents, for one verification.
    static QString successHtml(const VerificationResult &result);
    static QString failureHtml(const ApiError &error);

public Q_SLOTS:
    void verifyKey();
    void startBrowserSignIn();
    void cancelBrowserSignIn();

protected:
    void done(int result) override;

private:
    void setStatus(Status status, const QString &html);
    void invalidate();
    void verify(const CredentialsPtr &credentials, Page page);
    void onVerified(const VerificationResult &result);
    void updateButtons();
    void updateKeyVisibility(bool shown);
    void showWaiting(bool waiting);
    void onCountdown(qint64 secondsLeft);
    void openLink();
    void fitHeight();

    std::unique_ptr<Ui::LoginDialog> m_ui;
    QPointer<OAuthSession> m_session;
    Clock *m_clock;
    CredentialVerifier *m_verifier;
    QUrl m_baseUrl;
    Status m_status = Status::Idle;
    Page m_verifyingPage = Page::ApiKey;
    CredentialsPtr m_pendingCredentials;
    CredentialsPtr m_verifiedCredentials;
    Page m_verifiedPage = Page::ApiKey;
    VerificationResult m_lastResult;
    QUrl m_link;
    bool m_urlsEdited = false;
    bool m_rememberWanted = true;
};

} // namespace tango
