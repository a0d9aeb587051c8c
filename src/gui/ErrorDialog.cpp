#include "ErrorDialog.h"

#include <QDesktopServices>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStyle>
#include <QTimeZone>
#include <QToolButton>
#include <QVBoxLayout>

namespace tango {

namespace {
constexpr qint64 kFallbackWaitSeconds = 60;

QString bulletList(const QStringList &items)
{
    if (items.isEmpty())
        return {};
    QString html = QStringLiteral("<ul style='margin-top:2px; margin-bottom:4px;'>");
    for (const QString &i : items)
        html += QStringLiteral("<li>%1</li>").arg(i.toHtmlEscaped());
    return html + QStringLiteral("</ul>");
}

bool offersRetry(ApiError::Kind k)
{
    switch (k) {
    case ApiError::Kind::ServerError:
    case ApiError::Kind::Network:
    case ApiError::Kind::Timeout:
    case ApiError::Kind::BadResponse:
    case ApiError::Kind::RateLimited:
        return true;
    default:
        return false;
    }
}
} // namespace

const char *ErrorDialog::profileUrl()
{
    return "https://tango.makegov.com/accounts/profile/";
}

ErrorDialog::ErrorDialog(QWidget *parent, Clock *clock)
    : QDialog(parent)
    , m_clock(clock ? clock : Clock::system())
    , m_headline(new QLabel(this))
    , m_body(new QLabel(this))
    , m_countdown(new QLabel(this))
    , m_link(new QLabel(this))
    , m_detailsToggle(new QToolButton(this))
    , m_details(new QPlainTextEdit(this))
    , m_retry(new QPushButton(tr("&Retry"), this))
    , m_credentials(new QPushButton(tr("Change &credentials…"), this))
    , m_cancel(new QPushButton(tr("Close"), this))
{
    setObjectName(QStringLiteral("errorDialog"));
    setAccessibleName(tr("Error"));
    setModal(false);
    setMinimumWidth(520);

    auto *icon = new QLabel(this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(40, 40));
    icon->setAlignment(Qt::AlignTop);
    icon->setAccessibleName(tr("Warning icon"));

    m_headline->setObjectName(QStringLiteral("errorHeadline"));
    m_headline->setWordWrap(true);
    QFont f = m_headline->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.15);
    m_headline->setFont(f);
    m_headline->setAccessibleName(tr("What happened"));
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_body->setObjectName(QStringLiteral("errorBody"));
    m_body->setWordWrap(true);
    m_body->setTextFormat(Qt::RichText);
    m_body->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_body->setAccessibleName(tr("Explanation"));

    m_countdown->setObjectName(QStringLiteral("errorCountdown"));
    m_countdown->setWordWrap(true);
    m_countdown->setAccessibleName(tr("Retry countdown"));
    m_countdown->setStyleSheet(
        QStringLiteral("QLabel { background: #fff4ce; border: 1px solid #e0c060; padding: 6px; }"));

    m_link->setObjectName(QStringLiteral("errorLink"));
    m_link->setTextFormat(Qt::RichText);
    m_link->setOpenExternalLinks(true);
    m_link->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_link->setAccessibleName(tr("Account page link"));

    m_detailsToggle->setObjectName(QStringLiteral("errorDetailsToggle"));
    m_detailsToggle->setText(tr("Details"));
    m_detailsToggle->setCheckable(true);
    m_detailsToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_detailsToggle->setArrowType(Qt::RightArrow);
    m_detailsToggle->setAutoRaise(true);
    m_detailsToggle->setAccessibleName(tr("Show technical details"));
    connect(m_detailsToggle, &QToolButton::toggled, this, &ErrorDialog::setDetailsVisible);

    m_details->setObjectName(QStringLiteral("errorDetails"));
    m_details->setReadOnly(true);
    m_details->setAccessibleName(tr("Technical details"));
    m_details->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_details->setMinimumHeight(160);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_details->hide();

    m_retry->setObjectName(QStringLiteral("errorRetry"));
    m_retry->setAccessibleName(tr("Retry"));
    m_credentials->setObjectName(QStringLiteral("errorChangeCredentials"));
    m_credentials->setAccessibleName(tr("Change credentials"));
    m_cancel->setObjectName(QStringLiteral("errorCancel"));
    m_cancel->setAccessibleName(tr("Close"));

