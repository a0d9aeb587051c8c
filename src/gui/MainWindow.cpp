#include "MainWindow.h"

#include "ui_MainWindow.h"

#include "ActionRegistry.h"
#include "ColumnChooser.h"
#include "ContractsModel.h"
#include "DetailPane.h"
#include "ErrorDialog.h"
#include "ExportDialog.h"
#include "FilterPanel.h"
#include "RateLimitIndicator.h"

#include "api/ApiClient.h"
#include "api/ApiError.h"
#include "auth/ApiKeyCredentials.h"
#include "contracts/ContractFields.h"
#include "sandbox/SandboxServer.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDateTime>
#include <QDesktopServices>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QMetaMethod>
#include <QScrollBar>
#include <QSettings>
#include <QTableView>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cstdio>

namespace tango {

namespace {
const QString kGeometry = QStringLiteral("window/geometry");
const QString kState = QStringLiteral("window/state");
const QString kSplitter = QStringLiteral("window/splitter");
const QString kColumns = QStringLiteral("table/columns");
const QString kWidths = QStringLiteral("table/widths");
const QString kSearch = QStringLiteral("query/search");
const QString kFilters = QStringLiteral("query/filters");
const QString kOrdering = QStringLiteral("query/ordering");
const QString kFiltersShown = QStringLiteral("window/filtersShown");

int defaultWidth(const ContractField *f)
{
    if (!f)
        return 140;
    if (f->path == QLatin1String("description"))
        return 260;
    if (f->path.startsWith(QLatin1String("recipient")) || f->path.contains(QLatin1String("name")))
        return 200;
    switch (f->type) {
    case ContractField::Type::Money:
        return 120;
    case ContractField::Type::Date:
        return 95;
    case ContractField::Type::Integer:
    case ContractField::Type::Code:
        return 90;
    case ContractField::Type::Text:
        return 160;
    }
    return 140;
}
} // namespace

SandboxOptions MainWindow::demoSandboxOptions()
{
    SandboxOptions o;
    o.rows = 5000;
    // Small enough that the quota indicator visibly moves, large enough not to get in the way.
    o.burstLimit = 120;
    o.burstWindowSeconds = 60;
    o.dailyLimit = 10000;
    return o;
}

bool MainWindow::resolveBaseUrl(const QString &commandLineValue, QUrl *url, QString *why)
{
    const QUrl candidate = commandLineValue.isEmpty() ? ApiClient::defaultBaseUrl()
                                                      : QUrl::fromUserInput(commandLineValue);
    QString reason;
    if (!candidate.isValid() || candidate.host().isEmpty()) {
        if (why)
            *why = tr("“%1” is not a valid address.").arg(commandLineValue);
        return false;
    }
    if (!ApiClient::isAcceptableBaseUrl(candidate, &reason)) {
        if (why)
            *why = reason.isEmpty()
                       ? tr("Plain http:// is only allowed for this computer (127.0.0.1, "
                            "localhost); use https:// for %1.")
                             .arg(candidate.host())
                       : reason;
        return false;
    }
    if (url)
        *url = candidate;
    return true;
}

MainWindow::MainWindow(QWidget *parent)
    : MainWindow(Options(), parent)
{}

MainWindow::MainWindow(const Options &options, QWidget *parent)
    : QMainWindow(parent)
    , m_ui(std::make_unique<Ui::MainWindow>())
    , m_options(options)
    , m_clock(options.clock ? options.clock : Clock::system())
    , m_settings(options.settings)
    , m_client(new ApiClient(this, m_clock))
    , m_model(new ContractsModel(m_client, this))
    , m_actions(nullptr)
    , m_indicator(new RateLimitIndicator(this))
    , m_statusLabel(new QLabel(this))
    , m_waitLabel(new QLabel(this))
    , m_accountLabel(new QLabel(this))
    , m_searchTimer(new QTimer(this))
    , m_detailTimer(new QTimer(this))
{
    m_ui->setupUi(this);
    setWindowIcon(QIcon(QStringLiteral(":/icons/tango-explorer.svg")));
    if (!m_settings) {
        m_ownSettings = std::make_unique<QSettings>();
        m_settings = m_ownSettings.get();
    }
    m_actions = new ActionRegistry(this);
    m_indicator->setClock(m_clock);
    m_ui->detailPane->setClient(m_client);

    setupActions();
    setupTable();
    setupStatusBar();

    m_searchTimer->setSingleShot(true);
    m_searchTimer->setInterval(options.searchDebounceMs);
    connect(m_searchTimer, &QTimer::timeout, this, [this] {
        // Typing and deleting back to the same text is no reason to reload.
        if (m_ui->searchEdit->text().trimmed() != m_model->query().search())
            applyFilters();
    });
    connect(m_ui->searchEdit, &QLineEdit::textEdited, m_searchTimer, qOverload<>(&QTimer::start));
    connect(m_ui->searchEdit, &QLineEdit::returnPressed, this, [this] {
        m_searchTimer->stop();
        applyFilters();
    });
    // The clear button does not emit textEdited.
    connect(m_ui->searchEdit, &QLineEdit::textChanged, this, [this](const QString &t) {
        if (t.isEmpty() && !m_model->query().search().isEmpty())
            m_searchTimer->start();
    });
    m_detailTimer->setSingleShot(true);
    m_detailTimer->setInterval(options.detailDebounceMs);
    connect(m_detailTimer, &QTimer::timeout, this, [this] {
        const QModelIndex cur = m_ui->contractsView->currentIndex();
        if (cur.isValid() && cur.row() < m_model->loadedCount())
            m_ui->detailPane->showContract(m_model->keyAt(cur.row()));
    });

    connect(m_ui->filterPanel, &FilterPanel::applyRequested, this, &MainWindow::applyFilters);
    connect(m_ui->filterPanel, &FilterPanel::clearRequested, this, [this] {
        m_ui->searchEdit->clear();
        applyFilters();
    });

    connect(m_client, &ApiClient::rateLimitChanged, m_indicator, &RateLimitIndicator::setSnapshot);
    connect(m_model, &ContractsModel::failed, this, [this](const ApiError &e) {
        m_errorSource = ErrorSource::Table;
        showError(e);
    });
    connect(m_ui->detailPane, &DetailPane::failed, this, [this](const ApiError &e) {
        m_errorSource = ErrorSource::Detail;
        showError(e);
    });
    connect(m_model, &ContractsModel::warnings, this, &MainWindow::onWarnings);
    connect(m_model, &ContractsModel::waiting, this, &MainWindow::onWaiting);
    connect(m_model, &ContractsModel::statusChanged, m_statusLabel, &QLabel::setText);
    connect(m_model, &ContractsModel::modelReset, this, [this] {
        applyColumnWidths();
        updateSortIndicator();
    });

    m_ui->mainSplitter->setStretchFactor(0, 0);
    m_ui->mainSplitter->setStretchFactor(1, 1);
    m_ui->mainSplitter->setStretchFactor(2, 0);
    m_ui->mainSplitter->setSizes({250, 800, 350});

    restoreSettings();

    if (options.demo) {
        startDemo();
    } else {
        QUrl base = options.baseUrl.isEmpty() ? ApiClient::defaultBaseUrl() : options.baseUrl;
        QString why;
        if (!m_client->setBaseUrl(base, &why))
            m_baseUrlProblem =
                why.isEmpty() ? tr("The address %1 was refused.").arg(base.toString()) : why;
        setCredentials(options.credentials);
    }
    m_ui->contractsView->viewport()->installEventFilter(this);
}

MainWindow::~MainWindow()
{
    if (m_clock && m_waitTimer)
        m_clock->cancel(m_waitTimer);
    // Replies belong to the client; stop them before the sandbox goes away.
    m_model->clear();
    m_ui->detailPane->clear();
    // The widgets outlive m_ui by a moment (QWidget's destructor hides them, which still
    // emits signals): nothing may call back into this half-destroyed window.
    QTableView *view = m_ui->contractsView;
    view->viewport()->removeEventFilter(this);
    view->verticalScrollBar()->disconnect(this);
    view->horizontalHeader()->disconnect(this);
    if (view->selectionModel())
        view->selectionModel()->disconnect(this);
    m_model->disconnect(this);
    m_client->disconnect(this);
    m_ui->detailPane->disconnect(this);
    m_ui->filterPanel->disconnect(this);
    m_ui->searchEdit->disconnect(this);
    if (m_errorDialog)
        m_errorDialog->disconnect(this);
    if (m_chooser)
        m_chooser->disconnect(this);
}

void MainWindow::startDemo()
{
    const SandboxOptions demoOptions = m_options.demoOptions.value_or(demoSandboxOptions());
    m_demo = std::make_unique<SandboxServer>(demoOptions);
    QString error;
    if (!m_demo->listen(0, &error)) {
        m_baseUrlProblem = tr("The demo server could not start: %1").arg(error);
        m_demo.reset();
        setCredentials(nullptr);
        return;
    }
    m_client->setBaseUrl(m_demo->baseUrl());
    m_ui->demoBanner->show();
    setWindowTitle(tr("Tango Explorer — demo (synthetic data)"));
    setCredentials(std::make_shared<ApiKeyCredentials>(demoOptions.apiKey));
}

void MainWindow::setupActions()
{
    using Id = ActionRegistry::Id;
    ActionRegistry *a = m_actions;
    QAction *exportAct = a->action(Id::Export);
    m_ui->menuFile->addAction(exportAct);
    connect(exportAct, &QAction::triggered, this, &MainWindow::showExportDialog);
    m_ui->menuFile->addSeparator();
    m_ui->menuFile->addAction(a->action(Id::Quit));
    connect(a->action(Id::Quit), &QAction::triggered, this, &QWidget::close);

    m_ui->menuView->addAction(a->action(Id::FocusSearch));
    m_ui->menuView->addAction(a->action(Id::ToggleFilters));
    m_ui->menuView->addAction(a->action(Id::ClearFilters));
    m_ui->menuView->addSeparator();
    m_ui->menuView->addAction(a->action(Id::Columns));
    m_ui->menuView->addAction(a->action(Id::Refresh));
    connect(a->action(Id::FocusSearch), &QAction::triggered, this, [this] {
        m_ui->searchEdit->setFocus(Qt::ShortcutFocusReason);
        m_ui->searchEdit->selectAll();
    });
    connect(a->action(Id::ToggleFilters), &QAction::toggled, m_ui->filterScroll,
            &QWidget::setVisible);
    connect(a->action(Id::ClearFilters), &QAction::triggered, this, [this] {
        m_ui->filterPanel->clear();
        m_ui->searchEdit->clear();
        m_searchTimer->stop();
        applyFilters();
    });
    connect(a->action(Id::Columns), &QAction::triggered, this, &MainWindow::openColumnChooser);
    connect(a->action(Id::Refresh), &QAction::triggered, this, [this] {
        if (m_credentials)
            m_model->reload();
    });

    QAction *sw = a->action(Id::SwitchCredentials);
    m_ui->menuAccount->addAction(sw);
    connect(sw, &QAction::triggered, this, &MainWindow::requestSwitchCredentials);
    // The empty state's "Sign in…" link starts the same flow; other links open in the browser.
    m_ui->emptyStateLabel->setOpenExternalLinks(false);
    connect(m_ui->emptyStateLabel, &QLabel::linkActivated, this, [this](const QString &link) {
        if (link == QLatin1String("tango:sign-in"))
            requestSwitchCredentials();
        else
            QDesktopServices::openUrl(QUrl(link));
    });

    m_ui->menuHelp->addAction(a->action(Id::Shortcuts));
    m_ui->menuHelp->addAction(a->action(Id::About));
    connect(a->action(Id::Shortcuts), &QAction::triggered, this, &MainWindow::showShortcuts);
    connect(a->action(Id::About), &QAction::triggered, this, &MainWindow::showAbout);

    QTableView *view = m_ui->contractsView;
    view->addAction(a->action(Id::CopySelection));
    view->addAction(a->action(Id::OpenDetail));
    connect(a->action(Id::CopySelection), &QAction::triggered, this, &MainWindow::copySelection);
    connect(a->action(Id::OpenDetail), &QAction::triggered, this,
            &MainWindow::openDetailForCurrentRow);
    view->setContextMenuPolicy(Qt::ActionsContextMenu);
}

void MainWindow::setupTable()
{
    QTableView *view = m_ui->contractsView;
    view->setModel(m_model);
    view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->hide();
    QHeaderView *header = view->horizontalHeader();
    header->setSectionsClickable(true);
    header->setSectionsMovable(true);
    header->setSortIndicatorShown(true);
    header->setSortIndicator(-1, Qt::DescendingOrder);
    header->setHighlightSections(false);
    header->setStretchLastSection(false);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    connect(header, &QHeaderView::sortIndicatorChanged, this, &MainWindow::onSortIndicatorChanged);
    connect(header, &QHeaderView::sectionResized, this, [this](int logical, int, int size) {
        if (m_restoringWidths)
            return;
        const QString path = m_model->columns().value(logical);
        if (!path.isEmpty())
            m_widths.insert(path, size);
    });
    connect(view->verticalScrollBar(), &QScrollBar::valueChanged, this,
            &MainWindow::maybeFetchAhead);
    connect(view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::onCurrentRowChanged);
    applyColumnWidths();
}

void MainWindow::setupStatusBar()
{
    m_statusLabel->setObjectName(QStringLiteral("loadStatus"));
    m_statusLabel->setAccessibleName(tr("Loading status"));
    m_waitLabel->setObjectName(QStringLiteral("waitStatus"));
    m_waitLabel->setAccessibleName(tr("Rate-limit wait"));
    m_waitLabel->setStyleSheet(QStringLiteral("QLabel { color: #8a5a00; }"));
    m_waitLabel->hide();
    m_accountLabel->setObjectName(QStringLiteral("accountStatus"));
    m_accountLabel->setAccessibleName(tr("Signed-in account"));
    statusBar()->addWidget(m_statusLabel, 1);
    statusBar()->addWidget(m_waitLabel);
    statusBar()->addPermanentWidget(m_accountLabel);
    statusBar()->addPermanentWidget(m_indicator);
}

ContractQuery MainWindow::currentQuery() const
{
    return m_model->query();
}

QStringList MainWindow::visibleColumnPathsInViewOrder() const
{
    const QHeaderView *h = m_ui->contractsView->horizontalHeader();
    const QStringList cols = m_model->columns();
    QStringList out;
    for (int v = 0; v < h->count(); ++v) {
        const int logical = h->logicalIndex(v);
        if (logical >= 0 && logical < cols.size() && !h->isSectionHidden(logical))
            out << cols.at(logical);
    }
    return out;
}

QList<int> MainWindow::selectedSourceRows() const
{
    QList<int> rows;
    const QItemSelectionModel *sel = m_ui->contractsView->selectionModel();
    if (!sel)
        return rows;
    for (const QModelIndex &i : sel->selectedIndexes()) {
        if (i.row() < m_model->loadedCount() && !rows.contains(i.row()))
            rows << i.row();
    }
    std::sort(rows.begin(), rows.end());
    return rows;
}

void MainWindow::setCredentials(CredentialsPtr credentials)
{
    m_credentials = credentials && credentials->isValid() ? credentials : nullptr;
    m_client->setCredentials(m_credentials);
    m_indicator->clearSnapshot();
    m_ui->detailPane->clear();
    if (m_errorDialog)
        m_errorDialog->cancelRetry();
    m_accountLabel->setText(m_credentials ? tr("Signed in: %1").arg(m_credentials->displayName())
                                          : tr("Not signed in"));
    updateEmptyState();
    if (m_credentials && m_baseUrlProblem.isEmpty()) {
        updateActiveQuery();
        m_model->reload();
    } else {
        m_model->clear();
    }
}

void MainWindow::updateEmptyState()
{
    const bool ready = m_credentials && m_baseUrlProblem.isEmpty();
    QString html;
    if (!m_baseUrlProblem.isEmpty()) {
        html = tr("<h2>Cannot connect</h2><p>%1</p><p>Start with <code>--base-url "
                  "https://tango.makegov.com</code>, or try <code>tango-explorer --demo</code> "
                  "to explore synthetic data offline.</p>")
                   .arg(m_baseUrlProblem.toHtmlEscaped());
    } else {
        html = tr("<h2>Sign in to browse contracts</h2>"
                  "<p><a href='tango:sign-in'>Sign in…</a> with a Tango API key (create or copy "
                  "yours on your <a href='https://tango.makegov.com/accounts/profile/'>Tango "
                  "account page</a>) or with your browser (OAuth2); the Account menu offers the "
                  "same. Scripts can also start the app with "
                  "<code>TANGO_API_KEY</code> set.</p>"
                  "<p>No account yet? Run <code>tango-explorer --demo</code> to try everything "
                  "on synthetic data served from this computer.</p>");
    }
    m_ui->emptyStateLabel->setText(html);
    m_ui->tableStack->setCurrentWidget(ready ? m_ui->tablePage : m_ui->emptyPage);
}

QMenu *MainWindow::accountMenu() const
{
    return m_ui->menuAccount;
}

QAction *MainWindow::exportAction() const
{
    return m_actions->action(ActionRegistry::Id::Export);
}

QTableView *MainWindow::tableView() const
{
    return m_ui->contractsView;
}

QLineEdit *MainWindow::searchField() const
{
    return m_ui->searchEdit;
}

FilterPanel *MainWindow::filterPanel() const
{
    return m_ui->filterPanel;
}

DetailPane *MainWindow::detailPane() const
{
    return m_ui->detailPane;
}

bool MainWindow::isEmptyStateShown() const
{
    return m_ui->tableStack->currentWidget() == m_ui->emptyPage;
}

QString MainWindow::emptyStateText() const
{
    return m_ui->emptyStateLabel->text();
}

QString MainWindow::statusText() const
{
    return m_statusLabel->text();
}

QString MainWindow::waitingText() const
{
    return m_waitLabel->isVisibleTo(this) ? m_waitLabel->text() : QString();
}

QString MainWindow::warningText() const
{
    return m_ui->warningStrip->isVisibleTo(this) ? m_ui->warningStrip->text() : QString();
}

QString MainWindow::activeQueryText() const
{
    return m_ui->activeQueryLabel->text();
}

bool MainWindow::applyFilters()
{
    ContractQuery q = m_model->query();
    q.setSearch(m_ui->searchEdit->text().trimmed());
    m_ui->filterPanel->applyTo(q);
    const QStringList problems = q.validate();
    if (!problems.isEmpty()) {
        // Never send a query the server would reject: say what to fix, keep the rows.
        m_ui->filterPanel->setErrors(problems);
        if (!m_ui->filterScroll->isVisible())
            m_actions->action(ActionRegistry::Id::ToggleFilters)->setChecked(true);
        return false;
    }
    m_ui->filterPanel->setErrors({});
    if (!m_credentials || !m_baseUrlProblem.isEmpty()) {
        m_model->setQuery(q, false);
        updateActiveQuery();
        return true;
    }
    m_ui->detailPane->clear();
    m_model->setQuery(q);
    updateActiveQuery();
    saveSettings();
    return true;
}

void MainWindow::updateActiveQuery()
{
    const ContractQuery q = m_model->query();
    QString text = q.describe();
    if (text.isEmpty())
        text = tr("All contracts");
    if (!q.ordering().isEmpty()) {
        const bool desc = q.ordering().startsWith(QLatin1Char('-'));
        const QString name = desc ? q.ordering().mid(1) : q.ordering();
        QString title = name;
        for (const ContractField &f : ContractFields::all()) {
            if (f.ordering == name) {
                title = ContractFields::title(f);
                break;
            }
        }
        text += tr(" · sorted by %1 %2")
                    .arg(title, desc ? tr("(highest/newest first)") : tr("(lowest/oldest first)"));
    }
    m_ui->activeQueryLabel->setText(text);
    m_ui->activeQueryLabel->setToolTip(text);
}

void MainWindow::applyColumns(const QStringList &paths)
{
    if (paths.isEmpty())
        return;
    ContractQuery q = m_model->query();
    q.setFields(paths);
    m_model->setQuery(q, m_credentials && m_baseUrlProblem.isEmpty());
    saveSettings();
}

void MainWindow::openColumnChooser()
{
    if (!m_chooser) {
        m_chooser = new ColumnChooser(visibleColumnPathsInViewOrder(), this);
        m_chooser->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_chooser, &QDialog::accepted, this, [this] {
            if (m_chooser)
                applyColumns(m_chooser->columns());
        });
    } else {
        m_chooser->setColumns(visibleColumnPathsInViewOrder());
    }
    // open(): window-modal without a nested event loop, so nothing ever blocks.
    m_chooser->open();
}

