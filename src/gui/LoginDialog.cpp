#include "LoginDialog.h"

#include "ui_LoginDialog.h"

#include "auth/ApiKeyCredentials.h"
#include "auth/BearerCredentials.h"
#include "auth/CredentialVerifier.h"
#include "auth/OAuthSession.h"
#include "util/Clock.h"

#include <QClipboard>
#include <QDesktopServices>
#include <QGuiApplication>
#include <QLocale>
#include <QMimeData>
#include <QPushButton>
#include <QScreen>
#include <QStyle>
#include <QTextDocument>
#include <QTimer>

namespace tango {

namespace {

QString windowLine(const RateLimitWindow *w, const QString &name)
{
    if (!w || (!w->limit && !w->remaining))
        return {};
    const QLocale locale;
    auto count = [&locale](const std::optional<qint64> &v) {
        return v ? locale.toString(*v) : LoginDialog::tr("?");
    };
    QString line = LoginDialog::tr("<b>%1:</b> %2 of %3 requests left")
                       .arg(name.toHtmlEscaped(), count(w->remaining), count(w->limit));
    if (w->resetSeconds) {
        const qint64 s = *w->resetSeconds;
        QString reset;
        if (s < 120)
            reset = LoginDialog::tr("resets in %1 s").arg(s);
        else if (s < 2 * 3600)
            reset = LoginDialog::tr("resets in %1 min").arg((s + 59) / 60);
        else
            reset = LoginDialog::tr("resets in %1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
        line += QStringLiteral(" (%1)").arg(reset);
    }
    return line;
}

QString bulletList(const QStringList &items)
{
    if (items.isEmpty())
        return {};
    QString html = QStringLiteral("<ul style='margin-top:0; margin-bottom:4px;'>");
    for (const QString &i : items)
        html += QStringLiteral("<li>%1</li>").arg(i.toHtmlEscaped());
    return html + QStringLiteral("</ul>");
}

} // namespace

LoginDialog::LoginDialog(OAuthSession *session, QWidget *parent, Clock *clock)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::LoginDialog>())
    , m_session(session)
    , m_clock(clock ? clock : Clock::system())
    , m_verifier(new CredentialVerifier(this, m_clock))
{
    m_ui->setupUi(this);
    setObjectName(QStringLiteral("loginDialog"));
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setText(tr("Use these credentials"));
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setAccessibleName(tr("Use these credentials"));
    m_ui->buttonBox->button(QDialogButtonBox::Cancel)->setAccessibleName(tr("Cancel"));
    m_ui->scopeEdit->setText(QStringLiteral("read"));
    m_ui->messageLabel->hide();
    m_ui->keychainNote->hide();
    m_ui->waitingPanel->hide();
    m_ui->resultFrame->hide();
    // A key stays out of clipboard history and is not offered for dragging.
    m_ui->keyEdit->setDragEnabled(false);
    m_ui->keyEdit->setContextMenuPolicy(Qt::NoContextMenu);
    m_ui->clientSecretEdit->setContextMenuPolicy(Qt::NoContextMenu);

    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_ui->showKeyButton, &QToolButton::toggled, this, &LoginDialog::updateKeyVisibility);
    connect(m_ui->pasteKeyButton, &QToolButton::clicked, this, [this] {
        const QString text = QGuiApplication::clipboard()->text().trimmed();
        if (!text.isEmpty())
            m_ui->keyEdit->setText(text);
        m_ui->keyEdit->setFocus();
    });
    connect(m_ui->keyEdit, &QLineEdit::textChanged, this, [this] {
        if (m_verifiedPage == Page::ApiKey || m_verifyingPage == Page::ApiKey)
            invalidate();
        updateButtons();
    });
    connect(m_ui->keyEdit, &QLineEdit::returnPressed, this, &LoginDialog::verifyKey);
    connect(m_ui->verifyButton, &QPushButton::clicked, this, &LoginDialog::verifyKey);
    for (QLineEdit *e :
         {m_ui->clientIdEdit, m_ui->clientSecretEdit, m_ui->authorizeUrlEdit, m_ui->tokenUrlEdit}) {
        connect(e, &QLineEdit::textChanged, this, [this] {
            if (m_verifiedPage == Page::OAuth)
                invalidate();
            updateButtons();
        });
    }
    connect(m_ui->authorizeUrlEdit, &QLineEdit::textEdited, this, [this] { m_urlsEdited = true; });
    connect(m_ui->tokenUrlEdit, &QLineEdit::textEdited, this, [this] { m_urlsEdited = true; });
    connect(m_ui->browserSignInButton, &QPushButton::clicked, this,
            &LoginDialog::startBrowserSignIn);
    connect(m_ui->cancelSignInButton, &QPushButton::clicked, this,
            &LoginDialog::cancelBrowserSignIn);
    connect(m_ui->openAgainButton, &QPushButton::clicked, this, &LoginDialog::openLink);
    connect(m_ui->copyLinkButton, &QToolButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_link.toString(QUrl::FullyEncoded));
        m_ui->copyLinkButton->setText(tr("Copied"));
    });
    connect(m_ui->tabs, &QTabWidget::currentChanged, this, [this] { updateButtons(); });
    connect(m_verifier, &CredentialVerifier::finished, this, &LoginDialog::onVerified);

    if (m_session) {
        connect(m_session, &OAuthSession::openBrowser, this, [this](const QUrl &url) {
            m_link = url;
            m_ui->linkEdit->setText(url.toString(QUrl::FullyEncoded));
            m_ui->linkEdit->setCursorPosition(0);
            m_ui->copyLinkButton->setText(tr("Copy link"));
            openLink();
        });
        connect(m_session, &OAuthSession::countdown, this, &LoginDialog::onCountdown);
        connect(m_session, &OAuthSession::signInFailed, this,
                [this](OAuthSession::Failure, const QString &message) {
                    showWaiting(false);
                    setStatus(Status::Failed,
                              QStringLiteral("<b>%1</b><p>%2</p>")
                                  .arg(tr("Browser sign-in did not complete").toHtmlEscaped(),
                                       message.toHtmlEscaped()));
                });
        connect(m_session, &OAuthSession::signedIn, this, [this] {
            showWaiting(false);
            verify(m_session->credentials(), Page::OAuth);
        });
        connect(m_session, &OAuthSession::stateChanged, this, [this] { updateButtons(); });
    }
    setBaseUrl(QUrl(QStringLiteral("https://tango.makegov.com")));
    updateKeyVisibility(false);
    updateButtons();
    // As tall as the content, not more; fitHeight() grows it for a long explanation.
    resize(width(), sizeHint().height());
}

