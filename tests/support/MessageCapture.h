#pragma once

#include <QMutex>
#include <QString>
#include <QStringList>

// Captures every Qt log message (qDebug/qInfo/qWarning/qCritical) while alive, and still passes
// them to the previous handler. Tests use it to prove that secrets never reach the log.
class MessageCapture
{
public:
    MessageCapture();
    ~MessageCapture();
    MessageCapture(const MessageCapture &) = delete;
    MessageCapture &operator=(const MessageCapture &) = delete;

    QStringList messages() const;
    bool contains(const QString &needle) const;

private:
    static void handler(QtMsgType type, const QMessageLogContext &ctx, const QString &msg);
    QtMessageHandler m_previous = nullptr;
};
