#include "sandbox/SandboxServer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QMetaEnum>
#include <QSocketNotifier>
#include <QTextStream>

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    // Only async-signal-safe work here: wake the event loop through a pipe.
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &c, 1);
}

bool parseFault(const QString &text, int *number, tango::SandboxServer::Fault *fault, int *param)
{
    const QStringList parts = text.split(QLatin1Char(':'));
    if (parts.size() < 2 || parts.size() > 3)
        return false;
    bool ok = false;
    *number = parts.at(0).toInt(&ok);
    if (!ok || *number <= 0)
        return false;
    // Kinds are the Fault enum's names, matched without regard to case ("http500", "Delay").
    const QMetaEnum e = QMetaEnum::fromType<tango::SandboxServer::Fault>();
    ok = false;
    for (int i = 0; i < e.keyCount() && !ok; ++i) {
        if (parts.at(1).compare(QLatin1String(e.key(i)), Qt::CaseInsensitive) == 0) {
            *fault = tango::SandboxServer::Fault(e.value(i));
            ok = *fault != tango::SandboxServer::Fault::None;
        }
    }
    if (!ok)
        return false;
    *param = 0;
    if (parts.size() == 3) {
        *param = parts.at(2).toInt(&ok);
        if (!ok)
            return false;
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tango-sandbox"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TANGO_VERSION));

    const tango::SandboxOptions defaults;
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate(
            "main",
            "Offline stand-in for the Tango API on 127.0.0.1 (synthetic contracts, rate limits, "
            "faults, OAuth2).\nPrints its base URL as the first line on stdout, then serves until "
            "interrupted.\nDefault API key: %1\nForbidden (403) key: %2")
            .arg(defaults.apiKey, defaults.forbiddenKey));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption port(
        QStringLiteral("port"),
        QCoreApplication::translate("main",
                                    "TCP port on 127.0.0.1; 0, the default, picks a free one."),
        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption rows(
        QStringLiteral("rows"),
        QCoreApplication::translate("main", "Number of synthetic contracts (default %1).")
            .arg(defaults.rows),
        QStringLiteral("N"), QString::number(defaults.rows));
    const QCommandLineOption apiKey(
        QStringLiteral("api-key"),
        QCoreApplication::translate("main", "The accepted X-API-KEY value (default %1).")
            .arg(defaults.apiKey),
        QStringLiteral("KEY"), defaults.apiKey);
    const QCommandLineOption burstLimit(
        QStringLiteral("burst-limit"),
        QCoreApplication::translate("main",
                                    "Requests per burst window, <= 0 disables it (default %1).")
            .arg(defaults.burstLimit),
        QStringLiteral("N"), QString::number(defaults.burstLimit));
    const QCommandLineOption burstWindow(
        QStringLiteral("burst-window"),
        QCoreApplication::translate("main", "Length of the burst window in seconds (default %1).")
            .arg(defaults.burstWindowSeconds),
        QStringLiteral("SECONDS"), QString::number(defaults.burstWindowSeconds));
    const QCommandLineOption dailyLimit(
        QStringLiteral("daily-limit"),
        QCoreApplication::translate("main", "Requests per UTC day, <= 0 disables it (default %1).")
            .arg(defaults.dailyLimit),
        QStringLiteral("N"), QString::number(defaults.dailyLimit));
    const QCommandLineOption seed(
        QStringLiteral("seed"),
        QCoreApplication::translate("main", "Seed of the synthetic data (default %1).")
            .arg(defaults.seed),
        QStringLiteral("N"), QString::number(defaults.seed));
    const QCommandLineOption clientId(
        QStringLiteral("oauth-client-id"),
        QCoreApplication::translate(
            "main", "The OAuth2 client_id accepted by /oauth2/authorize/ (default %1).")
            .arg(defaults.oauthClientId),
        QStringLiteral("ID"), defaults.oauthClientId);
    const QCommandLineOption lifetime(
        QStringLiteral("token-lifetime"),
        QCoreApplication::translate("main",
                                    "Lifetime of OAuth2 access tokens in seconds (default %1).")
            .arg(defaults.oauthTokenLifetimeSeconds),
        QStringLiteral("SECONDS"), QString::number(defaults.oauthTokenLifetimeSeconds));
    const QCommandLineOption fault(
        QStringLiteral("fault"),
        QCoreApplication::translate(
            "main",
            "Script a fault for the NUMBERth /api/ request (repeatable). KIND is one of Http500, "
            "Http502Html, TruncatedBody, DropConnection, Delay (PARAM ms), OkWithError, "
            "Spurious429 (PARAM seconds), NotJson."),
        QStringLiteral("NUMBER:KIND[:PARAM]"));
    const QCommandLineOption clientSecret(
        QStringLiteral("oauth-client-secret"),
        QCoreApplication::translate(
            "main",
            "Require this client_secret at /oauth2/token/ (default: none, a public client)."),
        QStringLiteral("SECRET"));
    const QCommandLineOption deny(
        QStringLiteral("oauth-deny"),
        QCoreApplication::translate("main",
                                    "Answer every authorization with error=access_denied."));
    parser.addOptions({port, rows, apiKey, burstLimit, burstWindow, dailyLimit, seed, clientId,
                       clientSecret, deny, lifetime, fault});
    parser.process(app);

    QTextStream err(stderr);
    auto intValue = [&](const QCommandLineOption &o, int *out) {
        bool ok = false;
        const int v = parser.value(o).toInt(&ok);
        if (!ok) {
            err << QCoreApplication::translate("main", "Invalid value for --%1: %2")
                       .arg(o.names().constFirst(), parser.value(o))
                << Qt::endl;
            return false;
        }
        *out = v;
        return true;
    };
    tango::SandboxOptions options;
    int portValue = 0;
    bool seedOk = false;
    const quint32 seedValue = parser.value(seed).toUInt(&seedOk);
    if (!seedOk) {
        err << QCoreApplication::translate("main", "Invalid value for --seed: %1")
                   .arg(parser.value(seed))
            << Qt::endl;
        return 2;
    }
    if (!intValue(port, &portValue) || !intValue(rows, &options.rows) ||
        !intValue(burstLimit, &options.burstLimit) ||
        !intValue(burstWindow, &options.burstWindowSeconds) ||
        !intValue(dailyLimit, &options.dailyLimit) ||
        !intValue(lifetime, &options.oauthTokenLifetimeSeconds))
        return 2;
    if (portValue < 0 || portValue > 65535 || options.rows < 0 || options.rows > 1000000) {
        err << QCoreApplication::translate("main", "--port must be 0-65535 and --rows 0-1000000.")
            << Qt::endl;
        return 2;
    }
    options.seed = seedValue;
    options.apiKey = parser.value(apiKey);
    options.oauthClientId = parser.value(clientId);
    options.oauthClientSecret = parser.value(clientSecret);
    options.oauthDeny = parser.isSet(deny);

    tango::SandboxServer server(options);
    for (const QString &f : parser.values(fault)) {
        int number = 0;
        int param = 0;
        tango::SandboxServer::Fault kind = tango::SandboxServer::Fault::None;
        if (!parseFault(f, &number, &kind, &param)) {
            err << QCoreApplication::translate("main",
                                               "Invalid --fault %1 (expected NUMBER:KIND[:PARAM])")
                       .arg(f)
                << Qt::endl;
            return 2;
        }
        server.scriptFault(number, kind, param);
    }
    QString error;
    if (!server.listen(quint16(portValue), &error)) {
        err << QCoreApplication::translate("main", "Cannot listen on 127.0.0.1:%1: %2")
                   .arg(portValue)
                   .arg(error)
            << Qt::endl;
        return 1;
    }

    if (::pipe(g_signalPipe) == 0) {
        auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, &app);
        QObject::connect(notifier, &QSocketNotifier::activated, &app, [] {
            char c;
            [[maybe_unused]] const ssize_t n = ::read(g_signalPipe[0], &c, 1);
            QCoreApplication::quit();
        });
        struct sigaction sa = {};
        sa.sa_handler = onSignal;
        sigemptyset(&sa.sa_mask);
        ::sigaction(SIGINT, &sa, nullptr);
        ::sigaction(SIGTERM, &sa, nullptr);
    }

    std::fprintf(stdout, "%s\n", server.baseUrl().toString().toUtf8().constData());
    std::fflush(stdout);
    const int rc = app.exec();
    server.close();
    return rc;
}