LoginDialog::~LoginDialog()
{
    // The session outlives this dialog: no more calls back into half-destroyed widgets.
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    if (m_session && m_session->isWaiting())
        m_session->cancel();
}

void LoginDialog::setBaseUrl(const QUrl &baseUrl)
{
    m_baseUrl = baseUrl;
    m_ui->serverLabel->setText(
        tr("Server: <b>%1</b>").arg(baseUrl.toDisplayString().toHtmlEscaped()));
    if (!m_urlsEdited) {
        const OAuthConfig c = OAuthConfig::forBaseUrl(baseUrl);
        m_ui->authorizeUrlEdit->setText(c.authorizeUrl.toString());
        m_ui->tokenUrlEdit->setText(c.tokenUrl.toString());
    }
}

void LoginDialog::setPage(Page page)
{
    m_ui->tabs->setCurrentWidget(page == Page::ApiKey ? m_ui->keyPage : m_ui->oauthPage);
    if (page == Page::ApiKey)
        m_ui->keyEdit->setFocus();
    else
        m_ui->clientIdEdit->setFocus();
}

LoginDialog::Page LoginDialog::page() const
{
    return m_ui->tabs->currentWidget() == m_ui->oauthPage ? Page::OAuth : Page::ApiKey;
}

void LoginDialog::setOAuthClient(const QString &clientId, const QString &clientSecret)
{
    m_ui->clientIdEdit->setText(clientId.trimmed());
    m_ui->clientSecretEdit->setText(clientSecret);
}

OAuthConfig LoginDialog::oauthConfig() const
{
    OAuthConfig c;
    c.clientId = m_ui->clientIdEdit->text().trimmed();
    c.clientSecret = m_ui->clientSecretEdit->text();
    c.authorizeUrl = QUrl::fromUserInput(m_ui->authorizeUrlEdit->text().trimmed());
    c.tokenUrl = QUrl::fromUserInput(m_ui->tokenUrlEdit->text().trimmed());
    c.scope = m_ui->scopeEdit->text().trimmed();
    return c;
}

