#include "SandboxLog.h"

namespace {

bool isApi(const tango::SandboxServer::LogEntry &e)
{
    return e.path.startsWith(QLatin1String("/api/"));
}

} // namespace

SandboxLogEntries apiLog(const tango::SandboxServer &server)
{
    SandboxLogEntries out;
    for (const auto &e : server.requestLog()) {
        if (isApi(e))
            out.append(e);
    }
    return out;
}

SandboxLogEntries contractListLog(const tango::SandboxServer &server)
{
    SandboxLogEntries out;
    for (const auto &e : server.requestLog()) {
        if (e.path == QLatin1String("/api/contracts/"))
            out.append(e);
    }
    return out;
}

int countApiRequests(const SandboxLogEntries &log)
{
    int n = 0;
    for (const auto &e : log) {
        if (isApi(e))
            ++n;
    }
    return n;
}

int countStatus(const SandboxLogEntries &log, int status)
{
    int n = 0;
    for (const auto &e : log) {
        if (e.status == status && isApi(e))
            ++n;
    }
    return n;
}

QString queryItem(const tango::SandboxServer::LogEntry &entry, const QString &name)
{
    return entry.query.queryItemValue(name, QUrl::FullyDecoded);
}