void MainWindow::applyColumnWidths()
{
    QHeaderView *h = m_ui->contractsView->horizontalHeader();
    m_restoringWidths = true;
    for (int c = 0; c < m_model->columnCount(); ++c) {
        const QString path = m_model->columns().value(c);
        h->resizeSection(c, m_widths.value(path, defaultWidth(m_model->fieldAt(c))));
    }
    m_restoringWidths = false;
}

void MainWindow::updateSortIndicator()
{
    const QString ordering = m_model->query().ordering();
    const bool desc = ordering.startsWith(QLatin1Char('-'));
    const QString name = desc ? ordering.mid(1) : ordering;
    int section = -1;
    for (int c = 0; c < m_model->columnCount() && !name.isEmpty(); ++c) {
        const ContractField *f = m_model->fieldAt(c);
        if (f && f->ordering == name)
            section = c;
    }
    m_sortSection = section;
    m_sortOrder = desc ? Qt::DescendingOrder : Qt::AscendingOrder;
    QSignalBlocker block(m_ui->contractsView->horizontalHeader());
    m_ui->contractsView->horizontalHeader()->setSortIndicator(section, m_sortOrder);
}

void MainWindow::onSortIndicatorChanged(int section, Qt::SortOrder order)
{
    if (!m_model->isSortable(section)) {
        // Only the server can sort, and only by a few fields: put the arrow back.
        QSignalBlocker block(m_ui->contractsView->horizontalHeader());
        m_ui->contractsView->horizontalHeader()->setSortIndicator(m_sortSection, m_sortOrder);
        statusBar()->showMessage(
            tr("Only award date, obligated and total contract value can be sorted."), 4000);
        return;
    }
    m_sortSection = section;
    m_sortOrder = order;
    if (!m_credentials || !m_baseUrlProblem.isEmpty())
        return;
    m_ui->detailPane->clear();
    m_model->sort(section, order);
    updateActiveQuery();
    saveSettings();
}

