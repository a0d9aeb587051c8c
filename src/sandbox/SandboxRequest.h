#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace tango {

// A request copied out of QHttpServerRequest, so that a delayed answer does not depend on the
// parser's buffers (which are reused for the next request on the connection).
struct SandboxRequest
{
    QString method;
    QString path;
    QUrlQuery query;
    // Decoded name/value pairs in wire order; '+' means space, as for Django.
    QList<QPair<QString, QString>> params;
    QByteArray apiKey;        // X-API-KEY
    QByteArray authorization; // Authorization
    QByteArray contentType;
    QByteArray body;
    bool closeConnection = false;
};

} // namespace tango
