#include "RateLimitIndicator.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>

namespace tango {

namespace {
const QString kBurst = QStringLiteral("burst");
const QString kDaily = QStringLiteral("daily");
const QString kUnknown = QStringLiteral("\u2014");
constexpr qint64 kTickMs = 1000;
} // namespace

RateLimitIndicator::RateLimitIndicator(QWidget *parent)
    : QWidget(parent)
    , m_clock(Clock::system())
    , m_burst(new QLabel(this))
    , m_daily(new QLabel(this))
{
    setObjectName(QStringLiteral("rateLimitIndicator"));
    setAccessibleName(tr("API quota"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->setSpacing(12);
    m_burst->setObjectName(QStringLiteral("burstLabel"));
    m_daily->setObjectName(QStringLiteral("dailyLabel"));
    m_burst->setAccessibleName(tr("Burst quota"));
    m_daily->setAccessibleName(tr("Daily quota"));
    layout->addWidget(m_burst);
    layout->addWidget(m_daily);
    refresh();
}

RateLimitIndicator::~RateLimitIndicator()
{
    if (m_clock && m_timer)
        m_clock->cancel(m_timer);
}

void RateLimitIndicator::setClock(Clock *clock)
{
    if (m_clock && m_timer)
        m_clock->cancel(m_timer);
    m_timer = 0;
    m_clock = clock ? clock : Clock::system();
    refresh();
    scheduleTick();
}

void RateLimitIndicator::setSnapshot(const RateLimitSnapshot &snapshot)
{
    if (snapshot.isEmpty())
        return; // a response without headers tells us nothing new
    m_snapshot = snapshot;
    m_hasSnapshot = true;
    refresh();
    scheduleTick();
}

void RateLimitIndicator::clearSnapshot()
{
    m_snapshot = {};
    m_hasSnapshot = false;
    if (m_clock && m_timer)
        m_clock->cancel(m_timer);
    m_timer = 0;
    refresh();
}

const RateLimitWindow *RateLimitIndicator::findWindow(const QString &name) const
{
    if (!m_hasSnapshot)
        return nullptr;
    if (const RateLimitWindow *w = m_snapshot.window(name))
        return w;
    // A server that only sends the overall trio: show it in the burst slot rather than nothing.
    if (name == kBurst && m_snapshot.windows().isEmpty() &&
        (m_snapshot.overall().limit || m_snapshot.overall().remaining))
        return &m_snapshot.overall();
    return nullptr;
}

qint64 RateLimitIndicator::secondsUntilReset(const QString &name) const
{
    const RateLimitWindow *w = findWindow(name);
    if (!w || !m_clock)
        return -1;
    const auto ms = m_snapshot.msUntilReset(*w, m_clock->nowMs());
    if (!ms)
        return -1;
    return (*ms + 999) / 1000;
}

QString RateLimitIndicator::formatCountdown(qint64 seconds, bool withHours)
{
    if (seconds < 0)
        return kUnknown;
    const qint64 h = seconds / 3600;
    const qint64 m = (seconds % 3600) / 60;
    const qint64 s = seconds % 60;
    if (withHours)
        return QStringLiteral("%1:%2:%3")
            .arg(h)
            .arg(m, 2, 10, QLatin1Char('0'))
            .arg(s, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(h * 60 + m).arg(s, 2, 10, QLatin1Char('0'));
}

RateLimitIndicator::Level RateLimitIndicator::level(const QString &name) const
{
    const RateLimitWindow *w = findWindow(name);
    if (!w || !w->remaining)
        return Level::Unknown;
    if (w->resetSeconds && secondsUntilReset(name) == 0)
        return Level::Reset;
    if (*w->remaining <= 0)
        return Level::Empty;
    if (w->limit && *w->limit > 0 && *w->remaining * 5 < *w->limit)
        return Level::Low;
    return Level::Normal;
}

QString RateLimitIndicator::windowText(const QString &name) const
{
    const bool daily = name == kDaily;
    const QString title = daily ? tr("Daily") : tr("Burst");
    const RateLimitWindow *w = findWindow(name);
    if (!w)
        return tr("%1: %2").arg(title, kUnknown);
    QLocale locale;
    const QString remaining = w->remaining ? locale.toString(*w->remaining) : kUnknown;
    const QString limit = w->limit ? locale.toString(*w->limit) : kUnknown;
    const qint64 secs = secondsUntilReset(name);
    if (w->resetSeconds && secs == 0)
        return tr("%1: window reset, %2 available until the next response confirms")
            .arg(title, limit);
    return tr("%1: %2/%3 left · resets in %4")
        .arg(title, remaining, limit, formatCountdown(secs, daily));
}

void RateLimitIndicator::style(QLabel *label, Level level)
{
    switch (level) {
    case Level::Empty:
        label->setStyleSheet(QStringLiteral(
            "QLabel { background: #b00020; color: white; border-radius: 3px; padding: 0 4px; }"));
        break;
    case Level::Low:
        label->setStyleSheet(QStringLiteral(
            "QLabel { background: #ffe08a; color: #5c3c00; border-radius: 3px; padding: 0 4px; }"));
        break;
    case Level::Reset:
    case Level::Unknown:
        label->setStyleSheet(QStringLiteral("QLabel { color: palette(mid); padding: 0 4px; }"));
        break;
    case Level::Normal:
        label->setStyleSheet(QStringLiteral("QLabel { padding: 0 4px; }"));
        break;
    }
    label->setProperty("level", int(level));
}

void RateLimitIndicator::refresh()
{
    m_burst->setText(windowText(kBurst));
    m_daily->setText(windowText(kDaily));
    style(m_burst, level(kBurst));
    style(m_daily, level(kDaily));
    m_burst->setAccessibleDescription(m_burst->text());
    m_daily->setAccessibleDescription(m_daily->text());
    const QString tip = tooltipText();
    setToolTip(tip);
    m_burst->setToolTip(tip);
    m_daily->setToolTip(tip);
}

void RateLimitIndicator::scheduleTick()
{
    if (!m_clock)
        return;
    if (m_timer)
        m_clock->cancel(m_timer);
    m_timer = 0;
    bool counting = false;
    for (const RateLimitWindow &w : m_snapshot.windows()) {
        const auto ms = m_snapshot.msUntilReset(w, m_clock->nowMs());
        counting = counting || (ms && *ms > 0);
    }
    const auto overallMs = m_snapshot.msUntilReset(m_snapshot.overall(), m_clock->nowMs());
    counting = counting || (overallMs && *overallMs > 0);
    // Once every countdown has passed zero nothing changes until the next response.
    if (m_hasSnapshot && counting)
        m_timer = m_clock->callAfter(kTickMs, this, [this] { tick(); });
}

void RateLimitIndicator::tick()
{
    m_timer = 0;
    refresh();
    scheduleTick();
}

QString RateLimitIndicator::tooltipText() const
{
    if (!m_hasSnapshot)
        return tr("API quota: no response received yet.");
    QLocale locale;
    QString html = QStringLiteral("<b>%1</b><table cellspacing='0' cellpadding='2'>")
                       .arg(tr("API rate limits").toHtmlEscaped());
    html += QStringLiteral("<tr><th align='left'>%1</th><th align='right'>%2</th>"
                           "<th align='right'>%3</th><th align='right'>%4</th></tr>")
                .arg(tr("Window"), tr("Remaining"), tr("Limit"), tr("Resets in"));
    auto row = [&](const RateLimitWindow &w, const QString &title) {
        const auto ms = m_clock ? m_snapshot.msUntilReset(w, m_clock->nowMs()) : std::nullopt;
        const qint64 secs = ms ? (*ms + 999) / 1000 : -1;
        html +=
            QStringLiteral("<tr><td>%1</td><td align='right'>%2</td><td align='right'>%3</td>"
                           "<td align='right'>%4</td></tr>")
                .arg(title.toHtmlEscaped(), w.remaining ? locale.toString(*w.remaining) : kUnknown,
                     w.limit ? locale.toString(*w.limit) : kUnknown,
                     formatCountdown(secs, secs >= 3600));
    };
    if (m_snapshot.overall().limit || m_snapshot.overall().remaining)
        row(m_snapshot.overall(), tr("Most restrictive"));
    for (const RateLimitWindow &w : m_snapshot.windows()) {
        QString title = w.name;
        if (!title.isEmpty())
            title[0] = title[0].toUpper();
        row(w, title);
    }
    html += QStringLiteral("</table>");
    const QString exec =
        m_snapshot.executionTimeText().isEmpty() ? kUnknown : m_snapshot.executionTimeText();
    html += QStringLiteral("<br>%1").arg(tr("Server execution time: %1").arg(exec).toHtmlEscaped());
    const QString version = m_snapshot.apiVersion().isEmpty() ? kUnknown : m_snapshot.apiVersion();
    html += QStringLiteral("<br>%1").arg(tr("API version: %1").arg(version).toHtmlEscaped());
    const QDateTime at = m_snapshot.receivedAtUtc();
    const QString when =
        at.isValid() ? locale.toString(at.toLocalTime(), QLocale::LongFormat) : kUnknown;
    html += QStringLiteral("<br>%1").arg(tr("Last response: %1").arg(when).toHtmlEscaped());
    return html;
}

} // namespace tango