void LoginDialog::setRemember(bool remember)
{
    m_rememberWanted = remember;
    if (m_ui->rememberCheck->isEnabled())
        m_ui->rememberCheck->setChecked(remember);
}

bool LoginDialog::remember() const
{
    return m_ui->rememberCheck->isEnabled() && m_ui->rememberCheck->isChecked();
}

void LoginDialog::setNotice(const QString &text)
{
    m_ui->messageLabel->setText(text.toHtmlEscaped());
    m_ui->messageLabel->setStyleSheet(
        QStringLiteral("QLabel { background: #fff4e5; color: #5c3b00; border: 1px solid #f0c27b; "
                       "border-radius: 3px; padding: 6px; }"));
    m_ui->messageLabel->setVisible(!text.isEmpty());
}

void LoginDialog::setKeychainAvailable(bool available)
{
    m_ui->keychainNote->setText(
        available ? QString()
                  : tr("No system keychain is available on this computer, so nothing can be "
                       "remembered: the credentials are kept for this session only and are "
                       "never written to disk."));
    m_ui->keychainNote->setStyleSheet(
        QStringLiteral("QLabel { background: #fff4e5; color: #5c3b00; border: 1px solid #f0c27b; "
                       "border-radius: 3px; padding: 6px; }"));
    m_ui->keychainNote->setVisible(!available);
    // Nothing to choose without a keychain: the credentials live in memory until exit anyway.
    m_ui->rememberCheck->setEnabled(available);
    m_ui->rememberCheck->setChecked(available && m_rememberWanted);
    m_ui->rememberCheck->setText(available
                                     ? tr("&Remember on this computer (in the system keychain)")
                                     : tr("&Remember on this computer (not possible here)"));
}

SignInRecord LoginDialog::record() const
{
    SignInRecord r;
    if (!m_verifiedCredentials)
        return r;
    if (m_verifiedPage == Page::ApiKey) {
        if (auto key = std::dynamic_pointer_cast<ApiKeyCredentials>(m_verifiedCredentials)) {
            r.kind = SignInRecord::Kind::ApiKey;
            r.apiKey = key->key();
        }
    } else if (m_session) {
        r.kind = SignInRecord::Kind::OAuth;
        r.oauth = m_session->config();
        r.tokens = m_session->tokens();
    }
    return r;
}

QString LoginDialog::resultText() const
{
    QTextDocument doc;
    doc.setHtml(m_ui->resultLabel->text());
    return doc.toPlainText();
}

QString LoginDialog::countdownText() const
{
    return m_ui->countdownLabel->text();
}

QString LoginDialog::linkText() const
{
    return m_ui->linkEdit->text();
}

bool LoginDialog::isWaitingForBrowser() const
{
    return m_ui->waitingPanel->isVisible() || (m_session && m_session->isWaiting());
}

void LoginDialog::updateKeyVisibility(bool shown)
{
    m_ui->keyEdit->setEchoMode(shown ? QLineEdit::Normal : QLineEdit::Password);
    m_ui->showKeyButton->setText(shown ? tr("Hide") : tr("Show"));
}

void LoginDialog::setStatus(Status status, const QString &html)
{
    m_status = status;
    QStyle::StandardPixmap icon = QStyle::SP_MessageBoxInformation;
    QString frame = QStringLiteral("#f4f6f8; border: 1px solid #c8d0d8");
    if (status == Status::Verified) {
        icon = QStyle::SP_DialogApplyButton;
        frame = QStringLiteral("#e9f7ec; border: 1px solid #7cc48b");
    } else if (status == Status::Failed) {
        icon = QStyle::SP_MessageBoxCritical;
        frame = QStringLiteral("#fdecea; border: 1px solid #e08a80");
    }
    m_ui->resultFrame->setStyleSheet(
        QStringLiteral("QFrame#resultFrame { background: %1; border-radius: 4px; }"
                       "QFrame#resultFrame QLabel { color: #1d1d1d; }")
            .arg(frame));
    m_ui->resultIcon->setPixmap(style()->standardIcon(icon).pixmap(32, 32));
    m_ui->resultLabel->setText(html);
    m_ui->resultFrame->setVisible(status != Status::Idle);
    const QString plain = resultText();
    m_ui->resultFrame->setAccessibleDescription(plain);
    updateButtons();
    // A long explanation (401 causes and advice) must be read in full, not clipped.
    QTimer::singleShot(0, this, &LoginDialog::fitHeight);
}