    connect(m_retry, &QPushButton::clicked, this, [this] {
        stopCountdown();
        hide();
        emit retryRequested();
    });
    connect(m_credentials, &QPushButton::clicked, this, [this] {
        hide();
        emit changeCredentialsRequested();
    });
    connect(m_cancel, &QPushButton::clicked, this, &ErrorDialog::cancelRetry);
    // Escape or the window's close button means "no", including no automatic retry.
    connect(this, &QDialog::rejected, this, [this] { stopCountdown(); });

    auto *top = new QHBoxLayout;
    top->addWidget(icon);
    auto *texts = new QVBoxLayout;
    texts->addWidget(m_headline);
    texts->addWidget(m_body);
    texts->addWidget(m_link);
    texts->addWidget(m_countdown);
    top->addLayout(texts, 1);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_detailsToggle);
    buttons->addStretch(1);
    buttons->addWidget(m_credentials);
    buttons->addWidget(m_retry);
    buttons->addWidget(m_cancel);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_details, 1);
    layout->addLayout(buttons);
}

ErrorDialog::~ErrorDialog()
{
    stopCountdown();
}

void ErrorDialog::setClock(Clock *clock)
{
    stopCountdown();
    m_clock = clock ? clock : Clock::system();
}

void ErrorDialog::stopCountdown()
{
    if (m_retryTimer && m_clock)
        m_clock->cancel(m_retryTimer);
    m_retryTimer = 0;
}

void ErrorDialog::cancelRetry()
{
    stopCountdown();
    m_countdown->hide();
    hide();
}

qint64 ErrorDialog::retryCountdown() const
{
    if (!m_retryTimer || !m_clock)
        return -1;
    return qMax<qint64>(0, (m_retryAtMs - m_clock->nowMs() + 999) / 1000);
}

void ErrorDialog::showError(const ApiError &error)
{
    stopCountdown();
    m_error = error;
    rebuild();
    if (m_error.kind() == ApiError::Kind::RateLimited && m_clock) {
        const qint64 wait = m_error.waitSeconds().value_or(kFallbackWaitSeconds);
        m_retryAtMs = m_clock->nowMs() + qMax<qint64>(0, wait) * 1000;
        m_retryTimer =
            m_clock->callAfter(qMin<qint64>(1000, wait * 1000), this, [this] { tick(); });
        m_countdown->setText(countdownText());
    }
    show();
    raise();
    activateWindow();
}

QString ErrorDialog::countdownText() const
{
    const qint64 left = retryCountdown();
    const QString window = m_error.rateLimitWindow().isEmpty()
                               ? tr("the short (burst) window")
                               : tr("the %1 window").arg(m_error.rateLimitWindow());
    return tr("The server asked to wait before the next request (%1). Retrying automatically in "
              "%2 s.")
        .arg(window)
        .arg(left);
}

void ErrorDialog::tick()
{
    m_retryTimer = 0;
    if (!m_clock)
        return;
    const qint64 left = m_retryAtMs - m_clock->nowMs();
    if (left <= 0) {
        m_countdown->setText(tr("Retrying now…"));
        hide();
        emit retryRequested();
        return;
    }
    m_retryTimer = m_clock->callAfter(qMin<qint64>(1000, left), this, [this] { tick(); });
    m_countdown->setText(countdownText());
}

