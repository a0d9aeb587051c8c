#pragma once

#include "auth/Credentials.h"

#include <functional>

namespace tango {

// Authorization: Bearer <token>. The token may change (refresh); a renewer, when set, is asked
// for a fresh token after a 401.
class BearerCredentials : public Credentials
{
public:
    using Renewer = std::function<void(std::function<void(bool ok, QString newToken)>)>;

    explicit BearerCredentials(QString accessToken, QString label = {});
    ~BearerCredentials() override;

    void apply(QNetworkRequest &request) const override;
    QString displayName() const override;
    QString kind() const override { return QStringLiteral("bearer"); }
    bool isValid() const override { return !m_token.isEmpty(); }
    QStringList secrets() const override { return {m_token}; }

    void setAccessToken(const QString &token) { m_token = token; }
    QString accessToken() const { return m_token; }
    void setRenewer(Renewer r) { m_renewer = std::move(r); }
    bool canRenew() const override { return bool(m_renewer); }
    void renew(std::function<void(bool ok)> done) override;

private:
    QString m_token;
    QString m_label;
    Renewer m_renewer;
};

} // namespace tango