void LoginDialog::fitHeight()
{
    if (!layout())
        return;
    layout()->activate();
    int wanted = layout()->hasHeightForWidth() ? layout()->totalHeightForWidth(width())
                                               : layout()->totalSizeHint().height();
    if (const QScreen *s = screen())
        wanted = std::min(wanted, s->availableGeometry().height() - 60);
    if (wanted > height())
        resize(width(), wanted);
}

void LoginDialog::invalidate()
{
    if (m_status == Status::Busy && m_verifyingPage == page())
        m_verifier->abort();
    if (m_verifiedCredentials && m_verifiedPage == page()) {
        m_verifiedCredentials.reset();
    }
    if (m_status != Status::Idle && !(m_session && m_session->isWaiting()))
        setStatus(Status::Idle, QString());
}

void LoginDialog::verifyKey()
{
    // Editing the key withdraws a verification, so a verified key is the one in the field;
    // Return in the field then means "use it" (the default button), not "check it again".
    if (m_verifiedCredentials && m_verifiedPage == Page::ApiKey)
        return;
    const QString key = m_ui->keyEdit->text().trimmed();
    if (key.isEmpty()) {
        setStatus(Status::Failed, tr("<b>Enter an API key first.</b>"));
        return;
    }
    if (key.contains(QLatin1Char(' ')) || key.contains(QLatin1Char('\n'))) {
        setStatus(Status::Failed,
                  tr("<b>That does not look like an API key.</b><p>An API key is one word "
                     "without spaces. Copy it again from your Tango account page.</p>"));
        return;
    }
    verify(std::make_shared<ApiKeyCredentials>(key), Page::ApiKey);
}

void LoginDialog::verify(const CredentialsPtr &credentials, Page page)
{
    m_verifiedCredentials.reset();
    m_pendingCredentials = credentials;
    m_verifyingPage = page;
    QString why;
    setStatus(Status::Busy,
              tr("Checking with one small request to %1…").arg(m_baseUrl.host().toHtmlEscaped()));
    if (!m_verifier->verify(credentials, m_baseUrl, &why)) {
        m_pendingCredentials.reset();
        setStatus(Status::Failed,
                  QStringLiteral("<b>%1</b><p>%2</p>")
                      .arg(tr("The server address is not acceptable.").toHtmlEscaped(),
                           why.toHtmlEscaped()));
    }
}

void LoginDialog::onVerified(const VerificationResult &result)
{
    m_lastResult = result;
    if (result.ok) {
        m_verifiedCredentials = m_pendingCredentials;
        m_verifiedPage = m_verifyingPage;
        setStatus(Status::Verified, successHtml(result));
        m_ui->buttonBox->button(QDialogButtonBox::Ok)->setDefault(true);
        m_ui->buttonBox->button(QDialogButtonBox::Ok)->setFocus();
    } else {
        m_verifiedCredentials.reset();
        setStatus(Status::Failed, failureHtml(result.error));
    }
    m_pendingCredentials.reset();
}

QString LoginDialog::successHtml(const VerificationResult &result)
{
    QString html = QStringLiteral("<b>%1</b>")
                       .arg(tr("Verified: %1 works.").arg(result.identity).toHtmlEscaped());
    QStringList lines;
    const QString burst = windowLine(result.rateLimit.window(QStringLiteral("burst")), tr("Burst"));
    const QString daily = windowLine(result.rateLimit.window(QStringLiteral("daily")), tr("Daily"));
    if (!burst.isEmpty())
        lines << burst;
    if (!daily.isEmpty())
        lines << daily;
    if (lines.isEmpty()) {
        const QString overall = windowLine(&result.rateLimit.overall(), tr("Limit"));
        lines << (overall.isEmpty() ? tr("The server sent no rate-limit information.") : overall);
    }
    QStringList facts;
    if (!result.apiVersion.isEmpty())
        facts << tr("API version %1").arg(result.apiVersion.toHtmlEscaped());
    if (result.latencyMs >= 0)
        facts << tr("answered in %1 ms").arg(result.latencyMs);
    if (!facts.isEmpty())
        lines << facts.join(QStringLiteral(" · "));
    return html + QStringLiteral("<br>") + lines.join(QStringLiteral("<br>"));
}