void MainWindow::onWarnings(const QStringList &warnings)
{
    if (warnings.isEmpty()) {
        m_ui->warningStrip->hide();
        m_ui->warningStrip->clear();
        return;
    }
    m_ui->warningStrip->setText(
        tr("The server adjusted your query: %1").arg(warnings.join(QStringLiteral(" · "))));
    m_ui->warningStrip->show();
}

void MainWindow::onWaiting(qint64 seconds, const QString &why)
{
    if (m_waitTimer)
        m_clock->cancel(m_waitTimer);
    m_waitTimer = 0;
    if (seconds <= 0) {
        m_waitUntilMs = -1;
        m_waitLabel->hide();
        return;
    }
    m_waitUntilMs = m_clock->nowMs() + seconds * 1000;
    m_waitWhy = why;
    tickWaiting();
}

void MainWindow::tickWaiting()
{
    m_waitTimer = 0;
    if (m_waitUntilMs < 0)
        return;
    const qint64 left = (m_waitUntilMs - m_clock->nowMs() + 999) / 1000;
    if (left <= 0 || !m_model->isLoading()) {
        m_waitLabel->hide();
        return;
    }
    m_waitLabel->setText(m_waitWhy.isEmpty()
                             ? tr("Waiting %1 s for the rate limit…").arg(left)
                             : tr("Waiting %1 s for the %2…").arg(left).arg(m_waitWhy));
    m_waitLabel->show();
    m_waitTimer = m_clock->callAfter(1000, this, [this] { tickWaiting(); });
}

