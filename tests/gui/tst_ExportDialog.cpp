#include "ContractsModel.h"
#include "ExportDialog.h"

#include "api/ApiClient.h"
#include "auth/ApiKeyCredentials.h"
#include "export/ExportJob.h"
#include "sandbox/SandboxServer.h"
#include "util/ManualClock.h"

#include "ClockPump.h"
#include "CsvRows.h"
#include "SandboxSession.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <memory>

using namespace tango;

namespace {

// The keys (first column) of the CSV file at `path`, and its header row in *header.
QStringList csvFirstColumn(const QString &path, QChar delimiter, QStringList *header)
{
    const QVector<QStringList> rows = readCsvFile(path, delimiter);
    if (header && !rows.isEmpty())
        *header = rows.first();
    return firstColumn(rows);
}

} // namespace

class tst_ExportDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void everyControlHasAnAccessibleName();
    void estimateForAllRows();
    void quotaWarningWhenTheDailyWindowIsTooSmall();
    void exportAllRowsWithChosenOptionsAndRememberThem();
    void exportSelectedRowsInViewOrderOfKeys();
    void failureThenResumeGivesTheExactFile();
    void resumeAfterTheSandboxProcessWasKilledAndRestarted();
    void cancelLeavesNothing();
    void refusesWithoutAFile();
    void refusesAMissingOrReadOnlyFolderBeforeAnyRequest();
    void takesRowsAndCountFromTheContractsModel();

private:
    void makeClient(SandboxServer *server);
    ExportDialog *makeDialog(SandboxServer *server);
    template<typename T> T *child(QWidget *w, const char *name)
    {
        T *c = w->findChild<T *>(QLatin1String(name));
        if (!c)
            qWarning("no child %s", name);
        return c;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<ClockPump> m_pump;
    std::unique_ptr<ApiClient> m_client;
    std::unique_ptr<ExportDialog> m_dialog;
};

void tst_ExportDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("MakeGovTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_ExportDialog"));
}

void tst_ExportDialog::init()
{
    QSettings().remove(QStringLiteral("export"));
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_clock = std::make_unique<ManualClock>();
    m_pump = std::make_unique<ClockPump>(m_clock.get());
}

void tst_ExportDialog::cleanup()
{
    m_dialog.reset();
    m_client.reset();
    m_pump.reset();
    m_clock.reset();
    m_dir.reset();
    QSettings().remove(QStringLiteral("export"));
}

void tst_ExportDialog::makeClient(SandboxServer *server)
{
    RetryPolicy p;
    p.baseDelayMs = 10;
    p.maxDelayMs = 20;
    p.jitter = 0;
    m_client = SandboxSession::clientFor(*server, p, m_clock.get());
    QVERIFY(m_client);
}

ExportDialog *tst_ExportDialog::makeDialog(SandboxServer *server)
{
    if (!m_client)
        makeClient(server);
    m_dialog = std::make_unique<ExportDialog>(m_client.get());
    const QStringList keys = server->keysInDefaultOrder();
    m_dialog->setQuery(ContractQuery());
    m_dialog->setVisibleColumns(
        {QStringLiteral("key"), QStringLiteral("piid"), QStringLiteral("obligated")});
    m_dialog->setLoadedKeys(keys.mid(0, qMin(100, int(keys.size()))));
    m_dialog->setSelectedKeys({keys.value(7), keys.value(2), keys.value(40)});
    m_dialog->setMatchingCount(keys.size());
    m_dialog->show();
    return m_dialog.get();
}

void tst_ExportDialog::everyControlHasAnAccessibleName()
{
    SandboxServer server;
    QVERIFY(server.listen());
    ExportDialog *d = makeDialog(&server);
    QVERIFY(!d->isModal());
    const auto widgets = d->findChildren<QWidget *>();
    int checked = 0;
    for (QWidget *w : widgets) {
        if (qobject_cast<QAbstractButton *>(w) || qobject_cast<QComboBox *>(w) ||
            qobject_cast<QLineEdit *>(w)) {
            QVERIFY2(!w->accessibleName().isEmpty(), qPrintable(w->objectName()));
            ++checked;
        }
    }
    QVERIFY(checked >= 15);
}

