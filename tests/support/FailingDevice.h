#pragma once

#include <QIODevice>

// A write-only device that accepts `okBytes` bytes and then fails every write, like a full disk.
class FailingDevice : public QIODevice
{
public:
    explicit FailingDevice(qint64 okBytes = 0, QObject *parent = nullptr);
    QByteArray written() const { return m_data; }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 len) override;

private:
    qint64 m_okBytes;
    QByteArray m_data;
};
