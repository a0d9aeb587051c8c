#pragma once

#include "sandbox/SandboxServer.h"

#include <QString>
#include <QVector>

// Reading a sandbox's request log: which requests reached the API and with what.
using SandboxLogEntries = QVector<tango::SandboxServer::LogEntry>;

// The requests under /api/ (not the sign-in or other endpoints), in order.
SandboxLogEntries apiLog(const tango::SandboxServer &server);

// The requests for the contract list, /api/contracts/ (not the details), in order.
SandboxLogEntries contractListLog(const tango::SandboxServer &server);

// How many of the /api/ requests in `log` there are, and how many were answered with `status`.
int countApiRequests(const SandboxLogEntries &log);
int countStatus(const SandboxLogEntries &log, int status);

// A query parameter of a logged request, fully decoded (empty when absent).
QString queryItem(const tango::SandboxServer::LogEntry &entry, const QString &name);