void MainWindow::maybeFetchAhead()
{
    // Ask for the next page a little before the end, so scrolling rarely hits the bottom.
    // (The view itself fetches when the last row is already visible.)
    const QScrollBar *bar = m_ui->contractsView->verticalScrollBar();
    if (bar->maximum() > 0 && bar->value() >= bar->maximum() - 2 * bar->pageStep() &&
        m_model->canFetchMore({}))
        m_model->fetchMore({});
}

void MainWindow::onCurrentRowChanged()
{
    m_detailTimer->start();
}

void MainWindow::openDetailForCurrentRow()
{
    const QModelIndex cur = m_ui->contractsView->currentIndex();
    if (!cur.isValid() || cur.row() >= m_model->loadedCount())
        return;
    m_detailTimer->stop();
    QList<int> sizes = m_ui->mainSplitter->sizes();
    if (sizes.value(2) == 0) {
        sizes[2] = 380;
        m_ui->mainSplitter->setSizes(sizes);
    }
    m_ui->detailPane->showContract(m_model->keyAt(cur.row()));
    m_ui->detailPane->setFocus(Qt::OtherFocusReason);
}

QString MainWindow::selectionAsTsv() const
{
    const QItemSelectionModel *sel = m_ui->contractsView->selectionModel();
    if (!sel)
        return {};
    const QHeaderView *h = m_ui->contractsView->horizontalHeader();
    QMap<int, QMap<int, QString>> grid; // row -> visual column -> text
    for (const QModelIndex &i : sel->selectedIndexes()) {
        if (i.row() >= m_model->loadedCount() || h->isSectionHidden(i.column()))
            continue;
        QString t = i.data(Qt::EditRole).toString();
        t.replace(QLatin1Char('\t'), QLatin1Char(' '));
        t.replace(QLatin1Char('\n'), QLatin1Char(' '));
        grid[i.row()].insert(h->visualIndex(i.column()), t);
    }
    QStringList lines;
    for (auto it = grid.cbegin(); it != grid.cend(); ++it)
        lines << it.value().values().join(QLatin1Char('\t'));
    return lines.join(QLatin1Char('\n'));
}

