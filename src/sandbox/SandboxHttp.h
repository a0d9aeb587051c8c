#pragma once

#include "sandbox/SandboxRequest.h"
#include "sandbox/SandboxResponse.h"

#include <QAbstractHttpServer>

class QTcpSocket;

namespace tango {

class SandboxServer;

// The socket-level server. QHttpServer's router and responder cannot send a short body or drop
// a connection, so requests are taken raw and every answer is written byte by byte here.
class SandboxHttp : public QAbstractHttpServer
{
    Q_OBJECT
public:
    explicit SandboxHttp(SandboxServer *server);

    // Writes status line, headers and body. truncateTo >= 0 sends only that many body bytes
    // (Content-Length still announces the whole body) and then closes the connection.
    // omitBody answers a HEAD request: same headers, no body.
    static void write(QTcpSocket *socket, const SandboxResponse &response, bool closeAfter,
                      int truncateTo = -1, bool omitBody = false);
    // Closes without sending anything.
    static void drop(QTcpSocket *socket);
    static QByteArray reasonPhrase(int status);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    SandboxServer *m_server;
};

} // namespace tango
