#pragma once

#include "api/ApiError.h"
#include "api/ListPage.h"
#include "api/RateLimitSnapshot.h"

#include <QJsonObject>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>
#include <QUrl>

class QNetworkReply;

namespace tango {

class ApiClient;

// One API request, from first attempt to final result, including pacing, retries and waits.
// Emits exactly one of succeeded()/failed(), then finished(). Deletes nothing by itself: the
// owner (parent = the ApiClient unless reparented) calls deleteLater() when done with it.
class ApiReply : public QObject
{
    Q_OBJECT
public:
    enum class Expect
    {
        Object,
        ListPage,
        // A list page whose "results" array is kept as text (rawResults()) instead of being
        // parsed: page().results() is empty then, unless the body had to be read the slow way.
        RawListPage
    };
    enum class WaitReason
    {
        RateLimit,
        Pacing,
        Backoff
    };
    Q_ENUM(WaitReason)

    ~ApiReply() override;

    QUrl url() const { return m_url; } // the URL requested (no secrets inside)
    bool isFinished() const { return m_finished; }
    bool isWaiting() const { return m_waitTimer != 0; }
    int attempts() const { return m_attempts; }

    // Valid after success.
    QJsonObject json() const { return m_json; }
    const ListPage &page() const { return m_page; } // for Expect::ListPage
    // For Expect::RawListPage: the "results" array as received, a checked JSON array; empty
    // when the page came the slow way (then page().results() holds it). Valid while the
    // reply lives.
    QByteArrayView rawResults() const
    {
        return QByteArrayView(m_body).sliced(m_rawBegin, m_rawEnd - m_rawBegin);
    }
    int httpStatus() const { return m_httpStatus; }
    RateLimitSnapshot rateLimit() const { return m_snapshot; }
    qint64 elapsedMs() const { return m_elapsedMs; } // first send to final answer
    // Valid after failure.
    ApiError error() const { return m_error; }

public Q_SLOTS:
    // Stops the request or its wait; emits failed(Aborted) and finished() unless already done.
    void abort();

Q_SIGNALS:
    void succeeded(const QJsonObject &body);
    void pageReady(const tango::ListPage &page);
    void failed(const tango::ApiError &error);
    void finished();
    // The reply is waiting before its next attempt: seconds left and why ("rate limit (burst)").
    void waiting(qint64 seconds, tango::ApiReply::WaitReason reason, const QString &why);
    void retrying(int attempt, const tango::ApiError &previousError);

private:
    friend class ApiClient;
    ApiReply(ApiClient *client, const QUrl &url, Expect expect);

    void start();
    void sendNow();
    void onNetworkFinished();
    bool readRawPage(const QByteArray &body);
    void scheduleRetry(qint64 delayMs, WaitReason reason, const QString &why);
    void finishOk();
    void finishError(const ApiError &error);
    void attempt();
    void handleError(const ApiError &error, const RateLimitSnapshot &snapshot,
                     const QByteArray &retryAfter);
    void emitWaiting(qint64 delayMs, WaitReason reason, const QString &why);
    qint64 rateLimitDelayMs(const ApiError &error, const RateLimitSnapshot &snapshot,
                            const QByteArray &retryAfter);
    void stopNetwork();
    void fail(const ApiError &error); // finishError, with ApiClient::requestFailed
    QString scrub(QString text) const;

    QPointer<ApiClient> m_client;
    QUrl m_url;     // redacted: what callers and errors see
    QUrl m_sendUrl; // what goes on the wire
    Expect m_expect;
    QPointer<QNetworkReply> m_net;
    quint64 m_waitTimer = 0;
    bool m_finished = false;
    bool m_renewed = false;
    int m_attempts = 0;
    int m_retries = 0;
    int m_rateLimitRetries = 0;
    qint64 m_startedMs = -1;
    qint64 m_elapsedMs = 0;
    int m_httpStatus = 0;
    QJsonObject m_json;
    ListPage m_page;
    QByteArray m_body; // Expect::RawListPage: the body rawResults() points into
    qsizetype m_rawBegin = 0;
    qsizetype m_rawEnd = 0;
    RateLimitSnapshot m_snapshot;
    ApiError m_error;
    ApiError m_refusal; // set when the request is refused before sending (InvalidRequest)
    QMetaObject::Connection m_pacerRelease; // while held by the pacer
    void stopWaiting();
};

} // namespace tango
