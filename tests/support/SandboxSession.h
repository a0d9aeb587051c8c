#pragma once

#include "api/ApiClient.h"
#include "api/RetryPolicy.h"
#include "sandbox/SandboxServer.h"

#include <memory>

namespace tango {
class Clock;
}

// A sandbox on 127.0.0.1 and an ApiClient signed in to it with the sandbox's own key: what the
// tests that talk to one server through one client set up before each test.
class SandboxSession
{
public:
    // A fresh sandbox with `options` and a client retrying per `policy` (the previous pair is
    // dropped); false, with a warning, when the sandbox cannot listen or the client refuses it.
    bool start(const tango::SandboxOptions &options = {},
               const tango::RetryPolicy &policy = tango::RetryPolicy::none(),
               tango::Clock *clock = nullptr);
    // Drops the client, then the sandbox.
    void stop();

    tango::SandboxServer *server() const { return m_server.get(); }
    tango::ApiClient *client() const { return m_client.get(); }

    // A sandbox that listens on a free port; a warning says why when it cannot (the server is
    // returned all the same, and the test fails on its first request).
    static std::unique_ptr<tango::SandboxServer> startServer(const tango::SandboxOptions &options);
    // A client of `server` with its good key; null when the client refuses the address.
    static std::unique_ptr<tango::ApiClient> clientFor(const tango::SandboxServer &server,
                                                       const tango::RetryPolicy &policy,
                                                       tango::Clock *clock = nullptr);

private:
    std::unique_ptr<tango::SandboxServer> m_server;
    std::unique_ptr<tango::ApiClient> m_client;
};
