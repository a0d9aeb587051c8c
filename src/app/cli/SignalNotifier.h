#pragma once

#include <QObject>

class QSocketNotifier;

namespace tango::cli {

// Brings SIGINT and SIGTERM into the event loop: the handler only writes one byte to a socket
// pair (async-signal-safe); a QSocketNotifier reads it and emits interrupted(). While alive,
// it owns those two signals; the previous handlers come back when it is destroyed.
class SignalNotifier : public QObject
{
    Q_OBJECT
public:
    explicit SignalNotifier(QObject *parent = nullptr);
    ~SignalNotifier() override;

    bool isActive() const { return m_notifier != nullptr; }

Q_SIGNALS:
    void interrupted(int signalNumber);

private:
    void onReadable();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace tango::cli
