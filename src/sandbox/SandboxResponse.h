#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

namespace tango {

// One complete HTTP/1.1 answer, written by SandboxHttp with an exact Content-Length.
struct SandboxResponse
{
    int status = 200;
    QByteArray contentType = QByteArrayLiteral("application/json");
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    void addHeader(const QByteArray &name, const QByteArray &value)
    {
        headers.append({name, value});
    }
};

} // namespace tango
