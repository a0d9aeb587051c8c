#include "cli/ExportCommand.h"

#include "api/ApiClient.h"
#include "cli/ExportRunner.h"
#include "cli/SignalNotifier.h"
#include "contracts/ContractFields.h"
#include "contracts/ContractQuery.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

namespace tango::cli {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ExportCommand", text);
}

int usageError(const QString &message)
{
    QTextStream(stderr) << tr("export: ") << message << '\n'
                        << tr("Try 'tango-explorer export --help'.") << '\n';
    return ExportRunner::Usage;
}

QString epilog()
{
    QString s;
    QTextStream t(&s);
    t << '\n'
      << tr("Columns are field paths, e.g. key,piid,recipient.display_name. Default:") << "\n  "
      << ExportJob::defaultColumns().join(QLatin1Char(',')) << "\n\n"
      << tr("Filters (--filter NAME=VALUE, repeatable; '|' separates several values, except "
            "award_type, which takes one of A, B, C, D):")
      << "\n  " << ContractQuery::filterNames().join(QStringLiteral(", ")) << "\n\n"
      << tr("Ordering fields (prefix '-' for descending):") << "\n  "
      << ContractQuery::orderingFields().join(QStringLiteral(", ")) << "\n\n"
      << tr("Environment:") << '\n'
      << tr("  TANGO_API_KEY    the API key (else the key remembered by the app's sign-in)") << '\n'
      << tr("  TANGO_BASE_URL   the API address when --base-url is not given (default "
            "https://tango.makegov.com); plain http:// only for this computer")
      << "\n\n"
      << tr("Progress (rows, rate, waits) goes to standard error unless --quiet.") << "\n\n"
      << tr("Exit codes:") << '\n'
      << tr("  0    done") << '\n'
      << tr("  2    usage error (unknown option or filter name, bad value)") << '\n'
      << tr("  3    credentials missing or rejected (401 or 403)") << '\n'
      << tr("  4    daily quota exhausted (the message says when it resets)") << '\n'
      << tr("  5    any other failure after retries") << '\n'
      << tr("  130  interrupted by SIGINT or SIGTERM; nothing is left at --out") << '\n';
    return s;
}

bool parseDelimiter(const QString &text, QChar *out)
{
    if (text == QLatin1String(",") || text == QLatin1String(";")) {
        *out = text.at(0);
        return true;
    }
    if (text.compare(QLatin1String("tab"), Qt::CaseInsensitive) == 0 ||
        text == QLatin1String("\\t") || text == QLatin1String("\t")) {
        *out = QLatin1Char('\t');
        return true;
    }
    return false;
}

} // namespace