void MainWindow::copySelection()
{
    const QString tsv = selectionAsTsv();
    if (tsv.isEmpty())
        return;
    QApplication::clipboard()->setText(tsv);
    statusBar()->showMessage(tr("Copied %n row(s)", nullptr, int(tsv.count(QLatin1Char('\n')) + 1)),
                             3000);
}

void MainWindow::showError(const ApiError &error)
{
    if (!m_errorDialog) {
        m_errorDialog = new ErrorDialog(this, m_clock);
        connect(m_errorDialog, &ErrorDialog::retryRequested, this, [this] {
            if (m_errorSource == ErrorSource::Detail)
                m_ui->detailPane->retry();
            else
                m_model->retry();
        });
        connect(m_errorDialog, &ErrorDialog::changeCredentialsRequested, this,
                &MainWindow::requestSwitchCredentials);
    }
    m_errorDialog->showError(error);
}

void MainWindow::showInfo(const QString &title, const QString &html)
{
    // One information box at a time, non-modal, so it never blocks anything.
    if (!m_infoBox) {
        m_infoBox = new QMessageBox(this);
        m_infoBox->setObjectName(QStringLiteral("infoBox"));
        m_infoBox->setIcon(QMessageBox::Information);
        m_infoBox->setStandardButtons(QMessageBox::Close);
        m_infoBox->setTextFormat(Qt::RichText);
        m_infoBox->setTextInteractionFlags(Qt::TextBrowserInteraction);
        m_infoBox->setModal(false);
        m_infoBox->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_infoBox->setWindowTitle(title);
    m_infoBox->setAccessibleName(title);
    m_infoBox->setText(html);
    m_infoBox->show();
    m_infoBox->raise();
}

void MainWindow::requestSwitchCredentials()
{
    if (isSignalConnected(QMetaMethod::fromSignal(&MainWindow::switchCredentialsRequested)))
        Q_EMIT switchCredentialsRequested();
    else
        explainCredentials();
}

ExportDialog *MainWindow::exportDialog() const
{
    return m_exportDialog;
}

void MainWindow::showExportDialog()
{
    if (!m_credentials) {
        requestSwitchCredentials();
        return;
    }
    if (!m_exportDialog)
        m_exportDialog = new ExportDialog(m_client, this);
    // An export still running or waiting for Resume keeps its own settings and progress.
    if (!m_exportDialog->hasUnfinishedExport()) {
        m_exportDialog->setQuery(currentQuery());
        m_exportDialog->setVisibleColumns(visibleColumnPathsInViewOrder());
        m_exportDialog->setFromModel(m_model, selectedSourceRows());
        m_exportDialog->showOptions();
    }
    // Non-modal: browsing goes on while the export runs.
    m_exportDialog->show();
    m_exportDialog->raise();
    m_exportDialog->activateWindow();
}

void MainWindow::explainCredentials()
{
    showInfo(tr("Switch credentials"),
             tr("<p><b>Using your own account</b></p>"
                "<p>This window is signed in to the built-in demo server, which serves "
                "synthetic data. To use your own account, start Tango Explorer without "
                "<code>--demo</code> and sign in with an API key or with your browser, or start "
                "it with <code>TANGO_API_KEY</code> set.</p>"
                "<p>Your keys are on your <a href='https://tango.makegov.com/accounts/profile/'>"
                "Tango account page</a>. The key is never stored in the settings file.</p>"));
}

void MainWindow::showShortcuts()
{
    showInfo(tr("Keyboard shortcuts"),
             tr("<p><b>Keyboard shortcuts</b></p>") + m_actions->shortcutsHtml());
}

void MainWindow::showAbout()
{
    showInfo(
        tr("About Tango Explorer"),
        tr("<p><b>Tango Explorer %1</b></p><p>Browse US federal contracts from the "
           "<a href='https://tango.makegov.com'>Tango API</a> by MakeGov.</p>"
           "<p>Connected to: %2</p>")
            .arg(QStringLiteral(TANGO_VERSION), m_client->baseUrl().toString().toHtmlEscaped()));
}

void MainWindow::restoreSettings()
{
    QSettings &s = *m_settings;
    if (s.contains(kGeometry))
        restoreGeometry(s.value(kGeometry).toByteArray());
    if (s.contains(kState))
        restoreState(s.value(kState).toByteArray());
    if (s.contains(kSplitter))
        m_ui->mainSplitter->restoreState(s.value(kSplitter).toByteArray());
    const QVariantMap widths = s.value(kWidths).toMap();
    for (auto it = widths.cbegin(); it != widths.cend(); ++it)
        if (it.value().toInt() > 10)
            m_widths.insert(it.key(), it.value().toInt());
    const bool filtersShown = s.value(kFiltersShown, true).toBool();
    m_actions->action(ActionRegistry::Id::ToggleFilters)->setChecked(filtersShown);
    m_ui->filterScroll->setVisible(filtersShown);

    ContractQuery q;
    QStringList cols = s.value(kColumns).toStringList();
    cols.removeAll(QString());
    q.setFields(cols.isEmpty() ? ContractFields::defaultColumns() : cols);
    q.setSearch(s.value(kSearch).toString());
    QMap<QString, QString> filters;
    const QVariantMap fm = s.value(kFilters).toMap();
    for (auto it = fm.cbegin(); it != fm.cend(); ++it)
        filters.insert(it.key(), it.value().toString());
    for (auto it = filters.cbegin(); it != filters.cend(); ++it)
        q.setFilter(it.key(), it.value());
    const QString ordering = s.value(kOrdering).toString();
    if (ContractQuery::orderingFields().contains(
            ordering.startsWith(QLatin1Char('-')) ? ordering.mid(1) : ordering))
        q.setOrdering(ordering);
    if (!q.isValid()) {
        // A saved query that no longer validates is dropped rather than sent.
        ContractQuery plain;
        plain.setFields(q.fields());
        q = plain;
    }
    m_ui->searchEdit->setText(q.search());
    m_ui->filterPanel->setFilters(q.filters());
    m_model->setQuery(q, false); // sent once credentials are known
    applyColumnWidths();
    updateSortIndicator();
    updateActiveQuery();
}

void MainWindow::saveSettings() const
{
    QSettings &s = *m_settings;
    s.setValue(kGeometry, saveGeometry());
    s.setValue(kState, saveState());
    s.setValue(kSplitter, m_ui->mainSplitter->saveState());
    s.setValue(kFiltersShown, m_actions->action(ActionRegistry::Id::ToggleFilters)->isChecked());
    const ContractQuery q = m_model->query();
    s.setValue(kColumns, visibleColumnPathsInViewOrder());
    QVariantMap widths;
    const QHeaderView *h = m_ui->contractsView->horizontalHeader();
    for (int c = 0; c < m_model->columnCount(); ++c)
        widths.insert(m_model->columns().value(c), h->sectionSize(c));
    for (auto it = m_widths.cbegin(); it != m_widths.cend(); ++it)
        if (!widths.contains(it.key()))
            widths.insert(it.key(), it.value());
    s.setValue(kWidths, widths);
    s.setValue(kSearch, q.search());
    QVariantMap filters;
    for (auto it = q.filters().cbegin(); it != q.filters().cend(); ++it)
        filters.insert(it.key(), it.value());
    s.setValue(kFilters, filters);
    s.setValue(kOrdering, q.ordering());
    s.sync();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    if (m_errorDialog)
        m_errorDialog->cancelRetry();
    QMainWindow::closeEvent(event);
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (m_options.reportFirstPaint && !m_firstPaintReported && event->type() == QEvent::Paint &&
        watched == m_ui->contractsView->viewport() && m_model->loadedCount() > 0) {
        m_firstPaintReported = true;
        // Report after this paint has been delivered, then leave.
        QTimer::singleShot(0, this, [this] {
            const qint64 ms =
                QDateTime::currentMSecsSinceEpoch() - m_options.launchedAtMsSinceEpoch;
            std::fprintf(stdout, "first-rows-painted-ms %lld\n", static_cast<long long>(ms));
            std::fflush(stdout);
            QApplication::quit();
        });
    }
    return QMainWindow::eventFilter(watched, event);
}

} // namespace tango
