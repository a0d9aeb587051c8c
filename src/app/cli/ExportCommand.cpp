#include "cli/ExportCommand.h"

#include <QCoreApplication>
#include <QTextStream>

namespace tango::cli {

int runExport(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream(stderr) << QCoreApplication::translate("ExportCommand", "export: not available yet\n");
    return 5;
}

} // namespace tango::cli
