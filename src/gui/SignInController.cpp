#include "SignInController.h"

#include "ActionRegistry.h"
#include "MainWindow.h"
#include "api/ApiClient.h"
#include "api/ApiError.h"
#include "auth/ApiKeyCredentials.h"
#include "auth/BearerCredentials.h"
#include "auth/OAuthSession.h"
#include "util/Clock.h"

#include <QAction>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>

namespace tango {

SignInController::SignInController(QObject *parent, SecretStore *store, Clock *clock)
    : QObject(parent)
    , m_store(store ? store : new SecretStore(QString(), this, clock))
    , m_clock(clock ? clock : Clock::system())
{}

SignInController::~SignInController()
{
    if (m_dialog)
        m_dialog->deleteLater();
}

void SignInController::attach(MainWindow *window)
{
    m_window = window;
    attach(window, window->apiClient(), window->accountMenu(),
           [window](CredentialsPtr c) { window->setCredentials(std::move(c)); });
    // Account → Switch credentials…, the error dialog's button and the empty state's link all
    // ask the window; the sign-in dialog answers.
    m_switchAction = window->actionRegistry()->action(ActionRegistry::Id::SwitchCredentials);
    connect(window, &MainWindow::switchCredentialsRequested, this,
            &SignInController::switchCredentials, Qt::UniqueConnection);
    // Keychain outcomes and sign-out are reported where the user looks.
    connect(this, &SignInController::message, window,
            [window](const QString &text) { window->statusBar()->showMessage(text, 15000); });
    updateActions();
}

void SignInController::attach(QWidget *dialogParent, ApiClient *client, QMenu *accountMenu,
                              std::function<void(CredentialsPtr)> apply)
{
    m_parent = dialogParent;
    m_client = client;
    m_apply = std::move(apply);
    if (client)
        connect(client, &ApiClient::credentialsRejected, this,
                &SignInController::onCredentialsRejected, Qt::UniqueConnection);
    if (accountMenu && !m_identityAction) {
        m_identityAction = new QAction(accountMenu);
        m_identityAction->setObjectName(QStringLiteral("actionIdentity"));
        m_identityAction->setEnabled(false);
        QAction *first = accountMenu->actions().value(0);
        accountMenu->insertAction(first, m_identityAction);
        accountMenu->insertSeparator(first);
        if (!first) {
            m_switchAction = new QAction(tr("&Switch credentials…"), accountMenu);
            m_switchAction->setObjectName(QStringLiteral("actionSwitchCredentials"));
            accountMenu->addAction(m_switchAction);
            connect(m_switchAction, &QAction::triggered, this,
                    &SignInController::switchCredentials);
        }
        m_signOutAction = new QAction(tr("Sign &out"), accountMenu);
        m_signOutAction->setObjectName(QStringLiteral("actionSignOut"));
        m_signOutAction->setStatusTip(
            tr("Forget the credentials: remove them from the keychain and from memory"));
        accountMenu->addAction(m_signOutAction);
        connect(m_signOutAction, &QAction::triggered, this, &SignInController::signOut);
    }
    updateActions();
}

QUrl SignInController::baseUrl() const
{
    if (m_options.baseUrl.isValid() && !m_options.baseUrl.isEmpty())
        return m_options.baseUrl;
    if (m_client)
        return m_client->baseUrl();
    return ApiClient::defaultBaseUrl();
}

QString SignInController::keychainAccount() const
{
    return SignInRecord::accountFor(baseUrl());
}

QString SignInController::identity() const
{
    return m_credentials ? m_credentials->displayName() : QString();
}

void SignInController::startUp(const SignInOptions &options)
{
    m_options = options;
    if (options.mode == SignInOptions::Mode::OAuth) {
        openDialog(LoginDialog::Page::OAuth, QString(), false, !options.oauthClientId.isEmpty());
        Q_EMIT startUpFinished();
        return;
    }
    if (options.mode == SignInOptions::Mode::ApiKey) {
        openDialog(LoginDialog::Page::ApiKey, QString(), false, false);
        Q_EMIT startUpFinished();
        return;
    }
    if (!options.apiKey.isEmpty()) {
        apply(std::make_shared<ApiKeyCredentials>(options.apiKey), Source::Environment);
        Q_EMIT startUpFinished();
        return;
    }
    m_store->read(keychainAccount(), this,
                  [this](SecretStore::Result result, const QString &secret, const QString &) {
                      SignInRecord record;
                      if (result == SecretStore::Result::Ok)
                          record = SignInRecord::fromJson(secret.toUtf8());
                      if (record.isValid()) {
                          applyRecord(record);
                      } else {
                          const bool oauth = !m_options.oauthClientId.isEmpty();
                          openDialog(oauth ? LoginDialog::Page::OAuth : LoginDialog::Page::ApiKey,
                                     QString(), false, false);
                      }
                      record.wipe();
                      Q_EMIT startUpFinished();
                  });
}

void SignInController::applyRecord(SignInRecord record)
{
    m_remembered = true;
    if (record.kind == SignInRecord::Kind::ApiKey) {
        retireSession();
        apply(std::make_shared<ApiKeyCredentials>(record.apiKey), Source::Keychain);
        return;
    }
    OAuthSession *session = newSession();
    session->setConfig(record.oauth);
    // An expired token with a refresh token is refreshed at once (the refresh timer fires now).
    session->setTokens(record.tokens);
    adoptSession(session);
    apply(session->credentials(), Source::Keychain);
}

OAuthSession *SignInController::newSession()
{
    auto *session = new OAuthSession(this, nullptr, m_clock);
    session->setSignInTimeoutMs(m_oauthTimeoutMs);
    return session;
}

void SignInController::adoptSession(OAuthSession *session)
{
    if (m_session == session)
        return;
    retireSession();
    m_session = session;
    connect(session, &OAuthSession::tokensChanged, this, [this, session] {
        if (m_session != session || !m_remembered)
            return;
        SignInRecord r;
        r.kind = SignInRecord::Kind::OAuth;
        r.oauth = session->config();
        r.tokens = session->tokens();
        remember(r);
        r.wipe();
    });
    connect(session, &OAuthSession::refreshFailed, this, &SignInController::onRefreshFailed);
}

void SignInController::retireSession()
{
    if (!m_session)
        return;
    OAuthSession *old = m_session;
    m_session = nullptr;
    disconnect(old, nullptr, this, nullptr);
    old->signOut();
    old->deleteLater();
}

void SignInController::apply(const CredentialsPtr &credentials, Source source)
{
    m_credentials = credentials;
    m_source = credentials ? source : Source::None;
    if (m_apply)
        m_apply(credentials);
    else if (m_client)
        m_client->setCredentials(credentials);
    updateActions();
    Q_EMIT credentialsChanged(credentials);
}

void SignInController::updateActions()
{
    if (m_identityAction) {
        QString text = tr("Not signed in");
        if (m_credentials) {
            text = tr("Signed in: %1").arg(m_credentials->displayName());
            if (m_source == Source::Environment)
                text += QLatin1Char(' ') + tr("(from TANGO_API_KEY)");
            else if (m_remembered)
                text += QLatin1Char(' ') + tr("(remembered)");
        }
        m_identityAction->setText(text);
    }
    if (m_switchAction)
        m_switchAction->setText(m_credentials ? tr("&Switch credentials…") : tr("&Sign in…"));
    if (m_signOutAction)
        m_signOutAction->setEnabled(m_credentials != nullptr || m_remembered);
}

void SignInController::switchCredentials()
{
    LoginDialog::Page page = LoginDialog::Page::ApiKey;
    if ((m_credentials && m_credentials->kind() == QLatin1String("bearer")) ||
        (!m_credentials && !m_options.oauthClientId.isEmpty()))
        page = LoginDialog::Page::OAuth;
    openDialog(page, QString(), false, false);
}

void SignInController::openDialog(LoginDialog::Page page, const QString &notice, bool reuseSession,
                                  bool startBrowser)
{
    if (m_dialog) {
        if (!notice.isEmpty())
            m_dialog->setNotice(notice);
        m_dialog->show();
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }
    const bool reuse = reuseSession && m_session;
    OAuthSession *session = reuse ? m_session.data() : newSession();
    auto *dialog = new LoginDialog(session, m_parent, m_clock);
    m_dialog = dialog;
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setBaseUrl(baseUrl());
    QString clientId = m_options.oauthClientId;
    QString clientSecret = m_options.oauthClientSecret;
    if (m_session && clientId.isEmpty()) {
        clientId = m_session->config().clientId;
        clientSecret = m_session->config().clientSecret;
    }
    dialog->setOAuthClient(clientId, clientSecret);
    dialog->setKeychainAvailable(m_store->isKeychainAvailable());
    dialog->setRemember(m_remembered || m_source != Source::Environment);
    dialog->setNotice(notice);
    dialog->setPage(page);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog, session, reuse] { onDialogAccepted(dialog, session, reuse); });
    connect(dialog, &QDialog::rejected, this, [this, session] {
        if (session != m_session)
            session->deleteLater();
    });
    dialog->open();
    Q_EMIT dialogOpened(dialog);
    if (startBrowser)
        dialog->startBrowserSignIn();
}