void ErrorDialog::rebuild()
{
    const ApiError &e = m_error;
    setWindowTitle(e.title());
    m_headline->setText(e.explanation().isEmpty() ? e.title() : e.explanation());

    QString html;
    if (!e.serverMessage().isEmpty()) {
        html += QStringLiteral("<p><b>%1</b><br><span style='font-family:monospace;'>%2</span></p>")
                    .arg(tr("The server said:").toHtmlEscaped(), e.serverMessage().toHtmlEscaped());
    }
    if (!e.issues().isEmpty())
        html += QStringLiteral("<p><b>%1</b></p>%2")
                    .arg(tr("Problems with the request:").toHtmlEscaped(), bulletList(e.issues()));
    if (e.kind() == ApiError::Kind::QuotaExhausted) {
        QDateTime resets = e.resetsAtUtc();
        if (!resets.isValid() && e.waitSeconds() && m_clock)
            resets = m_clock->utcNow().addSecs(*e.waitSeconds());
        QString when;
        QLocale locale;
        if (resets.isValid()) {
            when = tr("Your daily quota resets at %1 (your local time). Nothing is retried "
                      "automatically until then.")
                       .arg(locale.toString(resets.toLocalTime(), QLocale::ShortFormat));
        } else {
            // The documentation says the daily window is fixed and resets at midnight UTC.
            const QDateTime now = m_clock ? m_clock->utcNow() : QDateTime::currentDateTimeUtc();
            const QDateTime midnight(now.date().addDays(1), QTime(0, 0), QTimeZone::utc());
            when = tr("The daily window resets at midnight UTC (%1 your local time). Nothing is "
                      "retried automatically until then.")
                       .arg(locale.toString(midnight.toLocalTime(), QLocale::ShortFormat));
        }
        html += QStringLiteral("<p><b>%1</b></p>").arg(when.toHtmlEscaped());
    }
    const QStringList causes = e.likelyCauses();
    if (!causes.isEmpty())
        html += QStringLiteral("<p><b>%1</b></p>%2")
                    .arg(tr("Likely causes").toHtmlEscaped(), bulletList(causes));
    const QStringList todo = e.whatToDo();
    if (!todo.isEmpty())
        html += QStringLiteral("<p><b>%1</b></p>%2")
                    .arg(tr("What you can do").toHtmlEscaped(), bulletList(todo));
    html += QStringLiteral("<p style='color:#555;'>%1</p>")
                .arg(tr("Rows already loaded stay on screen.").toHtmlEscaped());
    m_body->setText(html);

    const bool forbidden = e.kind() == ApiError::Kind::Forbidden;
    m_link->setVisible(forbidden);
    if (forbidden)
        m_link->setText(QStringLiteral("<a href='%1'>%2</a>")
                            .arg(QLatin1String(profileUrl()),
                                 tr("Check your plan and permissions on your Tango account page")
                                     .toHtmlEscaped()));

    const bool rateLimited = e.kind() == ApiError::Kind::RateLimited;
    m_countdown->setVisible(rateLimited);
    m_credentials->setVisible(e.kind() == ApiError::Kind::Unauthorized);
    m_retry->setVisible(offersRetry(e.kind()));
    m_retry->setText(rateLimited ? tr("&Retry now") : tr("&Retry"));
    m_cancel->setText(rateLimited ? tr("Cancel") : tr("Close"));
    m_cancel->setAccessibleName(rateLimited ? tr("Cancel automatic retry") : tr("Close"));

    QStringList d;
    d << tr("Method: %1").arg(e.method());
    d << tr("URL: %1").arg(e.url().toString());
    d << tr("HTTP status: %1")
             .arg(e.httpStatus() > 0 ? QString::number(e.httpStatus()) : tr("none (no response)"));
    d << tr("API version: %1").arg(e.apiVersion().isEmpty() ? tr("unknown") : e.apiVersion());
    if (!e.rateLimitWindow().isEmpty())
        d << tr("Rate-limit window: %1").arg(e.rateLimitWindow());
    if (e.waitSeconds())
        d << tr("Server wait: %1 s").arg(*e.waitSeconds());
    if (!e.detail().isEmpty())
        d << tr("Detail: %1").arg(e.detail());
    d << QString() << tr("Response body:");
    d << (e.rawBody().isEmpty() ? tr("(empty)") : QString::fromUtf8(e.rawBody()));
    m_details->setPlainText(d.join(QLatin1Char('\n')));
    adjustSize();
}

QString ErrorDialog::headline() const
{
    return m_headline->text();
}

QString ErrorDialog::bodyText() const
{
    QString t = m_body->text();
    if (m_link->isVisibleTo(this))
        t += QLatin1Char('\n') + m_link->text();
    if (m_countdown->isVisibleTo(this))
        t += QLatin1Char('\n') + m_countdown->text();
    return t;
}

QString ErrorDialog::detailsText() const
{
    return m_details->toPlainText();
}

bool ErrorDialog::detailsVisible() const
{
    return m_details->isVisibleTo(this);
}

void ErrorDialog::setDetailsVisible(bool visible)
{
    m_details->setVisible(visible);
    m_detailsToggle->setArrowType(visible ? Qt::DownArrow : Qt::RightArrow);
    if (m_detailsToggle->isChecked() != visible)
        m_detailsToggle->setChecked(visible);
    adjustSize();
}

} // namespace tango
