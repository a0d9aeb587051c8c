#include "auth/CredentialVerifier.h"

#include "api/ApiClient.h"
#include "api/ApiReply.h"

#include <QUrlQuery>

namespace tango {

CredentialVerifier::CredentialVerifier(QObject *parent, Clock *clock)
    : QObject(parent)
    , m_client(new ApiClient(this, clock))
{
    // One attempt: a verification that retries for half a minute is worse than a clear answer.
    RetryPolicy policy = RetryPolicy::none();
    m_client->setRetryPolicy(policy);
}

CredentialVerifier::~CredentialVerifier()
{
    if (m_reply) {
        disconnect(m_reply, nullptr, this, nullptr);
        m_reply->abort();
    }
}

void CredentialVerifier::abort()
{
    if (!m_reply)
        return;
    ApiReply *r = m_reply;
    m_reply = nullptr;
    disconnect(r, nullptr, this, nullptr);
    r->abort();
    r->deleteLater();
}

bool CredentialVerifier::verify(const CredentialsPtr &credentials, const QUrl &baseUrl,
                                QString *why)
{
    abort();
    if (!m_client->setBaseUrl(baseUrl, why))
        return false;
    m_client->setCredentials(credentials);
    m_client->setTransferTimeoutMs(m_timeoutMs);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("limit"), QStringLiteral("1"));
    query.addQueryItem(QStringLiteral("shape"), QStringLiteral("key"));
    ApiReply *reply = m_client->get(probePath(), query);
    m_reply = reply;
    const QString identity = credentials ? credentials->displayName() : QString();
    connect(reply, &ApiReply::finished, this, [this, reply, identity] {
        if (m_reply != reply)
            return;
        m_reply = nullptr;
        VerificationResult result;
        result.ok = !reply->error().isError();
        result.error = reply->error();
        result.rateLimit = reply->rateLimit();
        result.apiVersion = result.rateLimit.apiVersion();
        if (result.apiVersion.isEmpty())
            result.apiVersion = result.error.apiVersion();
        result.latencyMs = reply->elapsedMs();
        result.identity = identity;
        reply->deleteLater();
        Q_EMIT finished(result);
    });
    return true;
}

} // namespace tango
