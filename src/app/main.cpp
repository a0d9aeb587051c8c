#include "cli/ExportCommand.h"

#include "MainWindow.h"
#include "SignInController.h"
#include "SignInOptions.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QMessageBox>
#include <QTextStream>

#include <cstring>

int main(int argc, char **argv)
{
    const qint64 launchedAt = QDateTime::currentMSecsSinceEpoch();
    // The export subcommand needs no display: dispatch before any GUI object exists.
    if (argc > 1 && std::strcmp(argv[1], "export") == 0)
        return tango::cli::runExport(argc, argv);

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Tango Explorer"));
    QApplication::setOrganizationName(QStringLiteral("MakeGov"));
    QApplication::setOrganizationDomain(QStringLiteral("makegov.com"));
    QApplication::setApplicationVersion(QStringLiteral(TANGO_VERSION));
    QApplication::setDesktopFileName(QStringLiteral(TANGO_APP_ID));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main", "Browse and export US federal contracts from the Tango API."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption baseUrl(
        QStringLiteral("base-url"),
        QApplication::translate("main", "API address (default: TANGO_BASE_URL, else "
                                        "https://tango.makegov.com)."),
        QApplication::translate("main", "URL"));
    const QCommandLineOption demo(
        QStringLiteral("demo"),
        QApplication::translate("main", "Explore synthetic contracts from a built-in local "
                                        "server; no account or network needed."));
    const QCommandLineOption signIn(
        QStringLiteral("sign-in"),
        QApplication::translate("main", "Sign in at start: 'oauth' (browser sign-in with "
                                        "TANGO_OAUTH_CLIENT_ID) or 'key' (the API key page)."),
        QApplication::translate("main", "METHOD"));
    parser.addOption(baseUrl);
    parser.addOption(demo);
    parser.addOption(signIn);
    parser.process(app);

    tango::MainWindow::Options options;
    options.demo = parser.isSet(demo);
    options.launchedAtMsSinceEpoch = launchedAt;
    options.reportFirstPaint =
        qEnvironmentVariableIntValue("TANGO_EXPLORER_REPORT_FIRST_PAINT") == 1;
    if (!options.demo) {
        QString why;
        if (!tango::MainWindow::resolveBaseUrl(parser.value(baseUrl), &options.baseUrl, &why)) {
            const QString msg =
                QApplication::translate("main", "Cannot use this API address: %1").arg(why);
            QTextStream(stderr) << msg << Qt::endl;
            QMessageBox::critical(nullptr, QApplication::translate("main", "Tango Explorer"), msg);
            return 2;
        }
    }

    // TANGO_API_KEY, then the keychain, then the sign-in dialog: the controller decides.
    tango::SignInOptions signInOptions = tango::SignInOptions::fromEnvironment();
    signInOptions.baseUrl = options.baseUrl;
    if (parser.isSet(signIn) &&
        !tango::SignInOptions::parseMode(parser.value(signIn), &signInOptions.mode)) {
        QTextStream(stderr) << QApplication::translate("main", "--sign-in takes 'oauth' or 'key'.")
                            << Qt::endl;
        return 2;
    }

    tango::MainWindow window(options);
    window.show();
    tango::SignInController signInController(&window);
    if (!options.demo) {
        signInController.attach(&window);
        signInController.startUp(signInOptions);
    }
    return app.exec();
}