QString LoginDialog::failureHtml(const ApiError &error)
{
    // The same words as the error dialogs.
    QString html = QStringLiteral("<b>%1</b><p style='margin-top:2px;'>%2</p>")
                       .arg(error.title().toHtmlEscaped(), error.explanation().toHtmlEscaped());
    const QStringList causes = error.likelyCauses();
    if (!causes.isEmpty())
        html += QStringLiteral("<b>%1</b>").arg(tr("Likely causes").toHtmlEscaped()) +
                bulletList(causes);
    const QStringList todo = error.whatToDo();
    if (!todo.isEmpty())
        html +=
            QStringLiteral("<b>%1</b>").arg(tr("What to do").toHtmlEscaped()) + bulletList(todo);
    if (!error.serverMessage().isEmpty())
        html += QStringLiteral("<p>%1</p>")
                    .arg(tr("The server said: “%1”").arg(error.serverMessage()).toHtmlEscaped());
    return html;
}

void LoginDialog::startBrowserSignIn()
{
    if (!m_session)
        return;
    invalidate();
    m_link = QUrl();
    m_ui->linkEdit->clear();
    m_session->setConfig(oauthConfig());
    showWaiting(true);
    setStatus(Status::Busy, tr("Starting the browser sign-in…"));
    if (!m_session->signIn())
        showWaiting(false); // signInFailed has said why
    else if (m_status == Status::Busy)
        setStatus(Status::Busy, tr("Finish signing in in your browser. This window continues "
                                   "by itself when the browser comes back."));
}

void LoginDialog::cancelBrowserSignIn()
{
    if (m_session)
        m_session->cancel();
    showWaiting(false);
}

void LoginDialog::openLink()
{
    if (m_link.isEmpty())
        return;
    if (!QDesktopServices::openUrl(m_link)) {
        m_ui->linkHelp->setText(
            tr("No browser could be opened. Copy this link into a browser on this computer:"));
    }
}

void LoginDialog::showWaiting(bool waiting)
{
    m_ui->waitingPanel->setVisible(waiting);
    if (!waiting)
        m_ui->countdownLabel->setText(tr("Waiting for the browser…"));
    updateButtons();
}

void LoginDialog::onCountdown(qint64 secondsLeft)
{
    const QString left = QStringLiteral("%1:%2")
                             .arg(secondsLeft / 60)
                             .arg(secondsLeft % 60, 2, 10, QLatin1Char('0'));
    m_ui->countdownLabel->setText(tr("Waiting for the browser… %1 left").arg(left));
    m_ui->countdownLabel->setAccessibleDescription(
        tr("%1 seconds left to finish signing in").arg(secondsLeft));
}

void LoginDialog::updateButtons()
{
    const bool waiting = m_session && m_session->isWaiting();
    const bool busy = m_status == Status::Busy;
    m_ui->verifyButton->setEnabled(!m_ui->keyEdit->text().trimmed().isEmpty() &&
                                   !(busy && m_verifyingPage == Page::ApiKey));
    m_ui->browserSignInButton->setEnabled(!waiting &&
                                          !m_ui->clientIdEdit->text().trimmed().isEmpty());
    m_ui->browserSignInButton->setText(waiting ? tr("Signing in…") : tr("Sign in with browser"));
    m_ui->buttonBox->button(QDialogButtonBox::Ok)
        ->setEnabled(m_verifiedCredentials && m_verifiedPage == page() && !busy);
}

void LoginDialog::done(int result)
{
    if (m_session && m_session->isWaiting())
        m_session->cancel();
    m_verifier->abort();
    if (result == QDialog::Accepted && !m_verifiedCredentials)
        return; // nothing verified yet: stay open
    if (result != QDialog::Accepted)
        m_ui->keyEdit->clear();
    QDialog::done(result);
}

} // namespace tango