void tst_ExportDialog::estimateForAllRows()
{
    SandboxOptions o;
    o.rows = 250;
    SandboxServer server(o);
    QVERIFY(server.listen());
    ExportDialog *d = makeDialog(&server);
    d->setScope(ExportDialog::Scope::All);
    QVERIFY2(d->estimateText().contains(QLocale().toString(250)), qPrintable(d->estimateText()));
    QVERIFY2(d->estimateText().contains(QLatin1String("about 3 requests")),
             qPrintable(d->estimateText()));
    d->setScope(ExportDialog::Scope::Selected);
    QVERIFY2(d->estimateText().contains(QLatin1String("about 1 requests")),
             qPrintable(d->estimateText()));
    d->setMatchingCount(std::nullopt);
    d->setScope(ExportDialog::Scope::All);
    QVERIFY(d->estimateText().contains(QLatin1String("not known")));
    QVERIFY(d->quotaWarningText().isEmpty());
}

void tst_ExportDialog::quotaWarningWhenTheDailyWindowIsTooSmall()
{
    SandboxOptions o;
    o.rows = 300;
    o.dailyLimit = 5;
    SandboxServer server(o);
    QVERIFY(server.listen());
    makeClient(&server);
    // One request so the client knows the daily window (4 left after it).
    ApiReply *r = m_client->get(QStringLiteral("/api/contracts/"), ContractQuery().toUrlQuery());
    QSignalSpy done(r, &ApiReply::finished);
    QVERIFY(done.wait(5000));
    ExportDialog *d = makeDialog(&server);
    d->setScope(ExportDialog::Scope::All);
    d->setMatchingCount(1000); // 10 requests
    QVERIFY2(d->quotaWarningText().contains(QLatin1String("4")), qPrintable(d->quotaWarningText()));
    d->setMatchingCount(300); // 3 requests: fits
    QVERIFY(d->quotaWarningText().isEmpty());
}

void tst_ExportDialog::exportAllRowsWithChosenOptionsAndRememberThem()
{
    SandboxOptions o;
    o.rows = 250;
    SandboxServer server(o);
    QVERIFY(server.listen());
    ExportDialog *d = makeDialog(&server);
    // Defaults: formula guard on, titles header.
    QVERIFY(child<QCheckBox>(d, "formulaGuardCheck")->isChecked());

    QTest::mouseClick(child<QRadioButton>(d, "scopeAll"), Qt::LeftButton);
    QTest::mouseClick(child<QRadioButton>(d, "columnsVisible"), Qt::LeftButton);
    auto *header = child<QComboBox>(d, "headerCombo");
    header->setCurrentIndex(header->findData(QStringLiteral("paths")));
    auto *delim = child<QComboBox>(d, "delimiterCombo");
    delim->setCurrentIndex(delim->findData(QStringLiteral(";")));
    child<QCheckBox>(d, "bomCheck")->setChecked(true);
    child<QCheckBox>(d, "formulaGuardCheck")->setChecked(false);
    auto *file = child<QLineEdit>(d, "fileEdit");
    file->clear();
    const QString path = m_dir->filePath(QStringLiteral("all.csv"));
    QTest::keyClicks(file, path);

    QSignalSpy finished(d, &ExportDialog::exportFinished);
    QTest::mouseClick(child<QPushButton>(d, "exportButton"), Qt::LeftButton);
    auto *pages = child<QStackedWidget>(d, "pages");
    QCOMPARE(pages->currentWidget()->objectName(), QStringLiteral("progressPage"));
    QVERIFY(child<QPushButton>(d, "cancelButton")->isVisible());
    QVERIFY(finished.wait(15000));
    QCOMPARE(finished.first().first().toString(), path);
    QVERIFY(child<QPushButton>(d, "openFolderButton")->isVisible());
    QVERIFY(!child<QPushButton>(d, "cancelButton")->isVisible());
    QVERIFY(child<QLabel>(d, "progressTitle")->text().contains(QLocale().toString(250)));
    QVERIFY(child<QLabel>(d, "rowsLabel")->text().contains(QLocale().toString(250)));

    QStringList headerRow;
    QFile raw(path);
    QVERIFY(raw.open(QIODevice::ReadOnly));
    QVERIFY(raw.read(3) == QByteArray("\xEF\xBB\xBF"));
    raw.close();
    const QStringList keys = csvFirstColumn(path, QLatin1Char(';'), &headerRow);
    QCOMPARE(keys, server.keysInDefaultOrder());
    headerRow.first().remove(QChar(0xFEFF));
    QCOMPARE(headerRow, (QStringList{"key", "piid", "obligated"}));

    // A new dialog comes back with the same choices.
    ExportDialog again(m_client.get());
    QCOMPARE(again.scope(), ExportDialog::Scope::All);
    QCOMPARE(again.columnsChoice(), ExportDialog::Columns::Visible);
    QCOMPARE(child<QComboBox>(&again, "headerCombo")->currentData().toString(),
             QStringLiteral("paths"));
    QCOMPARE(child<QComboBox>(&again, "delimiterCombo")->currentData().toString(),
             QStringLiteral(";"));
    QVERIFY(child<QCheckBox>(&again, "bomCheck")->isChecked());
    QVERIFY(!child<QCheckBox>(&again, "formulaGuardCheck")->isChecked());
    QCOMPARE(QFileInfo(again.outputPath()).absolutePath(), QFileInfo(path).absolutePath());
}

