#include "MessageCapture.h"

namespace {
QMutex g_mutex;
QStringList g_messages;
QtMessageHandler g_previous = nullptr;
} // namespace

MessageCapture::MessageCapture()
{
    QMutexLocker lock(&g_mutex);
    g_messages.clear();
    m_previous = qInstallMessageHandler(&MessageCapture::handler);
    g_previous = m_previous;
}

MessageCapture::~MessageCapture()
{
    qInstallMessageHandler(m_previous);
}

void MessageCapture::handler(QtMsgType type, const QMessageLogContext &ctx, const QString &msg)
{
    {
        QMutexLocker lock(&g_mutex);
        g_messages.append(msg);
    }
    if (g_previous)
        g_previous(type, ctx, msg);
}

QStringList MessageCapture::messages() const
{
    QMutexLocker lock(&g_mutex);
    return g_messages;
}

bool MessageCapture::contains(const QString &needle) const
{
    QMutexLocker lock(&g_mutex);
    for (const QString &m : g_messages) {
        if (m.contains(needle))
            return true;
    }
    return false;
}
