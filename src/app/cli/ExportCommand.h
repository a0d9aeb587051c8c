#pragma once

#include <QStringList>

namespace tango::cli {

// `tango-explorer export ...`: headless CSV export. args are the arguments after "export".
// Runs its own QCoreApplication event loop; returns the process exit code (see README).
int runExport(int argc, char **argv);

} // namespace tango::cli