void tst_ExportDialog::exportSelectedRowsInViewOrderOfKeys()
{
    SandboxOptions o;
    o.rows = 120;
    SandboxServer server(o);
    QVERIFY(server.listen());
    ExportDialog *d = makeDialog(&server);
    const QStringList keys = server.keysInDefaultOrder();
    d->setScope(ExportDialog::Scope::Selected);
    d->setColumnsChoice(ExportDialog::Columns::All);
    const QString path = m_dir->filePath(QStringLiteral("selected.csv"));
    d->setOutputPath(path);
    QSignalSpy finished(d, &ExportDialog::exportFinished);
    QVERIFY(d->startExport());
    QVERIFY(finished.wait(15000));
    QStringList header;
    QCOMPARE(csvFirstColumn(path, QLatin1Char(','), &header),
             (QStringList{keys.value(7), keys.value(2), keys.value(40)}));
    QCOMPARE(header.size(), d->columnsToExport().size());
    QVERIFY(d->columnsToExport().size() > 10);
}

void tst_ExportDialog::failureThenResumeGivesTheExactFile()
{
    SandboxOptions o;
    o.rows = 300;
    SandboxServer server(o);
    QVERIFY(server.listen());
    ExportDialog *d = makeDialog(&server);
    d->setScope(ExportDialog::Scope::All);
    // Page 2 and all its retries fail: 4 attempts per request, 3 requests by the job.
    for (int n = 2; n < 2 + 12; ++n)
        server.scriptFault(n, SandboxServer::Fault::Http500);
    const QString path = m_dir->filePath(QStringLiteral("resume.csv"));
    d->setOutputPath(path);
    QSignalSpy failed(d, &ExportDialog::exportFailed);
    QSignalSpy finished(d, &ExportDialog::exportFinished);
    QVERIFY(d->startExport());
    QVERIFY(failed.wait(15000));
    auto *error = child<QLabel>(d, "errorLabel");
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QLatin1String("500")), qPrintable(error->text()));
    auto *resume = child<QPushButton>(d, "resumeButton");
    QVERIFY(resume->isVisible());
    QVERIFY(!QFileInfo::exists(path));

    // The user keeps browsing meanwhile; then presses Resume.
    QTest::mouseClick(resume, Qt::LeftButton);
    QVERIFY(finished.wait(15000));
    QVERIFY(!resume->isVisible());
    QCOMPARE(csvFirstColumn(path, QLatin1Char(','), nullptr), server.keysInDefaultOrder());
}

