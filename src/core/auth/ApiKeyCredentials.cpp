#include "auth/ApiKeyCredentials.h"

namespace tango {

ApiKeyCredentials::ApiKeyCredentials(QString key)
    : m_key(key.trimmed())
{}

ApiKeyCredentials::~ApiKeyCredentials()
{
    // Overwrite the key in place so that it does not linger in freed memory longer than needed.
    m_key.fill(QLatin1Char('\0'));
}

void ApiKeyCredentials::apply(QNetworkRequest &request) const
{
    if (!m_key.isEmpty())
        request.setRawHeader(QByteArrayLiteral("X-API-KEY"), m_key.toUtf8());
}

QString ApiKeyCredentials::displayName() const
{
    return maskSecret(m_key);
}

} // namespace tango
