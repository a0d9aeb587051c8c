#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>

namespace tango {

class Clock;

// Secrets in the operating system's keychain (Secret Service on Linux, through QtKeychain).
// When there is no keychain, a write keeps the secret in this process's memory only and says
// so: there is no plain-text fallback, ever. Every call answers exactly once, asynchronously,
// also when the keychain does not answer at all (timeout).
class SecretStore : public QObject
{
    Q_OBJECT
public:
    enum class Result
    {
        Ok,
        NotFound,    // no such entry (a read after a delete)
        SessionOnly, // written to memory only: no keychain available
        Unavailable, // no keychain on this computer (no Secret Service on the session bus)
        Denied,      // the keychain is locked or the user refused access
        Failed,      // anything else; see the message
    };
    Q_ENUM(Result)

    using Done = std::function<void(Result result, const QString &message)>;
    using ReadDone =
        std::function<void(Result result, const QString &secret, const QString &message)>;

    // service: the name the entries are filed under (the application id by default).
    explicit SecretStore(const QString &service = QString(), QObject *parent = nullptr,
                         Clock *clock = nullptr);
    ~SecretStore() override;

    QString service() const { return m_service; }
    void setTimeoutMs(qint64 ms) { m_timeoutMs = ms; }
    qint64 timeoutMs() const { return m_timeoutMs; }

    // done runs on the event loop, and not at all if context (when given) is gone by then.
    void write(const QString &account, const QString &secret, QObject *context, Done done);
    void read(const QString &account, QObject *context, ReadDone done);
    // Removes the entry from the keychain and from memory. Removing what is not there is Ok.
    void remove(const QString &account, QObject *context, Done done);

    // False once a keychain operation found no keychain; true again after one works.
    bool isKeychainAvailable() const { return m_available; }
    bool hasSessionSecret(const QString &account) const { return m_session.contains(account); }

    // Sentences for the user, translated.
    static QString describe(Result result);

Q_SIGNALS:
    void keychainAvailabilityChanged(bool available);

private:
    enum class Op
    {
        Read,
        Write,
        Remove
    };
    void run(Op op, const QString &account, const QString &secret, QObject *context,
             std::function<void(Result, const QString &, const QString &)> done);
    void noteAvailable(bool available);

    QString m_service;
    Clock *m_clock;
    qint64 m_timeoutMs = 15000;
    bool m_available = true;
    QHash<QString, QString> m_session;
};

} // namespace tango
