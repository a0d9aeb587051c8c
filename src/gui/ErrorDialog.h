#pragma once

#include "api/ApiError.h"
#include "util/Clock.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QToolButton;

namespace tango {

// Explains a failed request in plain words: what happened, likely causes, what to do, the
// server's own message, and the technical details on demand. One instance is reused: a new
// error replaces the content, so dialogs never stack. Shown non-modally so nothing blocks.
class ErrorDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ErrorDialog(QWidget *parent = nullptr, Clock *clock = nullptr);
    ~ErrorDialog() override;

    void setClock(Clock *clock);
    // Fills the dialog for `error` (replacing any previous content) and shows it.
    void showError(const tango::ApiError &error);
    ApiError error() const { return m_error; }

    // For tests and accessibility tools: the texts as shown.
    QString headline() const;
    QString bodyText() const;
    QString detailsText() const;
    bool detailsVisible() const;
    void setDetailsVisible(bool visible);
    // Seconds left before the automatic retry, or -1 when no retry is scheduled.
    qint64 retryCountdown() const;
    bool isRetryScheduled() const { return m_retryTimer != 0; }
    QPushButton *retryButton() const { return m_retry; }
    QPushButton *credentialsButton() const { return m_credentials; }
    QPushButton *cancelButton() const { return m_cancel; }

    static const char *profileUrl();

Q_SIGNALS:
    // Retry the failed request now (button, or the 429 countdown reaching zero).
    void retryRequested();
    void changeCredentialsRequested();

public Q_SLOTS:
    // Stops an automatic retry and closes the dialog.
    void cancelRetry();

private:
    void rebuild();
    void tick();
    void stopCountdown();
    QString countdownText() const;

    QPointer<Clock> m_clock;
    ApiError m_error;
    Clock::TimerId m_retryTimer = 0;
    qint64 m_retryAtMs = 0;
    QLabel *m_headline;
    QLabel *m_body;
    QLabel *m_countdown;
    QLabel *m_link;
    QToolButton *m_detailsToggle;
    QPlainTextEdit *m_details;
    QPushButton *m_retry;
    QPushButton *m_credentials;
    QPushButton *m_cancel;
};

} // namespace tango
