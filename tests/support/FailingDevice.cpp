#include "FailingDevice.h"

FailingDevice::FailingDevice(qint64 okBytes, QObject *parent) : QIODevice(parent), m_okBytes(okBytes)
{
}

qint64 FailingDevice::writeData(const char *data, qint64 len)
{
    const qint64 room = m_okBytes - m_data.size();
    if (room <= 0) {
        setErrorString(QStringLiteral("No space left on device"));
        return -1;
    }
    const qint64 n = qMin(room, len);
    m_data.append(data, int(n));
    return n;
}
