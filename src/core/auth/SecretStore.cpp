#include "auth/SecretStore.h"

#include "util/Clock.h"

#include <QCoreApplication>
#include <QTimer>

#include <memory>
#include <qt6keychain/keychain.h>

namespace tango {

namespace {

SecretStore::Result classify(QKeychain::Error error)
{
    switch (error) {
    case QKeychain::NoError:
        return SecretStore::Result::Ok;
    case QKeychain::EntryNotFound:
        return SecretStore::Result::NotFound;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return SecretStore::Result::Denied;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
    // The libsecret backend reports a missing session bus or Secret Service as OtherError.
    case QKeychain::OtherError:
        return SecretStore::Result::Unavailable;
    case QKeychain::CouldNotDeleteEntry:
        return SecretStore::Result::Failed;
    }
    return SecretStore::Result::Failed;
}

} // namespace

SecretStore::SecretStore(const QString &service, QObject *parent, Clock *clock)
    : QObject(parent)
    , m_service(service.isEmpty() ? QStringLiteral(TANGO_APP_ID) : service)
    , m_clock(clock ? clock : Clock::system())
{}

SecretStore::~SecretStore()
{
    for (QString &secret : m_session)
        secret.fill(QLatin1Char('\0'));
}

QString SecretStore::describe(Result result)
{
    switch (result) {
    case Result::Ok:
        return tr("Saved in the system keychain.");
    case Result::NotFound:
        return tr("Nothing is saved in the system keychain.");
    case Result::SessionOnly:
        return tr("No system keychain is available on this computer, so the secret is kept for "
                  "this session only. It was not written to disk.");
    case Result::Unavailable:
        return tr("No system keychain is available on this computer (no Secret Service on the "
                  "session bus).");
    case Result::Denied:
        return tr("The system keychain is locked or refused access.");
    case Result::Failed:
        return tr("The system keychain reported an error.");
    }
    return {};
}

void SecretStore::noteAvailable(bool available)
{
    if (m_available == available)
        return;
    m_available = available;
    Q_EMIT keychainAvailabilityChanged(available);
}

void SecretStore::write(const QString &account, const QString &secret, QObject *context, Done done)
{
    run(Op::Write, account, secret, context,
        [done](Result r, const QString &, const QString &message) { done(r, message); });
}

void SecretStore::read(const QString &account, QObject *context, ReadDone done)
{
    run(Op::Read, account, QString(), context, std::move(done));
}

void SecretStore::remove(const QString &account, QObject *context, Done done)
{
    run(Op::Remove, account, QString(), context,
        [done](Result r, const QString &, const QString &message) { done(r, message); });
}

void SecretStore::run(Op op, const QString &account, const QString &secret, QObject *context,
                      std::function<void(Result, const QString &, const QString &)> done)
{
    struct Pending
    {
        QPointer<QObject> context;
        bool hasContext = false;
        bool answered = false;
        Clock::TimerId timer = 0;
        std::function<void(Result, const QString &, const QString &)> done;
    };
    auto pending = std::make_shared<Pending>();
    pending->context = context;
    pending->hasContext = context != nullptr;
    pending->done = std::move(done);

    // Answers on a later event-loop turn so callers never see a callback before the call returns.
    auto answer = [this, pending](Result r, QString value, QString message) {
        if (pending->answered)
            return;
        pending->answered = true;
        if (pending->timer)
            m_clock->cancel(pending->timer);
        QTimer::singleShot(0, this, [pending, r, value, message]() {
            if (!pending->hasContext || pending->context)
                pending->done(r, value, message);
        });
    };

    if (op == Op::Remove)
        m_session.remove(account);

    QKeychain::Job *job = nullptr;
    switch (op) {
    case Op::Read: {
        auto *j = new QKeychain::ReadPasswordJob(m_service, this);
        job = j;
        break;
    }
    case Op::Write: {
        auto *j = new QKeychain::WritePasswordJob(m_service, this);
        j->setTextData(secret);
        job = j;
        break;
    }
    case Op::Remove:
        job = new QKeychain::DeletePasswordJob(m_service, this);
        break;
    }
    job->setKey(account);
    job->setAutoDelete(true);
    // Never let QtKeychain write a plain-text file (its KWallet fallback would).
    job->setInsecureFallback(false);

    // Without a keychain: writes stay in memory for this session, reads find only those.
    auto answerWithoutKeychain = [this, op, account, secret, answer](const QString &whyNone) {
        noteAvailable(false);
        if (op == Op::Write) {
            m_session.insert(account, secret);
            answer(Result::SessionOnly, QString(), describe(Result::SessionOnly));
        } else if (op == Op::Read && m_session.contains(account)) {
            answer(Result::Ok, m_session.value(account), QString());
        } else if (op == Op::Remove) {
            answer(Result::Ok, QString(), QString());
        } else {
            answer(Result::Unavailable, QString(), whyNone);
        }
    };

    // A keychain that never answers (a prompt nobody sees, a hung daemon) counts as none.
    pending->timer = m_clock->callAfter(m_timeoutMs, this, [answerWithoutKeychain]() {
        answerWithoutKeychain(tr("The system keychain did not answer in time."));
    });

    connect(job, &QKeychain::Job::finished, this,
            [this, op, account, answer, answerWithoutKeychain](QKeychain::Job *j) {
                const Result r = classify(j->error());
                if (r == Result::Unavailable) {
                    answerWithoutKeychain(describe(Result::Unavailable));
                    return;
                }
                if (r != Result::Denied)
                    noteAvailable(true);
                if (op == Op::Write && r == Result::Ok)
                    m_session.remove(account); // the keychain holds it now
                if (op == Op::Read && r == Result::NotFound && m_session.contains(account)) {
                    answer(Result::Ok, m_session.value(account), QString());
                    return;
                }
                if (op == Op::Remove && r == Result::NotFound) {
                    answer(Result::Ok, QString(), QString());
                    return;
                }
                QString value;
                if (op == Op::Read && r == Result::Ok)
                    value = static_cast<QKeychain::ReadPasswordJob *>(j)->textData();
                // QtKeychain's own error text is technical but holds no secret; keep it as detail.
                const QString message =
                    r == Result::Ok ? QString() : describe(r) + QLatin1Char(' ') + j->errorString();
                answer(r, value, message);
            });
    job->start();
}

} // namespace tango