int runExport(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Tango Explorer"));
    QCoreApplication::setOrganizationName(QStringLiteral("MakeGov"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TANGO_VERSION));

    QStringList args = QCoreApplication::arguments();
    if (args.size() > 1)
        args.removeAt(1); // "export"

    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.setApplicationDescription(
        tr("Export every contract matching a query to a CSV file, without a display."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  tr("Show this help."));
    const QCommandLineOption out(QStringLiteral("out"), tr("The CSV file to write (required)."),
                                 tr("FILE"));
    const QCommandLineOption baseUrl(QStringLiteral("base-url"), tr("The API address."), tr("URL"));
    const QCommandLineOption search(QStringLiteral("search"), tr("Full-text search."), tr("TEXT"));
    const QCommandLineOption filter(QStringLiteral("filter"),
                                    tr("A filter, repeatable (names below)."), tr("NAME=VALUE"));
    const QCommandLineOption ordering(QStringLiteral("ordering"),
                                      tr("Sort order: FIELD or -FIELD (names below)."),
                                      tr("[-]FIELD"));
    const QCommandLineOption columns(QStringLiteral("columns"),
                                     tr("Comma-separated field paths, in column order."),
                                     tr("PATH,PATH,..."));
    const QCommandLineOption maxRows(QStringLiteral("max-rows"), tr("Write at most N rows."),
                                     tr("N"));
    const QCommandLineOption delimiter(QStringLiteral("delimiter"),
                                       tr("Field delimiter: , ; tab or \\t (default ,)."), tr("C"));
    const QCommandLineOption bom(QStringLiteral("bom"),
                                 tr("Start the file with a UTF-8 byte order mark (for Excel)."));
    const QCommandLineOption header(
        QStringLiteral("header"), tr("Header row: field paths as given (default) or human titles."),
        QStringLiteral("titles|paths"));
    const QCommandLineOption formulaGuard(QStringLiteral("formula-guard"),
                                          tr("Prefix ' to text cells starting with = + - @, tab or "
                                             "CR so spreadsheets do not run them."));
    const QCommandLineOption pageSize(QStringLiteral("page-size"),
                                      tr("Rows per request, 1 to 100 (default 100)."), tr("N"));
    const QCommandLineOption quiet(QStringLiteral("quiet"), tr("No progress output."));
    parser.addOptions({help, out, baseUrl, search, filter, ordering, columns, maxRows, delimiter,
                       bom, header, formulaGuard, pageSize, quiet});

    if (!parser.parse(args))
        return usageError(parser.errorText());
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        text.replace(QStringLiteral("[options]"), QStringLiteral("export [options]"));
        QTextStream(stdout) << text << epilog();
        return ExportRunner::Done;
    }
    if (!parser.positionalArguments().isEmpty())
        return usageError(
            tr("unexpected argument \"%1\".").arg(parser.positionalArguments().first()));

    ExportRunner::Settings s;
    s.outPath = parser.value(out).trimmed();
    if (s.outPath.isEmpty())
        return usageError(tr("--out FILE is required."));

    s.baseUrl =
        parser.isSet(baseUrl) ? QUrl(parser.value(baseUrl).trimmed()) : ApiClient::defaultBaseUrl();
    QString why;
    if (!ApiClient::isAcceptableBaseUrl(s.baseUrl, &why))
        return usageError(tr("bad base URL \"%1\": %2").arg(s.baseUrl.toDisplayString(), why));

    s.query.setSearch(parser.value(search));
    for (const QString &f : parser.values(filter)) {
        const int eq = f.indexOf(QLatin1Char('='));
        const QString name = (eq < 0 ? f : f.left(eq)).trimmed();
        const QString value = eq < 0 ? QString() : f.mid(eq + 1);
        if (!ContractQuery::isFilterName(name))
            return usageError(
                tr("unknown filter \"%1\". Valid filters are: %2.")
                    .arg(name, ContractQuery::filterNames().join(QStringLiteral(", "))));
        if (value.trimmed().isEmpty())
            return usageError(tr("--filter %1 needs a value: %1=VALUE.").arg(name));
        s.query.setFilter(name, value.trimmed());
    }
    if (parser.isSet(ordering)) {
        const QString o = parser.value(ordering).trimmed();
        const QString field = o.startsWith(QLatin1Char('-')) ? o.mid(1) : o;
        if (!ContractQuery::orderingFields().contains(field))
            return usageError(
                tr("unknown ordering \"%1\". Valid: %2, each optionally prefixed with '-'.")
                    .arg(o, ContractQuery::orderingFields().join(QStringLiteral(", "))));
        s.query.setOrdering(o);
    }
    if (parser.isSet(columns)) {
        for (const QString &c : parser.value(columns).split(QLatin1Char(','))) {
            if (!c.trimmed().isEmpty())
                s.columns.append(c.trimmed());
        }
        if (s.columns.isEmpty())
            return usageError(tr("--columns needs at least one field path."));
    } else {
        s.columns = ExportJob::defaultColumns();
    }
    s.query.setFields(s.columns);
    const QStringList problems = s.query.validate();
    if (!problems.isEmpty())
        return usageError(problems.join(QLatin1Char(' ')));

    if (parser.isSet(maxRows)) {
        bool ok = false;
        s.maxRows = parser.value(maxRows).trimmed().toLongLong(&ok);
        if (!ok || s.maxRows < 1)
            return usageError(tr("--max-rows needs a whole number of at least 1."));
    }
    if (parser.isSet(pageSize)) {
        bool ok = false;
        s.pageSize = parser.value(pageSize).trimmed().toInt(&ok);
        if (!ok || s.pageSize < 1 || s.pageSize > ContractQuery::kMaxLimit)
            return usageError(
                tr("--page-size must be between 1 and %1.").arg(ContractQuery::kMaxLimit));
    }
    if (parser.isSet(delimiter) && !parseDelimiter(parser.value(delimiter), &s.delimiter))
        return usageError(tr("--delimiter must be , ; tab or \\t."));
    if (parser.isSet(header)) {
        const QString h = parser.value(header).trimmed().toLower();
        if (h == QLatin1String("titles"))
            s.header = ExportJob::Header::Titles;
        else if (h == QLatin1String("paths"))
            s.header = ExportJob::Header::Paths;
        else
            return usageError(tr("--header must be titles or paths."));
    }
    s.bom = parser.isSet(bom);
    s.formulaGuard = parser.isSet(formulaGuard);
    s.quiet = parser.isSet(quiet);

    SignalNotifier signalNotifier;
    ExportRunner runner(s);
    QObject::connect(&signalNotifier, &SignalNotifier::interrupted, &runner,
                     &ExportRunner::interrupt);
    int code = ExportRunner::Failure;
    QObject::connect(&runner, &ExportRunner::exitRequested, &app, [&code](int c) {
        code = c;
        QCoreApplication::exit(c);
    });
    QMetaObject::invokeMethod(&runner, &ExportRunner::start, Qt::QueuedConnection);
    QCoreApplication::exec();
    return code;
}

} // namespace tango::cli
