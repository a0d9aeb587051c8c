#include "auth/BearerCredentials.h"

#include <QCoreApplication>

namespace tango {

BearerCredentials::BearerCredentials(QString accessToken, QString label)
    : m_token(std::move(accessToken))
    , m_label(std::move(label))
{}

BearerCredentials::~BearerCredentials()
{
    m_token.fill(QLatin1Char('\0'));
}

void BearerCredentials::apply(QNetworkRequest &request) const
{
    if (!m_token.isEmpty())
        request.setRawHeader(QByteArrayLiteral("Authorization"), "Bearer " + m_token.toUtf8());
}

QString BearerCredentials::displayName() const
{
    if (!m_label.isEmpty())
        return m_label;
    return QCoreApplication::translate("BearerCredentials", "OAuth: token %1")
        .arg(maskSecret(m_token));
}

void BearerCredentials::renew(std::function<void(bool ok)> done)
{
    if (!m_renewer) {
        done(false);
        return;
    }
    m_renewer([this, done = std::move(done)](bool ok, QString newToken) {
        if (ok && !newToken.isEmpty())
            m_token = newToken;
        done(ok && !newToken.isEmpty());
    });
}

} // namespace tango
