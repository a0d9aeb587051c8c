#pragma once

#include "api/ApiReply.h"
#include "api/RateLimitSnapshot.h"
#include "api/RetryPolicy.h"
#include "auth/Credentials.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>
#include <QUrlQuery>

#include <random>

namespace tango {

class Clock;
class Pacer;

// The one way to the Tango API. Owns one QNetworkAccessManager, applies credentials, headers and
// the transfer timeout to every request, paces requests under the rate limit, and reports the
// rate-limit state of every response (errors included).
class ApiClient : public QObject
{
    Q_OBJECT
public:
    explicit ApiClient(QObject *parent = nullptr, Clock *clock = nullptr);
    ~ApiClient() override;

    // https://tango.makegov.com, or TANGO_BASE_URL when set.
    static QUrl defaultBaseUrl();
    // Accepts https, and plain http only for loopback hosts (127.0.0.0/8, ::1, localhost).
    static bool isAcceptableBaseUrl(const QUrl &url, QString *why = nullptr);

    // Returns false (and leaves the old URL) when the URL is not acceptable.
    bool setBaseUrl(const QUrl &url, QString *why = nullptr);
    QUrl baseUrl() const { return m_baseUrl; }

    void setCredentials(CredentialsPtr credentials);
    CredentialsPtr credentials() const { return m_credentials; }

    void setTransferTimeoutMs(int ms) { m_timeoutMs = ms; }
    int transferTimeoutMs() const { return m_timeoutMs; }
    void setRetryPolicy(const RetryPolicy &p) { m_retry = p; }
    RetryPolicy retryPolicy() const { return m_retry; }
    // "TangoExplorer/<version> (Qt <qt version>; <os>)"
    static QByteArray userAgent();

    // GET <base><path>?<query>; path like "/api/contracts/". The reply is a child of this client.
    ApiReply *get(const QString &path, const QUrlQuery &query = {});
    ApiReply *getList(const QString &path, const QUrlQuery &query = {},
                      ApiReply::Expect expect = ApiReply::Expect::ListPage);
    // GET an absolute URL (a "next" link). It must be on the base URL's scheme, host and port;
    // otherwise the reply fails with InvalidRequest (credentials never leave for another host).
    ApiReply *getUrl(const QUrl &url, ApiReply::Expect expect = ApiReply::Expect::Object);

    Pacer *pacer() const { return m_pacer; }
    Clock *clock() const { return m_clock; }
    QNetworkAccessManager *networkAccessManager() const { return m_nam; }
    RateLimitSnapshot lastRateLimit() const;

Q_SIGNALS:
    // Every response that carried rate-limit headers, errors included.
    void rateLimitChanged(const tango::RateLimitSnapshot &snapshot);
    // Every request that ended in an error after retries (for status bars and logs).
    void requestFailed(const tango::ApiError &error);
    // The credentials were rejected (401 after any renewal attempt).
    void credentialsRejected(const tango::ApiError &error);

private:
    friend class ApiReply;
    QNetworkRequest buildRequest(const QUrl &url) const;
    static QByteArray makeUserAgent();
    double random01();
    void noteResponse(const RateLimitSnapshot &snapshot);

    QNetworkAccessManager *m_nam;
    Clock *m_clock;
    Pacer *m_pacer;
    QUrl m_baseUrl;
    CredentialsPtr m_credentials;
    int m_timeoutMs = 30000;
    RetryPolicy m_retry;
    std::mt19937 m_rng;
};

} // namespace tango
