#pragma once

#include "auth/Credentials.h"

namespace tango {

// X-API-KEY: <key> on every request.
class ApiKeyCredentials : public Credentials
{
public:
    explicit ApiKeyCredentials(QString key);
    ~ApiKeyCredentials() override;

    void apply(QNetworkRequest &request) const override;
    QString displayName() const override;
    QString kind() const override { return QStringLiteral("api-key"); }
    bool isValid() const override { return !m_key.isEmpty(); }
    QStringList secrets() const override { return {m_key}; }
    QString key() const { return m_key; }

private:
    QString m_key;
};

} // namespace tango