void SignInController::onDialogAccepted(LoginDialog *dialog, OAuthSession *session, bool reused)
{
    const CredentialsPtr credentials = dialog->credentials();
    SignInRecord record = dialog->record();
    m_remembered = dialog->remember();
    if (!credentials)
        return;
    if (record.kind == SignInRecord::Kind::OAuth) {
        adoptSession(session);
    } else {
        retireSession();
        if (session != m_session)
            session->deleteLater();
    }
    if (reused && credentials == m_credentials) {
        // Same credentials object with a fresh token: the table and its query stay as they
        // are; the request that failed is tried again.
        updateActions();
        Q_EMIT credentialsChanged(credentials);
        if (m_window && m_window->errorDialog() && m_window->errorDialog()->isVisible() &&
            m_window->errorDialog()->error().kind() == ApiError::Kind::Unauthorized)
            m_window->errorDialog()->retryButton()->click();
    } else {
        apply(credentials, Source::Dialog);
    }
    if (m_remembered)
        remember(record);
    else
        forget();
    record.wipe();
}

void SignInController::remember(const SignInRecord &record)
{
    m_store->write(keychainAccount(), QString::fromUtf8(record.toJson()), this,
                   [this](SecretStore::Result result, const QString &why) {
                       Q_EMIT message(result == SecretStore::Result::Ok
                                          ? tr("Sign-in remembered in the system keychain.")
                                          : why);
                       if (result != SecretStore::Result::Ok)
                           showKeychainNotice(why);
                       Q_EMIT keychainUpdated(result);
                   });
}

