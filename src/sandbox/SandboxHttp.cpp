#include "sandbox/SandboxHttp.h"

#include "sandbox/SandboxServer.h"

#include <QHttpServerRequest>
#include <QMetaEnum>
#include <QTcpSocket>

namespace tango {

namespace {

QString decodeFormComponent(QByteArray part)
{
    part.replace('+', ' ');
    return QUrl::fromPercentEncoding(part);
}

QList<QPair<QString, QString>> parseParams(const QByteArray &encoded)
{
    QList<QPair<QString, QString>> out;
    for (const QByteArray &pair : encoded.split('&')) {
        if (pair.isEmpty())
            continue;
        const int eq = pair.indexOf('=');
        if (eq < 0)
            out.append({decodeFormComponent(pair), QString()});
        else
            out.append({decodeFormComponent(pair.left(eq)), decodeFormComponent(pair.mid(eq + 1))});
    }
    return out;
}

QString methodName(QHttpServerRequest::Method m)
{
    const QMetaEnum e = QMetaEnum::fromType<QHttpServerRequest::Method>();
    const char *key = e.valueToKey(int(m));
    return key ? QString::fromLatin1(key).toUpper() : QStringLiteral("UNKNOWN");
}

void deleteWhenClosed(QTcpSocket *socket)
{
    // QAbstractHttpServer does not delete a socket that closes while its request is handled.
    QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater,
                     Qt::UniqueConnection);
}

} // namespace

SandboxHttp::SandboxHttp(SandboxServer *server)
    : m_server(server)
{}

bool SandboxHttp::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    SandboxRequest r;
    r.method = methodName(request.method());
    const QUrl url = request.url();
    r.path = url.path(QUrl::FullyDecoded);
    r.query = request.query();
    r.params = parseParams(url.query(QUrl::FullyEncoded).toLatin1());
    r.apiKey = request.value(QByteArrayLiteral("x-api-key"));
    r.authorization = request.value(QByteArrayLiteral("authorization"));
    r.contentType = request.value(QByteArrayLiteral("content-type"));
    r.body = request.body();
    r.closeConnection = request.value(QByteArrayLiteral("connection"))
                            .trimmed()
                            .compare("close", Qt::CaseInsensitive) == 0;
    m_server->handle(r, socket);
    return true;
}

void SandboxHttp::missingHandler(const QHttpServerRequest &, QTcpSocket *socket)
{
    SandboxResponse r;
    r.status = 404;
    r.body = QByteArrayLiteral("{\"detail\": \"Not found.\"}");
    write(socket, r, false);
}

QByteArray SandboxHttp::reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 302:
        return "Found";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    default:
        return "Status";
    }
}

void SandboxHttp::write(QTcpSocket *socket, const SandboxResponse &response, bool closeAfter,
                        int truncateTo, bool omitBody)
{
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return;
    QByteArray out;
    out.reserve(response.body.size() + 512);
    out += "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) +
           "\r\n";
    out += "Server: tango-sandbox\r\n";
    if (!response.contentType.isEmpty())
        out += "Content-Type: " + response.contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    for (const auto &h : response.headers)
        out += h.first + ": " + h.second + "\r\n";
    const bool close = closeAfter || truncateTo >= 0;
    out += close ? "Connection: close\r\n" : "Connection: keep-alive\r\n";
    out += "\r\n";
    if (!omitBody)
        out += truncateTo >= 0 ? response.body.left(truncateTo) : response.body;
    socket->write(out);
    if (close) {
        deleteWhenClosed(socket);
        socket->disconnectFromHost();
    }
}

void SandboxHttp::drop(QTcpSocket *socket)
{
    if (!socket)
        return;
    deleteWhenClosed(socket);
    socket->abort();
    socket->deleteLater();
}

} // namespace tango
