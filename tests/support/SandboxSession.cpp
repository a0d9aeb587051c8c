#include "SandboxSession.h"

#include "auth/ApiKeyCredentials.h"

using namespace tango;

bool SandboxSession::start(const SandboxOptions &options, const RetryPolicy &policy, Clock *clock)
{
    stop();
    m_server = std::make_unique<SandboxServer>(options);
    QString error;
    if (!m_server->listen(0, &error)) {
        qWarning("sandbox: %s", qPrintable(error));
        return false;
    }
    m_client = clientFor(*m_server, policy, clock);
    return m_client != nullptr;
}

void SandboxSession::stop()
{
    m_client.reset();
    m_server.reset();
}

std::unique_ptr<SandboxServer> SandboxSession::startServer(const SandboxOptions &options)
{
    auto server = std::make_unique<SandboxServer>(options);
    QString error;
    if (!server->listen(0, &error))
        qWarning("sandbox: %s", qPrintable(error));
    return server;
}

std::unique_ptr<ApiClient> SandboxSession::clientFor(const SandboxServer &server,
                                                     const RetryPolicy &policy, Clock *clock)
{
    auto client = std::make_unique<ApiClient>(nullptr, clock);
    if (!client->setBaseUrl(server.baseUrl())) {
        qWarning("the client refused %s", qPrintable(server.baseUrl().toString()));
        return nullptr;
    }
    client->setCredentials(std::make_shared<ApiKeyCredentials>(server.options().apiKey));
    client->setRetryPolicy(policy);
    return client;
}
