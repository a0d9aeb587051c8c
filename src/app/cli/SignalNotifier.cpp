#include "cli/SignalNotifier.h"

#include <QSocketNotifier>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tango::cli {

namespace {
int g_fds[2] = {-1, -1};
struct sigaction g_oldInt;
struct sigaction g_oldTerm;

extern "C" void onSignal(int sig)
{
    const int saved = errno;
    const char byte = char(sig);
    if (g_fds[0] >= 0) {
        [[maybe_unused]] const ssize_t n = ::write(g_fds[0], &byte, 1);
    }
    errno = saved;
}
} // namespace

SignalNotifier::SignalNotifier(QObject *parent)
    : QObject(parent)
{
    if (g_fds[0] >= 0)
        return; // one at a time per process
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_fds) != 0) {
        g_fds[0] = g_fds[1] = -1;
        return;
    }
    for (int fd : g_fds) {
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    m_notifier = new QSocketNotifier(g_fds[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &SignalNotifier::onReadable);

    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &sa, &g_oldInt);
    ::sigaction(SIGTERM, &sa, &g_oldTerm);
}

SignalNotifier::~SignalNotifier()
{
    if (!m_notifier)
        return;
    ::sigaction(SIGINT, &g_oldInt, nullptr);
    ::sigaction(SIGTERM, &g_oldTerm, nullptr);
    delete m_notifier;
    m_notifier = nullptr;
    ::close(g_fds[0]);
    ::close(g_fds[1]);
    g_fds[0] = g_fds[1] = -1;
}

void SignalNotifier::onReadable()
{
    char buf[16];
    const ssize_t n = ::read(g_fds[1], buf, sizeof buf);
    if (n > 0)
        Q_EMIT interrupted(int(buf[n - 1]));
}

} // namespace tango::cli
