#include "cli/ExportCommand.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTextStream>

#include <cstring>

int main(int argc, char **argv)
{
    // The export subcommand needs no display: dispatch before any GUI object exists.
    if (argc > 1 && std::strcmp(argv[1], "export") == 0)
        return tango::cli::runExport(argc, argv);

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Tango Explorer"));
    QApplication::setOrganizationName(QStringLiteral("MakeGov"));
    QApplication::setApplicationVersion(QStringLiteral(TANGO_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Browse and export US federal contracts from the Tango API."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(app);
    return 0;
}
