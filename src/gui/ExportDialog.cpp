#include "ExportDialog.h"

#include "ui_ExportDialog.h"

#include "ContractsModel.h"

#include "api/ApiClient.h"
#include "api/RateLimitSnapshot.h"
#include "contracts/ContractFields.h"
#include "util/Clock.h"

#include <QDate>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLocale>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>
#include <QUrl>

#include <cmath>

namespace tango {

namespace {

const QString kGroup = QStringLiteral("export");
constexpr int kRowsPerRequest = ContractQuery::kMaxLimit;
// A typical page round trip; only used for "about T" before anything is measured.
constexpr double kSecondsPerRequest = 0.4;
// The burst window's length is not in the headers; the API documents it as about a minute.
constexpr qint64 kBurstWindowSeconds = 60;

QString durationText(qint64 seconds)
{
    // Unit symbols read well in every count, with or without a translation loaded.
    if (seconds < 60)
        return ExportDialog::tr("%1 s").arg(qMax<qint64>(1, seconds));
    if (seconds < 3600)
        return ExportDialog::tr("%1 min").arg((seconds + 30) / 60);
    return ExportDialog::tr("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

} // namespace

ExportDialog::ExportDialog(ApiClient *client, QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::ExportDialog>())
    , m_client(client)
{
    m_ui->setupUi(this);
    setModal(false);
    setWindowTitle(tr("Export to CSV"));

    m_ui->headerCombo->addItem(tr("Column titles"), QStringLiteral("titles"));
    m_ui->headerCombo->addItem(tr("Field paths"), QStringLiteral("paths"));
    m_ui->delimiterCombo->addItem(tr("Comma ( , )"), QStringLiteral(","));
    m_ui->delimiterCombo->addItem(tr("Semicolon ( ; )"), QStringLiteral(";"));
    m_ui->delimiterCombo->addItem(tr("Tab"), QStringLiteral("\t"));
    m_ui->headerLabel->setBuddy(m_ui->headerCombo);
    m_ui->delimiterLabel->setBuddy(m_ui->delimiterCombo);
    m_ui->fileLabel->setBuddy(m_ui->fileEdit);
    m_ui->quotaWarningLabel->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_ui->errorLabel->setStyleSheet(QStringLiteral("color: #b00020;"));

    // Texts from the form, translated here so that they follow the application's language.
    m_ui->scopeBox->setTitle(tr("Rows"));
    m_ui->columnsBox->setTitle(tr("Columns"));
    m_ui->formatBox->setTitle(tr("Format"));
    m_ui->headerLabel->setText(tr("&Header:"));
    m_ui->delimiterLabel->setText(tr("&Delimiter:"));
    m_ui->fileLabel->setText(tr("&File:"));
    m_ui->scopeAll->setText(tr("All rows matching the query"));
    m_ui->columnsVisible->setText(tr("Visible columns, in view order"));
    m_ui->columnsAll->setText(tr("All fields"));
    m_ui->bomCheck->setText(tr("Start with a byte order mark (helps Excel read accents)"));
    m_ui->formulaGuardCheck->setText(tr("Protect against formulas"));
    m_ui->formulaGuardHint->setText(
        tr("Cells starting with = + - or @ get a leading ' so a spreadsheet shows them instead "
           "of running them."));
    m_ui->browseButton->setText(tr("Choose…"));
    m_ui->exportButton->setText(tr("Export"));
    m_ui->closeButton->setText(tr("Close"));
    m_ui->openFolderButton->setText(tr("Open folder"));
    m_ui->cancelButton->setText(tr("Cancel"));
    m_ui->resumeButton->setText(tr("Resume"));
    m_ui->doneButton->setText(tr("Close"));
    const struct
    {
        QWidget *w;
        const char *name;
    } names[] = {
        {this, QT_TR_NOOP("Export to CSV")},
        {m_ui->scopeLoaded, QT_TR_NOOP("Export the rows loaded now")},
        {m_ui->scopeAll, QT_TR_NOOP("Export all rows matching the query")},
        {m_ui->scopeSelected, QT_TR_NOOP("Export the selected rows")},
        {m_ui->estimateLabel, QT_TR_NOOP("Estimate for all matching rows")},
        {m_ui->quotaWarningLabel, QT_TR_NOOP("Daily quota warning")},
        {m_ui->columnsVisible, QT_TR_NOOP("Visible columns in view order")},
        {m_ui->columnsAll, QT_TR_NOOP("All fields")},
        {m_ui->headerCombo, QT_TR_NOOP("Header row")},
        {m_ui->delimiterCombo, QT_TR_NOOP("Delimiter")},
        {m_ui->bomCheck, QT_TR_NOOP("Byte order mark")},
        {m_ui->formulaGuardCheck, QT_TR_NOOP("Formula guard")},
        {m_ui->formulaGuardHint, QT_TR_NOOP("Formula guard explanation")},
        {m_ui->fileEdit, QT_TR_NOOP("File to write")},
        {m_ui->browseButton, QT_TR_NOOP("Choose the file")},
        {m_ui->exportButton, QT_TR_NOOP("Start the export")},
        {m_ui->closeButton, QT_TR_NOOP("Close")},
        {m_ui->progressTitle, QT_TR_NOOP("Export status")},
        {m_ui->progressBar, QT_TR_NOOP("Export progress")},
        {m_ui->rowsLabel, QT_TR_NOOP("Rows written")},
        {m_ui->rateLabel, QT_TR_NOOP("Rate and time left")},
        {m_ui->waitLabel, QT_TR_NOOP("Current wait")},
        {m_ui->errorLabel, QT_TR_NOOP("Error")},
        {m_ui->openFolderButton, QT_TR_NOOP("Open the folder of the exported file")},
        {m_ui->cancelButton, QT_TR_NOOP("Cancel the export")},
        {m_ui->resumeButton, QT_TR_NOOP("Resume the export")},
        {m_ui->doneButton, QT_TR_NOOP("Close")},
    };
    for (const auto &n : names)
        n.w->setAccessibleName(tr(n.name));

    m_waitTimer = new QTimer(this);
    m_waitTimer->setInterval(1000);
    connect(m_waitTimer, &QTimer::timeout, this, &ExportDialog::tickWait);

    connect(m_ui->scopeLoaded, &QRadioButton::toggled, this, &ExportDialog::updateEstimate);
    connect(m_ui->scopeAll, &QRadioButton::toggled, this, &ExportDialog::updateEstimate);
    connect(m_ui->scopeSelected, &QRadioButton::toggled, this, &ExportDialog::updateEstimate);
    connect(m_ui->browseButton, &QPushButton::clicked, this, &ExportDialog::chooseFile);
    connect(m_ui->exportButton, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(m_ui->closeButton, &QPushButton::clicked, this, &QDialog::close);
    connect(m_ui->doneButton, &QPushButton::clicked, this, &QDialog::close);
    connect(m_ui->cancelButton, &QPushButton::clicked, this, &ExportDialog::cancelExport);
    connect(m_ui->resumeButton, &QPushButton::clicked, this, &ExportDialog::resumeExport);
    connect(m_ui->openFolderButton, &QPushButton::clicked, this, &ExportDialog::openFolder);
    if (m_client)
        connect(m_client, &ApiClient::rateLimitChanged, this, &ExportDialog::updateEstimate);

    loadSettings();
    m_ui->pages->setCurrentWidget(m_ui->optionsPage);
    updateScopeTexts();
}

ExportDialog::~ExportDialog() = default;

void ExportDialog::setQuery(const ContractQuery &query)
{
    m_query = query;
    updateEstimate();
}

void ExportDialog::setVisibleColumns(const QStringList &pathsInViewOrder)
{
    m_visibleColumns = pathsInViewOrder;
}

void ExportDialog::setLoadedKeys(const QStringList &keys)
{
    m_loadedKeys = keys;
    updateScopeTexts();
}

void ExportDialog::setSelectedKeys(const QStringList &keys)
{
    m_selectedKeys = keys;
    updateScopeTexts();
}

void ExportDialog::setMatchingCount(std::optional<qint64> count)
{
    m_matchingCount = count;
    updateEstimate();
}

void ExportDialog::setFromModel(const ContractsModel *model, const QList<int> &selectedSourceRows)
{
    QStringList loaded;
    QStringList selected;
    if (model) {
        const int n = model->loadedCount();
        loaded.reserve(n);
        for (int r = 0; r < n; ++r)
            loaded.append(model->keyAt(r));
        for (int r : selectedSourceRows) {
            const QString k = model->keyAt(r);
            if (!k.isEmpty())
                selected.append(k);
        }
    }
    m_loadedKeys = loaded;
    m_selectedKeys = selected;
    if (model && !model->hasMore() && !model->isLoading())
        m_matchingCount = model->loadedCount();
    else
        m_matchingCount = model ? model->totalCount() : std::nullopt;
    updateScopeTexts();
}

void ExportDialog::updateScopeTexts()
{
    const QLocale l;
    m_ui->scopeLoaded->setText(tr("Rows loaded now (%1)").arg(l.toString(m_loadedKeys.size())));
    m_ui->scopeSelected->setText(tr("Selected rows (%1)").arg(l.toString(m_selectedKeys.size())));
    m_ui->scopeSelected->setEnabled(!m_selectedKeys.isEmpty());
    m_ui->scopeLoaded->setEnabled(!m_loadedKeys.isEmpty());
    if (!m_ui->scopeSelected->isEnabled() && m_ui->scopeSelected->isChecked())
        m_ui->scopeAll->setChecked(true);
    if (!m_ui->scopeLoaded->isEnabled() && m_ui->scopeLoaded->isChecked())
        m_ui->scopeAll->setChecked(true);
    updateEstimate();
}

QString ExportDialog::estimateText() const
{
    return m_ui->estimateLabel->text();
}

QString ExportDialog::quotaWarningText() const
{
    return m_ui->quotaWarningLabel->isHidden() ? QString() : m_ui->quotaWarningLabel->text();
}

void ExportDialog::updateEstimate()
{
    const QLocale l;
    qint64 rows = -1;
    switch (scope()) {
    case Scope::All:
        rows = m_matchingCount.value_or(-1);
        break;
    case Scope::Loaded:
        rows = m_loadedKeys.size();
        break;
    case Scope::Selected:
        rows = m_selectedKeys.size();
        break;
    }
    if (rows < 0) {
        m_ui->estimateLabel->setText(
            tr("How many rows match is not known yet; the export shows it once it starts."));
        m_ui->quotaWarningLabel->clear();
        m_ui->quotaWarningLabel->hide();
        return;
    }
    const qint64 requests = qMax<qint64>(1, (rows + kRowsPerRequest - 1) / kRowsPerRequest);
    double seconds = double(requests) * kSecondsPerRequest;
    std::optional<qint64> dailyLeft;
    QDateTime dailyReset;
    if (m_client) {
        const RateLimitSnapshot snap = m_client->lastRateLimit();
        if (const RateLimitWindow *b = snap.window(QStringLiteral("burst"));
            b && b->limit && b->remaining && *b->limit > 0 && requests > *b->remaining) {
            // Past what is left now: wait for the reset, then a full window per `limit` requests.
            const qint64 beyond = requests - *b->remaining;
            const qint64 windows = (beyond + *b->limit - 1) / *b->limit;
            seconds += double(b->resetSeconds.value_or(kBurstWindowSeconds)) +
                       double(windows - 1) * double(kBurstWindowSeconds);
        }
        if (const RateLimitWindow *d = snap.window(QStringLiteral("daily")); d && d->remaining) {
            dailyLeft = *d->remaining;
            if (d->resetSeconds)
                dailyReset = snap.receivedAtUtc().addSecs(*d->resetSeconds);
        }
    }
    m_ui->estimateLabel->setText(
        tr("About %1 rows, about %2 requests, about %3 at your current "
           "limits.")
            .arg(l.toString(rows), l.toString(requests), durationText(qint64(std::ceil(seconds)))));
    if (dailyLeft && requests > *dailyLeft) {
        QString text = tr("This needs more requests than the %1 left in today's quota: the export "
                          "would stop when the quota runs out.")
                           .arg(l.toString(*dailyLeft));
        if (dailyReset.isValid())
            text += QLatin1Char(' ') +
                    tr("The quota resets at %1.")
                        .arg(l.toString(dailyReset.toLocalTime(), QLocale::ShortFormat));
        m_ui->quotaWarningLabel->setText(text);
        m_ui->quotaWarningLabel->show();
    } else {
        m_ui->quotaWarningLabel->clear();
        m_ui->quotaWarningLabel->hide();
    }
}

ExportDialog::Scope ExportDialog::scope() const
{
    if (m_ui->scopeLoaded->isChecked())
        return Scope::Loaded;
    if (m_ui->scopeSelected->isChecked())
        return Scope::Selected;
    return Scope::All;
}

void ExportDialog::setScope(Scope s)
{
    switch (s) {
    case Scope::Loaded:
        m_ui->scopeLoaded->setChecked(true);
        break;
    case Scope::All:
        m_ui->scopeAll->setChecked(true);
        break;
    case Scope::Selected:
        m_ui->scopeSelected->setChecked(true);
        break;
    }
    updateEstimate();
}

ExportDialog::Columns ExportDialog::columnsChoice() const
{
    return m_ui->columnsAll->isChecked() ? Columns::All : Columns::Visible;
}

void ExportDialog::setColumnsChoice(Columns c)
{
    (c == Columns::All ? m_ui->columnsAll : m_ui->columnsVisible)->setChecked(true);
}

QString ExportDialog::outputPath() const
{
    return m_ui->fileEdit->text().trimmed();
}

void ExportDialog::setOutputPath(const QString &path)
{
    m_ui->fileEdit->setText(path);
}

QStringList ExportDialog::columnsToExport() const
{
    if (columnsChoice() == Columns::All || m_visibleColumns.isEmpty()) {
        QStringList all{QStringLiteral("key")};
        if (columnsChoice() == Columns::All) {
            for (const ContractField &f : ContractFields::all()) {
                if (f.path != QLatin1String("key"))
                    all.append(f.path);
            }
            return all;
        }
        return ExportJob::defaultColumns();
    }
    return m_visibleColumns;
}

void ExportDialog::loadSettings()
{
    QSettings s;
    s.beginGroup(kGroup);
    const QString scope = s.value(QStringLiteral("scope"), QStringLiteral("all")).toString();
    if (scope == QLatin1String("loaded"))
        m_ui->scopeLoaded->setChecked(true);
    else if (scope == QLatin1String("selected"))
        m_ui->scopeSelected->setChecked(true);
    else
        m_ui->scopeAll->setChecked(true);
    setColumnsChoice(s.value(QStringLiteral("columns")).toString() == QLatin1String("all")
                         ? Columns::All
                         : Columns::Visible);
    const int h = m_ui->headerCombo->findData(
        s.value(QStringLiteral("header"), QStringLiteral("titles")).toString());
    m_ui->headerCombo->setCurrentIndex(qMax(0, h));
    const int d = m_ui->delimiterCombo->findData(
        s.value(QStringLiteral("delimiter"), QStringLiteral(",")).toString());
    m_ui->delimiterCombo->setCurrentIndex(qMax(0, d));
    m_ui->bomCheck->setChecked(s.value(QStringLiteral("bom"), false).toBool());
    m_ui->formulaGuardCheck->setChecked(s.value(QStringLiteral("formulaGuard"), true).toBool());
    QString dir = s.value(QStringLiteral("folder")).toString();
    // A fresh account may have no Documents folder: offer only a folder that exists.
    if (dir.isEmpty() || !QFileInfo(dir).isDir())
        dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (dir.isEmpty() || !QFileInfo(dir).isDir())
        dir = QDir::homePath();
    m_ui->fileEdit->setText(QDir(dir).filePath(
        QStringLiteral("contracts-%1.csv").arg(QDate::currentDate().toString(Qt::ISODate))));
}

void ExportDialog::saveSettings() const
{
    QSettings s;
    s.beginGroup(kGroup);
    const Scope sc = scope();
    s.setValue(QStringLiteral("scope"), sc == Scope::Loaded     ? QStringLiteral("loaded")
                                        : sc == Scope::Selected ? QStringLiteral("selected")
                                                                : QStringLiteral("all"));
    s.setValue(QStringLiteral("columns"),
               columnsChoice() == Columns::All ? QStringLiteral("all") : QStringLiteral("visible"));
    s.setValue(QStringLiteral("header"), m_ui->headerCombo->currentData());
    s.setValue(QStringLiteral("delimiter"), m_ui->delimiterCombo->currentData());
    s.setValue(QStringLiteral("bom"), m_ui->bomCheck->isChecked());
    s.setValue(QStringLiteral("formulaGuard"), m_ui->formulaGuardCheck->isChecked());
    s.setValue(QStringLiteral("folder"), QFileInfo(outputPath()).absolutePath());
}

void ExportDialog::chooseFile()
{
    // Non-blocking: the export of another file may be running behind this dialog.
    auto *fd = new QFileDialog(this, tr("Export to CSV"), outputPath(),
                               tr("CSV files (*.csv);;All files (*)"));
    fd->setAcceptMode(QFileDialog::AcceptSave);
    fd->setDefaultSuffix(QStringLiteral("csv"));
    fd->setAttribute(Qt::WA_DeleteOnClose);
    connect(fd, &QFileDialog::fileSelected, this, &ExportDialog::setOutputPath);
    fd->open();
}

void ExportDialog::showOptions()
{
    if (hasUnfinishedExport())
        return;
    m_ui->pages->setCurrentWidget(m_ui->optionsPage);
    updateScopeTexts();
}

bool ExportDialog::isExporting() const
{
    return m_job && m_job->isRunning();
}

bool ExportDialog::hasUnfinishedExport() const
{
    return isExporting() || (m_job && m_job->canResume());
}

bool ExportDialog::startExport()
{
    if (isExporting())
        return false;
    const QString path = outputPath();
    auto refuse = [this](const QString &why) {
        m_ui->estimateLabel->setText(why);
        return false;
    };
    if (path.isEmpty())
        return refuse(tr("Choose a file to write first."));
    // Said before any request is spent, not after the first page.
    const QFileInfo folder(QFileInfo(path).absolutePath());
    if (!folder.isDir())
        return refuse(tr("The folder %1 does not exist. Choose another file.")
                          .arg(QDir::toNativeSeparators(folder.absoluteFilePath())));
    if (!folder.isWritable())
        return refuse(tr("You cannot write to the folder %1. Choose another file.")
                          .arg(QDir::toNativeSeparators(folder.absoluteFilePath())));
    if (!m_client)
        return refuse(tr("Sign in first: the export needs the API."));
    if (scope() == Scope::Loaded && m_loadedKeys.isEmpty())
        return refuse(tr("No rows are loaded yet."));
    if (scope() == Scope::Selected && m_selectedKeys.isEmpty())
        return refuse(tr("No rows are selected."));
    saveSettings();

    if (m_job) {
        m_job->disconnect(this);
        m_job->deleteLater();
    }
    m_job = new ExportJob(this);
    m_job->setApiClient(m_client);
    switch (scope()) {
    case Scope::All:
        m_job->setQuery(m_query);
        break;
    case Scope::Loaded:
        m_job->setKeys(m_loadedKeys);
        break;
    case Scope::Selected:
        m_job->setKeys(m_selectedKeys);
        break;
    }
    m_job->setColumns(columnsToExport());
    m_job->setHeader(m_ui->headerCombo->currentData().toString() == QLatin1String("paths")
                         ? ExportJob::Header::Paths
                         : ExportJob::Header::Titles);
    m_job->setDelimiter(m_ui->delimiterCombo->currentData().toString().at(0));
    m_job->setBom(m_ui->bomCheck->isChecked());
    m_job->setFormulaGuard(m_ui->formulaGuardCheck->isChecked());
    m_job->setOutputPath(path);
    m_lastPath = path;
    connect(m_job, &ExportJob::progressChanged, this, &ExportDialog::onProgress);
    connect(m_job, &ExportJob::waiting, this, &ExportDialog::onWaiting);
    connect(m_job, &ExportJob::finished, this, &ExportDialog::onFinished);
    connect(m_job, &ExportJob::failed, this, &ExportDialog::onFailed);
    connect(m_job, &ExportJob::cancelled, this, &ExportDialog::onCancelled);

    showProgressPage();
    m_ui->progressTitle->setText(tr("Exporting to %1…").arg(QDir::toNativeSeparators(path)));
    setButtonsFor(ExportJob::State::Running);
    return m_job->start();
}

void ExportDialog::showProgressPage()
{
    m_ui->pages->setCurrentWidget(m_ui->progressPage);
    m_ui->progressBar->setRange(0, 0);
    m_ui->rowsLabel->clear();
    m_ui->rateLabel->clear();
    m_ui->waitLabel->clear();
    m_ui->errorLabel->clear();
    m_ui->errorLabel->hide();
}

void ExportDialog::setButtonsFor(ExportJob::State state)
{
    // After a failure, Cancel only makes sense while there is something to resume (it discards it).
    const bool resumable = m_job && m_job->canResume();
    m_ui->cancelButton->setVisible(state == ExportJob::State::Running ||
                                   (state == ExportJob::State::Failed && resumable));
    m_ui->resumeButton->setVisible(state == ExportJob::State::Failed && resumable);
    m_ui->openFolderButton->setVisible(state == ExportJob::State::Finished);
    m_ui->doneButton->setVisible(state != ExportJob::State::Running);
}

void ExportDialog::onProgress(const ExportProgress &p)
{
    const QLocale l;
    if (p.rowsExpected && *p.rowsExpected > 0) {
        m_ui->progressBar->setRange(0, 1000);
        m_ui->progressBar->setValue(
            int(qMin<qint64>(1000, p.rowsWritten * 1000 / qMax<qint64>(1, *p.rowsExpected))));
        m_ui->rowsLabel->setText(tr("%1 of about %2 rows written")
                                     .arg(l.toString(p.rowsWritten), l.toString(*p.rowsExpected)));
    } else {
        m_ui->rowsLabel->setText(tr("%1 rows written").arg(l.toString(p.rowsWritten)));
    }
    QString rate = tr("%1 rows/s").arg(l.toString(qint64(p.rowsPerSecond() + 0.5)));
    if (const auto left = p.secondsRemaining(); left && p.rowsWritten > 0)
        rate += QStringLiteral(" · ") + tr("about %1 left").arg(durationText(*left));
    m_ui->rateLabel->setText(rate);
}

void ExportDialog::onWaiting(qint64 seconds, ApiReply::WaitReason, const QString &why)
{
    if (seconds <= 0) {
        m_waitTimer->stop();
        m_ui->waitLabel->clear();
        return;
    }
    const Clock *clock = m_client ? m_client->clock() : Clock::system();
    m_waitEndsMs = clock->nowMs() + seconds * 1000;
    m_waitWhy = why;
    tickWait();
    m_waitTimer->start();
}

void ExportDialog::tickWait()
{
    const Clock *clock = m_client ? m_client->clock() : Clock::system();
    const qint64 left = (m_waitEndsMs - clock->nowMs() + 999) / 1000;
    if (left <= 0 || !isExporting()) {
        m_waitTimer->stop();
        m_ui->waitLabel->clear();
        return;
    }
    m_ui->waitLabel->setText(tr("Waiting %n s for the %1.", nullptr, int(left))
                                 .arg(m_waitWhy.isEmpty() ? tr("rate limit") : m_waitWhy));
}

void ExportDialog::onFinished(const QString &path)
{
    m_waitTimer->stop();
    m_ui->waitLabel->clear();
    m_ui->progressBar->setRange(0, 1000);
    m_ui->progressBar->setValue(1000);
    m_ui->progressTitle->setText(tr("Exported %1 rows to %2.")
                                     .arg(QLocale().toString(m_job->progress().rowsWritten),
                                          QDir::toNativeSeparators(path)));
    setButtonsFor(ExportJob::State::Finished);
    Q_EMIT exportFinished(path);
}

void ExportDialog::onFailed(const QString &message)
{
    m_waitTimer->stop();
    m_ui->waitLabel->clear();
    m_ui->progressBar->setRange(0, 1000);
    const bool resumable = m_job->canResume();
    m_ui->progressTitle->setText(resumable ? tr("The export stopped. Resume continues where it "
                                                "stopped; nothing is written until it completes.")
                                           : tr("The export failed; nothing was written."));
    m_ui->errorLabel->setText(message);
    m_ui->errorLabel->show();
    setButtonsFor(ExportJob::State::Failed);
    Q_EMIT exportFailed(message);
}

void ExportDialog::onCancelled()
{
    m_waitTimer->stop();
    m_ui->waitLabel->clear();
    m_ui->progressBar->setRange(0, 1000);
    m_ui->progressBar->setValue(0);
    m_ui->progressTitle->setText(tr("Cancelled; nothing was written."));
    setButtonsFor(ExportJob::State::Cancelled);
}

void ExportDialog::cancelExport()
{
    if (m_job)
        m_job->cancel();
}

bool ExportDialog::resumeExport()
{
    if (!m_job || !m_job->canResume())
        return false;
    m_ui->errorLabel->clear();
    m_ui->errorLabel->hide();
    m_ui->progressTitle->setText(
        tr("Exporting to %1…").arg(QDir::toNativeSeparators(m_job->outputPath())));
    setButtonsFor(ExportJob::State::Running);
    return m_job->resume();
}

void ExportDialog::openFolder()
{
    QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(m_lastPath).absolutePath()));
}

} // namespace tango
