#pragma once

#include "LoginDialog.h"
#include "MainWindow.h"
#include "SignInOptions.h"
#include "api/ApiClient.h"
#include "auth/Credentials.h"
#include "auth/SecretStore.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>

class QAction;
class QMenu;
class QWidget;

namespace tango {

class ApiError;
class Clock;

// Everything about being signed in, for the main window: start-up order (TANGO_API_KEY, the
// keychain, the dialog), the sign-in dialog, remembering in the keychain, OAuth refresh and
// re-sign-in, the Account menu (identity, Switch credentials…, Sign out).
//   auto *signIn = new SignInController(&window);
//   signIn->attach(&window);
//   signIn->startUp(options);
class SignInController : public QObject
{
    Q_OBJECT
public:
    enum class Source
    {
        None,
        Environment,
        Keychain,
        Dialog
    };
    Q_ENUM(Source)

    // store: the keychain (default: a SecretStore for the application id, owned here).
    explicit SignInController(QObject *parent = nullptr, SecretStore *store = nullptr,
                              Clock *clock = nullptr);
    ~SignInController() override;

    void attach(MainWindow *window);
    // The same without a MainWindow: where dialogs go, the client whose 401s matter, the menu
    // to extend (may be null), and how to put credentials to use.
    void attach(QWidget *dialogParent, ApiClient *client, QMenu *accountMenu,
                std::function<void(CredentialsPtr)> apply);

    void startUp(const SignInOptions &options);

    CredentialsPtr credentials() const { return m_credentials; }
    // What the Account menu shows: "••••1a2b" or "OAuth: client …"; empty when signed out.
    QString identity() const;
    Source source() const { return m_source; }
    QUrl baseUrl() const;
    SecretStore *secretStore() const { return m_store; }
    OAuthSession *oauthSession() const { return m_session; }
    LoginDialog *dialog() const { return m_dialog; }
    QAction *identityAction() const { return m_identityAction; }
    QAction *switchAction() const { return m_switchAction; }
    QAction *signOutAction() const { return m_signOutAction; }
    // The keychain account name used for this server.
    QString keychainAccount() const;
    // Browser sign-in timeout for new dialogs (tests shorten it).
    void setOAuthTimeoutMs(qint64 ms) { m_oauthTimeoutMs = ms; }

public Q_SLOTS:
    // Opens the sign-in dialog (or raises it).
    void switchCredentials();
    // Removes the remembered secret from the keychain and every secret from memory.
    void signOut();

Q_SIGNALS:
    void credentialsChanged(const tango::CredentialsPtr &credentials);
    void dialogOpened(tango::LoginDialog *dialog);
    // A sentence for the status bar ("Saved in the system keychain.", "Signed out.").
    void message(const QString &text);
    // Start-up has decided: credentials applied, or the dialog is open.
    void startUpFinished();
    // A keychain write or delete finished (tests wait for it).
    void keychainUpdated(tango::SecretStore::Result result);

private:
    void openDialog(LoginDialog::Page page, const QString &notice, bool reuseSession,
                    bool startBrowser);
    void onDialogAccepted(LoginDialog *dialog, OAuthSession *session, bool reused);
    void apply(const CredentialsPtr &credentials, Source source);
    void applyRecord(SignInRecord record);
    void adoptSession(OAuthSession *session);
    void retireSession();
    void remember(const SignInRecord &record);
    void forget();
    void updateActions();
    void onCredentialsRejected(const ApiError &error);
    void onRefreshFailed(const QString &message);
    void showKeychainNotice(const QString &text);
    OAuthSession *newSession();

    SecretStore *m_store;
    Clock *m_clock;
    QPointer<QWidget> m_parent;
    QPointer<ApiClient> m_client;
    QPointer<MainWindow> m_window;
    std::function<void(CredentialsPtr)> m_apply;
    SignInOptions m_options;
    CredentialsPtr m_credentials;
    Source m_source = Source::None;
    bool m_remembered = false;
    QPointer<OAuthSession> m_session;
    QPointer<LoginDialog> m_dialog;
    QPointer<QAction> m_identityAction;
    QPointer<QAction> m_switchAction;
    QPointer<QAction> m_signOutAction;
    QPointer<QWidget> m_keychainNotice;
    qint64 m_oauthTimeoutMs = 5 * 60 * 1000;
};

} // namespace tango
