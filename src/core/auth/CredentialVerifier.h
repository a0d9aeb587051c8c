#pragma once

#include "api/ApiReply.h"
#include "auth/Credentials.h"
#include "auth/VerificationResult.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

namespace tango {

class ApiClient;

class Clock;

// Checks candidate credentials with one cheap request (/api/contracts/?limit=1&shape=key) on
// a private ApiClient, so that nothing else uses them before they are known to work.
class CredentialVerifier : public QObject
{
    Q_OBJECT
public:
    explicit CredentialVerifier(QObject *parent = nullptr, Clock *clock = nullptr);
    ~CredentialVerifier() override;

    // Returns false (and emits nothing) when the base URL is not acceptable; *why says why.
    bool verify(const CredentialsPtr &credentials, const QUrl &baseUrl, QString *why = nullptr);
    void abort();
    bool isRunning() const { return m_reply != nullptr; }
    void setTransferTimeoutMs(int ms) { m_timeoutMs = ms; }

    static QString probePath() { return QStringLiteral("/api/contracts/"); }

Q_SIGNALS:
    void finished(const tango::VerificationResult &result);

private:
    ApiClient *m_client;
    QPointer<ApiReply> m_reply;
    int m_timeoutMs = 20000;
};

} // namespace tango