void SignInController::showKeychainNotice(const QString &text)
{
    // Said once, plainly, without blocking: the sign-in works, it just will not be remembered.
    if (!m_parent || m_keychainNotice)
        return;
    auto *box = new QMessageBox(QMessageBox::Information, tr("Not remembered"), text,
                                QMessageBox::Close, m_parent);
    box->setObjectName(QStringLiteral("keychainNotice"));
    box->setAccessibleName(tr("Keychain notice"));
    box->setInformativeText(tr("You stay signed in until Tango Explorer closes; next time you "
                               "will be asked again."));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setModal(false);
    m_keychainNotice = box;
    box->show();
}

void SignInController::forget()
{
    m_store->remove(keychainAccount(), this, [this](SecretStore::Result result, const QString &) {
        Q_EMIT keychainUpdated(result);
    });
}

void SignInController::signOut()
{
    m_remembered = false;
    retireSession();
    apply(nullptr, Source::None);
    m_store->remove(keychainAccount(), this,
                    [this](SecretStore::Result result, const QString &why) {
                        Q_EMIT message(result == SecretStore::Result::Ok
                                           ? tr("Signed out. Nothing is kept on this computer.")
                                           : tr("Signed out, but the keychain entry could not "
                                                "be removed: %1")
                                                 .arg(why));
                        Q_EMIT keychainUpdated(result);
                    });
}

void SignInController::onCredentialsRejected(const ApiError &)
{
    // A key that is refused is explained by the error dialog; an OAuth session that could
    // not renew itself needs a new sign-in, keeping the window and its table as they are.
    if (m_credentials && m_credentials->kind() == QLatin1String("bearer") && m_session)
        onRefreshFailed(QString());
}

void SignInController::onRefreshFailed(const QString &)
{
    if (!m_session || m_credentials == nullptr)
        return;
    openDialog(LoginDialog::Page::OAuth,
               tr("Your browser sign-in has expired and could not be renewed. Sign in again to "
                  "continue; the table stays as it is."),
               true, false);
}

} // namespace tango
