#include "MainWindow.h"

#include "ActionRegistry.h"
#include "ColumnChooser.h"
#include "ContractsModel.h"
#include "DetailPane.h"
#include "ErrorDialog.h"
#include "ExportDialog.h"
#include "FilterPanel.h"
#include "RateLimitIndicator.h"

#include "api/ApiClient.h"
#include "auth/ApiKeyCredentials.h"
#include "contracts/ContractFields.h"
#include "sandbox/SandboxServer.h"
#include "util/ManualClock.h"

#include "SandboxLog.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace tango;

class tst_MainWindow : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SandboxServer> m_server;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;

    CredentialsPtr goodKey() const
    {
        return std::make_shared<ApiKeyCredentials>(m_server->options().apiKey);
    }
    MainWindow::Options options(CredentialsPtr creds) const
    {
        MainWindow::Options o;
        o.baseUrl = m_server->baseUrl();
        o.credentials = std::move(creds);
        o.clock = m_clock.get();
        o.settings = m_settings.get();
        o.searchDebounceMs = 200;
        o.detailDebounceMs = 0;
        return o;
    }
    std::unique_ptr<MainWindow> window(CredentialsPtr creds)
    {
        auto w = std::make_unique<MainWindow>(options(std::move(creds)));
        w->resize(1200, 700);
        w->show();
        return w;
    }
    // A signed-in window whose client never retries by itself, so errors reach the UI.
    std::unique_ptr<MainWindow> strictWindow()
    {
        auto w = window(nullptr);
        w->apiClient()->setRetryPolicy(RetryPolicy::none());
        return w;
    }
    SandboxLogEntries lists() const { return contractListLog(*m_server); }
    static bool waitLoaded(MainWindow &w, int rows)
    {
        return QTest::qWaitFor(
            [&] {
                return w.contractsModel()->loadedCount() >= rows &&
                       !w.contractsModel()->isLoading();
            },
            10000);
    }
    static int sectionOf(MainWindow &w, const QString &path)
    {
        return w.contractsModel()->columns().indexOf(path);
    }
    static void clickHeader(MainWindow &w, int section)
    {
        QHeaderView *h = w.tableView()->horizontalHeader();
        QTest::mouseClick(h->viewport(), Qt::LeftButton, {},
                          QPoint(h->sectionViewportPosition(section) + 10, h->height() / 2));
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("XDG_RUNTIME_DIR", QDir::tempPath().toUtf8());
        // Dialogs that keep their own choices (export) must not touch the user's settings.
        QStandardPaths::setTestModeEnabled(true);
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }
    void init()
    {
        m_server = std::make_unique<SandboxServer>();
        QVERIFY(m_server->listen());
        m_clock = std::make_unique<ManualClock>();
        m_dir = std::make_unique<QTemporaryDir>();
        m_settings = std::make_unique<QSettings>(m_dir->filePath(QStringLiteral("settings.ini")),
                                                 QSettings::IniFormat);
    }
    void cleanup()
    {
        m_settings.reset();
        m_dir.reset();
        m_server.reset();
        m_clock.reset();
    }

    void startupWithKeyLoadsOnePage()
    {
        auto w = window(goodKey());
        QVERIFY(!w->isEmptyStateShown());
        QVERIFY(waitLoaded(*w, 100));
        const auto log = lists();
        QCOMPARE(log.size(), 1);
        QCOMPARE(log[0].credentials, QStringLiteral("api-key"));
        QCOMPARE(log[0].status, 200);
        QCOMPARE(queryItem(log[0], QStringLiteral("limit")), QStringLiteral("100"));
        QCOMPARE(queryItem(log[0], QStringLiteral("shape")),
                 QStringLiteral("key,") +
                     ContractFields::shapeFor(ContractFields::defaultColumns()));
        QCOMPARE(w->visibleColumnPathsInViewOrder(), ContractFields::defaultColumns());
        QCOMPARE(
            w->statusText(),
            QStringLiteral("Loaded 100 of about %1").arg(QLocale().toString(m_server->rowCount())));
    }

    void withoutKeyExplainsHowToSignIn()
    {
        auto w = window(nullptr);
        QVERIFY(w->isEmptyStateShown());
        QVERIFY(w->emptyStateText().contains(QLatin1String("TANGO_API_KEY")));
        QVERIFY(w->emptyStateText().contains(QLatin1String("--demo")));
        QTest::qWait(100);
        QCOMPARE(m_server->apiRequestCount(), 0);
        w->setCredentials(goodKey());
        QVERIFY(!w->isEmptyStateShown());
        QVERIFY(waitLoaded(*w, 100));
        w->setCredentials(nullptr);
        QVERIFY(w->isEmptyStateShown());
        QCOMPARE(w->contractsModel()->rowCount(), 0);
    }

    void scrollingLoadsTheNextCursor()
    {
        auto w = window(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        w->tableView()->scrollToBottom();
        QVERIFY(waitLoaded(*w, 200));
        const auto log = lists();
        QVERIFY(log.size() >= 2);
        QVERIFY(!queryItem(log[1], QStringLiteral("cursor")).isEmpty());
        QCOMPARE(queryItem(log[1], QStringLiteral("shape")),
                 queryItem(log[0], QStringLiteral("shape")));
    }

    void headerClickSortsOnTheServer()
    {
        auto w = window(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        const int sec = sectionOf(*w, QStringLiteral("obligated"));
        QVERIFY(sec >= 0);
        clickHeader(*w, sec);
        QTRY_COMPARE_WITH_TIMEOUT(lists().size(), 2, 5000);
        const QString first = queryItem(lists().last(), QStringLiteral("ordering"));
        QVERIFY2(first == QLatin1String("obligated") || first == QLatin1String("-obligated"),
                 qPrintable(first));
        QVERIFY(waitLoaded(*w, 100));
        QCOMPARE(w->tableView()->horizontalHeader()->sortIndicatorSection(), sec);
        QVERIFY(w->activeQueryText().contains(QLatin1String("sorted by Obligated")));
        clickHeader(*w, sec);
        QTRY_COMPARE_WITH_TIMEOUT(lists().size(), 3, 5000);
        const QString second = queryItem(lists().last(), QStringLiteral("ordering"));
        QVERIFY(second != first);
        QCOMPARE(QString(second).remove(QLatin1Char('-')), QStringLiteral("obligated"));
    }

    void otherHeadersDoNotSort()
    {
        auto w = window(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        const int before = w->tableView()->horizontalHeader()->sortIndicatorSection();
        clickHeader(*w, sectionOf(*w, QStringLiteral("piid")));
        clickHeader(*w, sectionOf(*w, QStringLiteral("description")));
        QTest::qWait(100);
        QCOMPARE(lists().size(), 1);
        QCOMPARE(w->tableView()->horizontalHeader()->sortIndicatorSection(), before);
        QCOMPARE(w->contractsModel()->loadedCount(), 100);
    }

    void queryChangeDropsTheStaleReply()
    {
        auto w = window(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        QSignalSpy pages(w->contractsModel(), &ContractsModel::pageLoaded);
        m_server->scriptFault(m_server->apiRequestCount() + 1, SandboxServer::Fault::Delay, 500);
        w->actionRegistry()->action(ActionRegistry::Id::Refresh)->trigger();
        QVERIFY(w->contractsModel()->isLoading());
        w->filterPanel()->setFilters({{QStringLiteral("award_type"), QStringLiteral("D")}});
        QVERIFY(w->applyFilters());
        QVERIFY(pages.wait(10000));
        QTest::qWait(700);
        QCOMPARE(pages.size(), 1);
        QCOMPARE(queryItem(lists().last(), QStringLiteral("award_type")), QStringLiteral("D"));
        QCOMPARE(w->currentQuery().filter(QStringLiteral("award_type")), QStringLiteral("D"));
    }

    void searchIsDebouncedAndEnterAppliesAtOnce()
    {
        auto w = window(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        QTest::keyClicks(w->searchField(), QStringLiteral("cloud"));
        QCOMPARE(lists().size(), 1); // nothing sent per keystroke
        QTRY_COMPARE_WITH_TIMEOUT(lists().size(), 2, 5000);
        QCOMPARE(queryItem(lists().last(), QStringLiteral("search")), QStringLiteral("cloud"));
        QVERIFY(waitLoaded(*w, 0));
        QTest::keyClicks(w->searchField(), QStringLiteral(" services"));
        QTest::keyClick(w->searchField(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(lists().size(), 3, 2000);
        QCOMPARE(queryItem(lists().last(), QStringLiteral("search")),
                 QStringLiteral("cloud services"));
        QTest::qWait(300); // the debounce timer was stopped by Enter: no duplicate
        QCOMPARE(lists().size(), 3);
        QVERIFY(w->activeQueryText().contains(QLatin1String("cloud services")));
    }

    void invalidFiltersAreNeverSent()
    {
        auto w = window(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        w->filterPanel()->setFilters({{QStringLiteral("fiscal_year_gte"), QStringLiteral("20x4")},
                                      {QStringLiteral("obligated_gte"), QStringLiteral("9000")},
                                      {QStringLiteral("obligated_lte"), QStringLiteral("10")}});
        QVERIFY(!w->applyFilters());
        QTest::qWait(100);
        QCOMPARE(lists().size(), 1);
        QVERIFY(w->filterPanel()->hasErrors());
        QVERIFY(w->filterPanel()->errorText().contains(QLatin1String("20x4")));
        QCOMPARE(w->contractsModel()->loadedCount(), 100); // rows stay
        w->filterPanel()->setFilters({{QStringLiteral("fiscal_year_gte"), QStringLiteral("2020")}});
        QVERIFY(w->applyFilters());
        QVERIFY(!w->filterPanel()->hasErrors());
        QTRY_COMPARE_WITH_TIMEOUT(lists().size(), 2, 5000);
        QCOMPARE(queryItem(lists().last(), QStringLiteral("fiscal_year_gte")),
                 QStringLiteral("2020"));
        QVERIFY(w->activeQueryText() != QLatin1String("All contracts"));
    }

    void serverWarningsAreShown()
    {
        auto w = window(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        const int col = sectionOf(*w, QStringLiteral("awarding_office.agency_name"));
        QVERIFY(col >= 0);
        const QString agency = w->contractsModel()->index(0, col).data(Qt::EditRole).toString();
        QVERIFY(w->warningText().isEmpty());
        w->filterPanel()->setFilters(
            {{QStringLiteral("awarding_agency"), agency + QStringLiteral("|QQZZXX")}});
        QVERIFY(w->applyFilters());
        QTRY_VERIFY_WITH_TIMEOUT(w->warningText().contains(QLatin1String("QQZZXX")), 5000);
        w->filterPanel()->clear();
        QVERIFY(w->applyFilters());
        QTRY_VERIFY_WITH_TIMEOUT(w->warningText().isEmpty(), 5000);
    }

    void columnsChangeTheShape()
    {
        auto w = window(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        const QStringList cols{QStringLiteral("obligated"), QStringLiteral("piid"),
                               QStringLiteral("naics_code")};
        w->applyColumns(cols);
        QTRY_COMPARE_WITH_TIMEOUT(lists().size(), 2, 5000);
        QCOMPARE(queryItem(lists().last(), QStringLiteral("shape")),
                 QStringLiteral("key,") + ContractFields::shapeFor(cols));
        QCOMPARE(w->visibleColumnPathsInViewOrder(), cols);
        QVERIFY(waitLoaded(*w, 100));
        QCOMPARE(w->contractsModel()->columnCount(), 3);
    }

    void columnChooserAppliesItsChoice()
    {
        auto w = window(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        w->actionRegistry()->action(ActionRegistry::Id::Columns)->trigger();
        ColumnChooser *c = w->columnChooser();
        QVERIFY(c);
        QTRY_VERIFY(c->isVisible());
        QCOMPARE(c->columns(), ContractFields::defaultColumns());
        c->setFieldVisible(QStringLiteral("description"), false);
        c->setFieldVisible(QStringLiteral("fiscal_year"), true);
        const QStringList expected = c->columns();
        c->accept();
        QTRY_COMPARE_WITH_TIMEOUT(lists().size(), 2, 5000);
        QCOMPARE(w->visibleColumnPathsInViewOrder(), expected);
        QVERIFY(!queryItem(lists().last(), QStringLiteral("shape"))
                     .contains(QLatin1String("description")));
        QVERIFY(queryItem(lists().last(), QStringLiteral("shape"))
                    .contains(QLatin1String("fiscal_year")));
    }

    void unauthorizedExplainsAndOffersCredentials()
    {
        auto w = window(std::make_shared<ApiKeyCredentials>(QStringLiteral("not-a-key")));
        QTRY_VERIFY_WITH_TIMEOUT(w->errorDialog() && w->errorDialog()->isVisible(), 10000);
        QCOMPARE(w->errorDialog()->windowTitle(), QStringLiteral("API key rejected (401)"));
        QVERIFY(w->errorDialog()->credentialsButton()->isVisible());
        QTest::mouseClick(w->errorDialog()->credentialsButton(), Qt::LeftButton);
        QTRY_VERIFY(w->infoBox() && w->infoBox()->isVisible());
        QVERIFY(w->infoBox()->text().contains(QLatin1String("TANGO_API_KEY")));
        QVERIFY(!w->infoBox()->text().contains(QLatin1String("not-a-key")));
        w->infoBox()->close();
    }

    void forbiddenExplainsAndLinksToProfile()
    {
        auto w = window(std::make_shared<ApiKeyCredentials>(m_server->options().forbiddenKey));
        QTRY_VERIFY_WITH_TIMEOUT(w->errorDialog() && w->errorDialog()->isVisible(), 10000);
        QCOMPARE(w->errorDialog()->windowTitle(), QStringLiteral("Not permitted (403)"));
        QVERIFY(w->errorDialog()->bodyText().contains(QLatin1String(ErrorDialog::profileUrl())));
    }

    void rateLimitRetriesAfterCountdownNotBefore()
    {
        auto w = strictWindow();
        m_server->scriptFault(1, SandboxServer::Fault::Spurious429, 30);
        w->setCredentials(goodKey());
        QTRY_VERIFY_WITH_TIMEOUT(w->errorDialog() && w->errorDialog()->isVisible(), 10000);
        ErrorDialog *dlg = w->errorDialog();
        QCOMPARE(dlg->windowTitle(), QStringLiteral("Rate limit reached (429)"));
        QCOMPARE(dlg->retryCountdown(), 30);
        QCOMPARE(lists().size(), 1);
        m_clock->advance(29000);
        QTest::qWait(100);
        QCOMPARE(lists().size(), 1);
        QCOMPARE(dlg->retryCountdown(), 1);
        m_clock->advance(1000);
        QTRY_COMPARE_WITH_TIMEOUT(lists().size(), 2, 5000);
        QVERIFY(waitLoaded(*w, 100));
        QVERIFY(!dlg->isVisible());
    }

    void exhaustedDailyQuotaIsNotRetried()
    {
        m_server->setDailyLimit(1);
        auto w = strictWindow();
        w->setCredentials(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        w->contractsModel()->fetchMore({});
        QTRY_VERIFY_WITH_TIMEOUT(w->errorDialog() && w->errorDialog()->isVisible(), 10000);
        QCOMPARE(w->errorDialog()->error().kind(), ApiError::Kind::QuotaExhausted);
        QCOMPARE(w->errorDialog()->windowTitle(), w->errorDialog()->error().title());
        QVERIFY(!w->errorDialog()->isRetryScheduled());
        const int sent = lists().size();
        m_clock->advance(25LL * 3600 * 1000);
        QTest::qWait(100);
        QCOMPARE(lists().size(), sent);
        QCOMPARE(w->contractsModel()->loadedCount(), 100);
    }

    void dialogsNeverStack()
    {
        auto w = window(nullptr);
        w->showError(ApiError::fromHttp(500, "{\"detail\":\"one\"}", m_server->baseUrl()));
        w->showError(ApiError::fromHttp(401, "{\"detail\":\"two\"}", m_server->baseUrl()));
        w->showError(ApiError::fromHttp(403, "{\"detail\":\"three\"}", m_server->baseUrl()));
        QCOMPARE(w->findChildren<ErrorDialog *>().size(), 1);
        QCOMPARE(w->errorDialog()->windowTitle(), QStringLiteral("Not permitted (403)"));
        QVERIFY(w->errorDialog()->bodyText().contains(QLatin1String("three")));
        QVERIFY(QApplication::activeModalWidget() == nullptr);
    }

    void rowsStayWhenTheNextPageFails()
    {
        auto w = strictWindow();
        w->setCredentials(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        m_server->scriptFault(m_server->apiRequestCount() + 1, SandboxServer::Fault::Http500);
        w->contractsModel()->fetchMore({});
        QTRY_VERIFY_WITH_TIMEOUT(w->errorDialog() && w->errorDialog()->isVisible(), 10000);
        QCOMPARE(w->errorDialog()->error().kind(), ApiError::Kind::ServerError);
        QCOMPARE(w->contractsModel()->loadedCount(), 100);
        QTest::mouseClick(w->errorDialog()->retryButton(), Qt::LeftButton);
        QVERIFY(waitLoaded(*w, 200));
    }

    void waitingForTheRateLimitIsShownInTheStatusBar()
    {
        auto w = window(nullptr);
        m_server->scriptFault(1, SandboxServer::Fault::Spurious429, 20);
        w->setCredentials(goodKey()); // the client retries this 429 by itself after the wait
        QTRY_VERIFY_WITH_TIMEOUT(!w->waitingText().isEmpty(), 10000);
        QVERIFY2(w->waitingText().contains(QLatin1String("20 s")), qPrintable(w->waitingText()));
        m_clock->advance(5000);
        QVERIFY2(w->waitingText().contains(QLatin1String("15 s")), qPrintable(w->waitingText()));
        m_clock->advance(15000);
        QVERIFY(waitLoaded(*w, 100));
        QVERIFY(w->waitingText().isEmpty());
        QVERIFY(!w->errorDialog() || !w->errorDialog()->isVisible());
    }

    void quotaIndicatorFollowsResponses()
    {
        auto w = window(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        RateLimitIndicator *ind = w->rateLimitIndicator();
        QTRY_VERIFY(ind->hasSnapshot());
        const QString text = ind->windowText(QStringLiteral("burst"));
        QVERIFY2(text.contains(QLocale().toString(m_server->options().burstLimit)),
                 qPrintable(text));
        const qint64 secs = ind->secondsUntilReset(QStringLiteral("burst"));
        QVERIFY(secs > 1);
        m_clock->advance(1000);
        QCOMPARE(ind->secondsUntilReset(QStringLiteral("burst")), secs - 1);
    }

    void selectingARowShowsItsDetails()
    {
        auto w = window(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        QSignalSpy loaded(w->detailPane(), &DetailPane::loaded);
        w->tableView()->selectRow(2);
        QVERIFY(loaded.wait(10000));
        const QString key = w->contractsModel()->keyAt(2);
        QCOMPARE(w->detailPane()->currentKey(), key);
        QCOMPARE(m_server->requestLog().last().path, QStringLiteral("/api/contracts/%1/").arg(key));
        QCOMPARE(w->selectedSourceRows(), QList<int>{2});
        w->tableView()->setCurrentIndex(w->contractsModel()->index(7, 0));
        w->actionRegistry()->action(ActionRegistry::Id::OpenDetail)->trigger();
        QCOMPARE(w->detailPane()->currentKey(), w->contractsModel()->keyAt(7));
    }

    void copyGivesTabSeparatedCells()
    {
        auto w = window(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        QTableView *v = w->tableView();
        v->selectionModel()->select(
            QItemSelection(w->contractsModel()->index(0, 0), w->contractsModel()->index(1, 0)),
            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        const QString tsv = w->selectionAsTsv();
        const QStringList lines = tsv.split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 2);
        const int cols = w->contractsModel()->columnCount();
        QCOMPARE(lines[0].count(QLatin1Char('\t')), cols - 1);
        QCOMPARE(lines[1].section(QLatin1Char('\t'), 0, 0),
                 w->contractsModel()->index(1, 0).data(Qt::EditRole).toString());
        QCOMPARE(w->selectedSourceRows(), (QList<int>{0, 1}));
        w->actionRegistry()->action(ActionRegistry::Id::CopySelection)->trigger();
        QCOMPARE(QApplication::clipboard()->text(), tsv);
    }

    void settingsRoundTrip()
    {
        const QStringList cols{QStringLiteral("piid"), QStringLiteral("obligated"),
                               QStringLiteral("award_date")};
        int width = 0;
        {
            auto w = window(goodKey());
            QVERIFY(waitLoaded(*w, 100));
            w->applyColumns(cols);
            QVERIFY(waitLoaded(*w, 100));
            w->searchField()->setText(QStringLiteral("cloud"));
            w->filterPanel()->setFilters({{QStringLiteral("naics"), QStringLiteral("541511")}});
            QVERIFY(w->applyFilters());
            QVERIFY(waitLoaded(*w, 0));
            w->contractsModel()->sort(1, Qt::DescendingOrder);
            w->tableView()->horizontalHeader()->resizeSection(0, 211);
            width = w->tableView()->horizontalHeader()->sectionSize(0);
            w->close();
        }
        auto w2 = window(nullptr);
        const ContractQuery q = w2->currentQuery();
        QCOMPARE(q.search(), QStringLiteral("cloud"));
        QCOMPARE(q.filter(QStringLiteral("naics")), QStringLiteral("541511"));
        QCOMPARE(q.ordering(), QStringLiteral("-obligated"));
        QCOMPARE(w2->visibleColumnPathsInViewOrder(), cols);
        QCOMPARE(w2->tableView()->horizontalHeader()->sectionSize(0), width);
        QCOMPARE(w2->searchField()->text(), QStringLiteral("cloud"));
        QCOMPARE(w2->filterPanel()->filters().value(QStringLiteral("naics")),
                 QStringLiteral("541511"));
        QCOMPARE(w2->tableView()->horizontalHeader()->sortIndicatorSection(), 1);
        m_settings->sync();
        QFile f(m_settings->fileName());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(!f.readAll().contains(m_server->options().apiKey.toUtf8()));
    }

    void draggedColumnOrderIsRemembered()
    {
        QStringList order;
        {
            auto w = window(goodKey());
            QVERIFY(waitLoaded(*w, 100));
            w->tableView()->horizontalHeader()->moveSection(0, 2);
            order = w->visibleColumnPathsInViewOrder();
            QCOMPARE(order.at(2), ContractFields::defaultColumns().at(0));
            const QStringList defaults = ContractFields::defaultColumns();
            QCOMPARE(QSet<QString>(order.begin(), order.end()),
                     QSet<QString>(defaults.begin(), defaults.end()));
            QVERIFY(order != defaults);
            w->saveSettings();
        }
        auto w2 = window(nullptr);
        QCOMPARE(w2->visibleColumnPathsInViewOrder(), order);
    }

    void retypingTheSameSearchDoesNotReload()
    {
        auto w = window(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        QTest::keyClicks(w->searchField(), QStringLiteral("x"));
        QTest::keyClick(w->searchField(), Qt::Key_Backspace);
        QTest::qWait(400); // past the debounce
        QCOMPARE(lists().size(), 1);
    }

    void corruptSettingsFallBackToDefaults()
    {
        m_settings->setValue(QStringLiteral("table/columns"), 42);
        m_settings->setValue(QStringLiteral("query/ordering"), QStringLiteral("drop table"));
        m_settings->setValue(QStringLiteral("query/filters"),
                             QVariantMap{{QStringLiteral("fiscal_year"), QStringLiteral("abc")}});
        m_settings->setValue(QStringLiteral("window/geometry"), QByteArray("garbage"));
        auto w = window(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        QCOMPARE(queryItem(lists().last(), QStringLiteral("ordering")), QString());
        QVERIFY(!lists().last().query.hasQueryItem(QStringLiteral("fiscal_year")));
    }

    void keyboardActionsAreDefinedOnceAndListed()
    {
        auto w = window(nullptr);
        QStringList seen;
        for (QAction *a : w->actionRegistry()->all()) {
            QVERIFY(!a->objectName().isEmpty());
            if (a->shortcut().isEmpty())
                continue;
            const QString key = a->shortcut().toString();
            QVERIFY2(!seen.contains(key), qPrintable(key));
            seen << key;
        }
        const QString help = w->actionRegistry()->shortcutsHtml();
        for (const QString &k : {QStringLiteral("Ctrl+F"), QStringLiteral("F5"),
                                 QStringLiteral("Ctrl+C"), QStringLiteral("Ctrl+Shift+C")})
            QVERIFY2(help.contains(k), qPrintable(k));
        w->actionRegistry()->action(ActionRegistry::Id::Shortcuts)->trigger();
        QTRY_VERIFY(w->infoBox() && w->infoBox()->isVisible());
        QVERIFY(w->infoBox()->text().contains(QLatin1String("F5")));
        QApplication::setActiveWindow(w.get());
        w->tableView()->setFocus();
        QTest::keyClick(w.get(), Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(w->searchField()->hasFocus());
    }

    void publicSurfaceForOtherParts()
    {
        auto w = window(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        QCOMPARE(w->exportAction()->objectName(), QStringLiteral("actionExport"));
        QVERIFY(w->exportAction()->isEnabled());
        QCOMPARE(w->exportAction()->shortcut(), QKeySequence(QStringLiteral("Ctrl+E")));
        QCOMPARE(w->accountMenu()->objectName(), QStringLiteral("menuAccount"));
        QVERIFY(!w->accountMenu()->actions().isEmpty());
        QVERIFY(w->apiClient());
        QCOMPARE(w->apiClient()->baseUrl(), m_server->baseUrl());
        QCOMPARE(w->currentQuery().fields(), ContractFields::defaultColumns());
        QVERIFY(w->selectedSourceRows().isEmpty());
        w->setCredentials(goodKey());
        QTRY_COMPARE_WITH_TIMEOUT(lists().size(), 2, 5000);
        QVERIFY(!lists().last().query.hasQueryItem(QStringLiteral("cursor")));
    }

    void exportActionOpensTheDialogWithTheWindowsQueryAndColumns()
    {
        auto w = window(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        QVERIFY(!w->exportDialog());
        w->exportAction()->trigger();
        QTRY_VERIFY(w->exportDialog() && w->exportDialog()->isVisible());
        ExportDialog *d = w->exportDialog();
        QCOMPARE(d->columnsToExport(), w->visibleColumnPathsInViewOrder());
        // The table keeps working while the dialog is open: it is not modal.
        QVERIFY(!d->isModal());

        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("loaded.csv"));
        d->setScope(ExportDialog::Scope::Loaded);
        d->setOutputPath(out);
        QSignalSpy done(d, &ExportDialog::exportFinished);
        QVERIFY(d->startExport());
        QVERIFY(done.wait(20000));
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray csv = f.readAll();
        // The first page was loaded when the dialog opened: each of its rows is in the file,
        // once (PIIDs are unique in the sandbox data).
        const ContractsModel *m = w->contractsModel();
        for (int r = 0; r < 100; ++r) {
            const QString piid = m->data(m->index(r, 0), Qt::DisplayRole).toString();
            QVERIFY(!piid.isEmpty());
            QCOMPARE(csv.count(piid.toUtf8()), 1);
        }
    }

    void switchCredentialsGoesToTheSignInFlowWhenOneListens()
    {
        auto w = window(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        // Nobody listens: the window explains how to start with a key.
        w->actionRegistry()->action(ActionRegistry::Id::SwitchCredentials)->trigger();
        QTRY_VERIFY(w->infoBox() && w->infoBox()->isVisible());
        w->infoBox()->close();
        // A sign-in flow listens: the request goes to it, and no explanation is shown.
        QSignalSpy asked(w.get(), &MainWindow::switchCredentialsRequested);
        QPointer<QMessageBox> before = w->infoBox();
        w->actionRegistry()->action(ActionRegistry::Id::SwitchCredentials)->trigger();
        QCOMPARE(asked.size(), 1);
        QVERIFY(!before || !before->isVisible());
    }

    void everyControlHasAnAccessibleName()
    {
        auto w = window(goodKey());
        QVERIFY(waitLoaded(*w, 100));
        w->tableView()->selectRow(0);
        QTRY_VERIFY_WITH_TIMEOUT(!w->detailPane()->record().isEmpty(), 10000);
        QStringList missing;
        for (QWidget *c : w->findChildren<QWidget *>()) {
            if (c->focusPolicy() == Qt::NoFocus ||
                c->objectName().startsWith(QLatin1String("qt_")) || !c->isVisibleTo(w.get()))
                continue;
            if (qobject_cast<QScrollArea *>(c->parentWidget()))
                continue;
            if (c->accessibleName().isEmpty())
                missing << QStringLiteral("%1(%2)").arg(
                    QString::fromLatin1(c->metaObject()->className()), c->objectName());
        }
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(QStringLiteral(", "))));
    }

    void demoModeServesSyntheticData()
    {
        MainWindow::Options o;
        o.demo = true;
        o.settings = m_settings.get();
        MainWindow w(o);
        w.show();
        QVERIFY(w.demoServer());
        QVERIFY(w.demoServer()->isListening());
        QCOMPARE(w.apiClient()->baseUrl(), w.demoServer()->baseUrl());
        QVERIFY(w.findChild<QLabel *>(QStringLiteral("demoBanner"))->isVisible());
        QVERIFY(w.windowTitle().contains(QLatin1String("demo")));
        QVERIFY(waitLoaded(w, 100));
        QCOMPARE(w.contractsModel()->keyAt(0), w.demoServer()->keysInDefaultOrder().at(0));
    }

    void baseUrlResolution()
    {
        QUrl url;
        QString why;
        QVERIFY(!MainWindow::resolveBaseUrl(QStringLiteral("http://example.com"), &url, &why));
        QVERIFY(!why.isEmpty());
        QVERIFY(
            MainWindow::resolveBaseUrl(QStringLiteral("https://tango.example.org"), &url, &why));
        QCOMPARE(url.host(), QStringLiteral("tango.example.org"));
        QVERIFY(MainWindow::resolveBaseUrl(QStringLiteral("http://127.0.0.1:8080"), &url, &why));
        QVERIFY(MainWindow::resolveBaseUrl(QString(), &url, &why));
        QCOMPARE(url, ApiClient::defaultBaseUrl());
        QVERIFY(!MainWindow::resolveBaseUrl(QStringLiteral("::::"), &url, &why));
    }
};

QTEST_MAIN(tst_MainWindow)
#include "tst_MainWindow.moc"