// As a user would see it: the server process dies mid-export, comes back on the same port, and
// Resume completes the file with every row once, in order.
void tst_ExportDialog::resumeAfterTheSandboxProcessWasKilledAndRestarted()
{
    const QString binary =
        qEnvironmentVariable("TANGO_TEST_BINARY_DIR") + QStringLiteral("/src/app/tango-sandbox");
    if (!QFileInfo(binary).isExecutable())
        QSKIP("tango-sandbox is not built");
    const int rows = 30000;
    auto startSandbox = [&](quint16 port, QUrl *url) {
        auto p = std::make_unique<QProcess>();
        p->start(binary,
                 {QStringLiteral("--rows"), QString::number(rows), QStringLiteral("--port"),
                  QString::number(port), QStringLiteral("--burst-limit"), QStringLiteral("0")});
        QSignalSpy ready(p.get(), &QProcess::readyReadStandardOutput);
        while (!p->canReadLine() && ready.wait(5000)) {
        }
        *url = QUrl(QString::fromUtf8(p->readLine()).trimmed());
        return p;
    };
    QUrl url;
    auto sandbox = startSandbox(0, &url);
    QVERIFY2(url.isValid() && url.port() > 0, qPrintable(url.toString()));

    // The same seed and size in this process: the reference for "every row once, in order".
    SandboxOptions o;
    o.rows = rows;
    SandboxServer reference(o);
    const QStringList expected = reference.keysInDefaultOrder();

    m_client = std::make_unique<ApiClient>(nullptr, m_clock.get());
    QVERIFY(m_client->setBaseUrl(url));
    m_client->setCredentials(std::make_shared<ApiKeyCredentials>(o.apiKey));
    RetryPolicy policy;
    policy.baseDelayMs = 10;
    policy.jitter = 0;
    m_client->setRetryPolicy(policy);
    m_dialog = std::make_unique<ExportDialog>(m_client.get());
    ExportDialog *d = m_dialog.get();
    d->setQuery(ContractQuery());
    d->setVisibleColumns({QStringLiteral("key"), QStringLiteral("piid"),
                          QStringLiteral("award_date"), QStringLiteral("obligated")});
    d->setMatchingCount(rows);
    d->setScope(ExportDialog::Scope::All);
    d->show();
    const QString path = m_dir->filePath(QStringLiteral("restart.csv"));
    d->setOutputPath(path);
    QSignalSpy failed(d, &ExportDialog::exportFailed);
    QSignalSpy finished(d, &ExportDialog::exportFinished);
    QVERIFY(d->startExport());
    QTRY_VERIFY_WITH_TIMEOUT(d->job()->progress().pages >= 40, 20000);
    sandbox->kill(); // no goodbye: connections just die
    QVERIFY(sandbox->waitForFinished(5000));
    QVERIFY(failed.wait(20000));
    QCOMPARE(d->job()->lastError().kind(), ApiError::Kind::Network);
    QVERIFY(!QFileInfo::exists(path));
    const qint64 before = d->job()->progress().rowsWritten;
    QVERIFY(before >= 4000 && before < rows);

    QUrl again;
    auto restarted = startSandbox(quint16(url.port()), &again);
    QCOMPARE(again, url);
    QTest::mouseClick(child<QPushButton>(d, "resumeButton"), Qt::LeftButton);
    QVERIFY(finished.wait(30000));
    QCOMPARE(csvFirstColumn(path, QLatin1Char(','), nullptr), expected);
    restarted->terminate();
    restarted->waitForFinished(5000);
}

void tst_ExportDialog::cancelLeavesNothing()
{
    SandboxOptions o;
    o.rows = 2000;
    SandboxServer server(o);
    QVERIFY(server.listen());
    server.faultEvery(SandboxServer::Fault::Delay, 1000, 100);
    ExportDialog *d = makeDialog(&server);
    d->setScope(ExportDialog::Scope::All);
    const QString path = m_dir->filePath(QStringLiteral("cancel.csv"));
    d->setOutputPath(path);
    QVERIFY(d->startExport());
    QTRY_VERIFY_WITH_TIMEOUT(d->job()->progress().pages >= 1, 10000);
    QTest::mouseClick(child<QPushButton>(d, "cancelButton"), Qt::LeftButton);
    QCOMPARE(d->job()->state(), ExportJob::State::Cancelled);
    QVERIFY(child<QLabel>(d, "progressTitle")->text().contains(QLatin1String("nothing")));
    QVERIFY(!QFileInfo::exists(path));
    QVERIFY(QDir(m_dir->path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
}

void tst_ExportDialog::refusesWithoutAFile()
{
    SandboxServer server;
    QVERIFY(server.listen());
    ExportDialog *d = makeDialog(&server);
    d->setOutputPath(QString());
    QVERIFY(!d->startExport());
    QCOMPARE(child<QStackedWidget>(d, "pages")->currentWidget()->objectName(),
             QStringLiteral("optionsPage"));
    QVERIFY(d->estimateText().contains(QLatin1String("file")));
    QVERIFY(!d->job());
}

void tst_ExportDialog::refusesAMissingOrReadOnlyFolderBeforeAnyRequest()
{
    SandboxServer server;
    QVERIFY(server.listen());
    ExportDialog *d = makeDialog(&server);
    QTemporaryDir dir;
    const int before = server.apiRequestCount();

    d->setOutputPath(dir.filePath(QStringLiteral("no-such-folder/out.csv")));
    QVERIFY(!d->startExport());
    QVERIFY2(d->estimateText().contains(QLatin1String("does not exist")),
             qPrintable(d->estimateText()));

    QDir(dir.path()).mkdir(QStringLiteral("locked"));
    const QString locked = dir.filePath(QStringLiteral("locked"));
    QFile::setPermissions(locked, QFileDevice::ReadOwner | QFileDevice::ExeOwner);
    // root may write anywhere; the folder check then rightly lets the export start.
    if (!QFileInfo(locked).isWritable()) {
        d->setOutputPath(locked + QStringLiteral("/out.csv"));
        QVERIFY(!d->startExport());
        QVERIFY2(d->estimateText().contains(QLatin1String("cannot write")),
                 qPrintable(d->estimateText()));
    }
    QCOMPARE(child<QStackedWidget>(d, "pages")->currentWidget()->objectName(),
             QStringLiteral("optionsPage"));
    QVERIFY(!d->job());
    QCOMPARE(server.apiRequestCount(), before);
}

void tst_ExportDialog::takesRowsAndCountFromTheContractsModel()
{
    SandboxServer server;
    QVERIFY(server.listen());
    makeClient(&server);
    ContractsModel model; // no client: rows come in by hand
    model.setColumns({QStringLiteral("piid")});
    const QStringList keys = server.keysInDefaultOrder();
    QJsonArray records;
    for (int i = 0; i < 5; ++i)
        records.append(QJsonObject{{"key", keys.at(i)}, {"piid", QStringLiteral("P%1").arg(i)}});
    model.appendRecords(records);
    QCOMPARE(model.loadedCount(), 5);

    ExportDialog d(m_client.get());
    d.setFromModel(&model, {3, 1, 99});
    d.setScope(ExportDialog::Scope::Loaded);
    QVERIFY2(d.estimateText().contains(QStringLiteral("About 5 rows")),
             qPrintable(d.estimateText()));
    d.setScope(ExportDialog::Scope::Selected);
    QVERIFY2(d.estimateText().contains(QStringLiteral("About 2 rows")),
             qPrintable(d.estimateText()));
    const QString path = m_dir->filePath(QStringLiteral("model.csv"));
    d.setOutputPath(path);
    QSignalSpy finished(&d, &ExportDialog::exportFinished);
    QVERIFY(d.startExport());
    QVERIFY(finished.wait(10000));
    QCOMPARE(csvFirstColumn(path, QLatin1Char(','), nullptr),
             (QStringList{keys.at(3), keys.at(1)}));
}

QTEST_MAIN(tst_ExportDialog)
#include "tst_ExportDialog.moc"
