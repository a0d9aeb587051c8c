#pragma once

#include "ColumnChooser.h"
#include "ErrorDialog.h"
#include "auth/Credentials.h"
#include "contracts/ContractQuery.h"
#include "sandbox/SandboxOptions.h"
#include "util/Clock.h"

#include <QHash>
#include <QMainWindow>
#include <QMessageBox>
#include <QPointer>
#include <QUrl>

#include <memory>
#include <optional>

class QLabel;
class QLineEdit;
class QMenu;
class QSettings;
class QTableView;
class QTimer;

namespace Ui {
class MainWindow;
}

namespace tango {

class ActionRegistry;
class ApiClient;
class ApiError;
class ContractsModel;
class DetailPane;
class ErrorDialog;
class ExportDialog;
class FilterPanel;
class RateLimitIndicator;
class SandboxServer;

// The contracts explorer: search and filters, the paged table, the detail pane, the quota in
// the status bar, and the error dialogs.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    struct Options
    {
        QUrl baseUrl;               // empty: ApiClient::defaultBaseUrl() (TANGO_BASE_URL or real)
        bool demo = false;          // serve synthetic data from an in-process sandbox
        CredentialsPtr credentials; // null: show how to sign in instead of loading
        Clock *clock = nullptr;     // null: the system clock (tests inject a ManualClock)
        QSettings *settings = nullptr;             // null: the application's QSettings
        std::optional<SandboxOptions> demoOptions; // default: demoSandboxOptions()
        int searchDebounceMs = 300;
        int detailDebounceMs = 150;
        // Print "first-rows-painted-ms N" (since launchedAtMsSinceEpoch) and quit once rows
        // are on screen: a start-up benchmark of the real binary.
        bool reportFirstPaint = false;
        qint64 launchedAtMsSinceEpoch = 0;
    };

    explicit MainWindow(QWidget *parent = nullptr);
    explicit MainWindow(const Options &options, QWidget *parent = nullptr);
    ~MainWindow() override;

    static SandboxOptions demoSandboxOptions();
    // --base-url, else TANGO_BASE_URL, else the real API; false with *why when refused.
    static bool resolveBaseUrl(const QString &commandLineValue, QUrl *url, QString *why);

    // The public surface for the other parts of the application.
    ApiClient *apiClient() const { return m_client; }
    ContractsModel *contractsModel() const { return m_model; }
    ContractQuery currentQuery() const;
    QStringList visibleColumnPathsInViewOrder() const;
    QList<int> selectedSourceRows() const;
    void setCredentials(CredentialsPtr credentials);
    CredentialsPtr credentials() const { return m_credentials; }
    QMenu *accountMenu() const;
    QAction *exportAction() const;
    ActionRegistry *actionRegistry() const { return m_actions; }

    // Parts, for tests and screenshots.
    QTableView *tableView() const;
    QLineEdit *searchField() const;
    FilterPanel *filterPanel() const;
    DetailPane *detailPane() const;
    RateLimitIndicator *rateLimitIndicator() const { return m_indicator; }
    ErrorDialog *errorDialog() const { return m_errorDialog; }
    ColumnChooser *columnChooser() const { return m_chooser; }
    SandboxServer *demoServer() const { return m_demo.get(); }
    QMessageBox *infoBox() const { return m_infoBox; }
    ExportDialog *exportDialog() const;
    bool isEmptyStateShown() const;
    QString emptyStateText() const;
    QString statusText() const;
    QString waitingText() const;
    QString warningText() const;
    QString activeQueryText() const;

    // Validates the search and filters and, when valid, reloads; false when not sent.
    bool applyFilters();
    void applyColumns(const QStringList &paths);
    void openColumnChooser();
    QString selectionAsTsv() const;
    void copySelection();
    void openDetailForCurrentRow();
    void showError(const tango::ApiError &error);
    void explainCredentials();
    // Account → Switch credentials…, the error dialog's "Change credentials" and the empty
    // state's sign-in link: emits switchCredentialsRequested() when a sign-in flow listens,
    // otherwise explains how to start with a key.
    void requestSwitchCredentials();
    void showExportDialog();
    void saveSettings() const;

Q_SIGNALS:
    void switchCredentialsRequested();

protected:
    void closeEvent(QCloseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    enum class ErrorSource
    {
        Table,
        Detail
    };

    void setupActions();
    void setupTable();
    void setupStatusBar();
    void startDemo();
    void restoreSettings();
    void applyColumnWidths();
    void updateSortIndicator();
    void onSortIndicatorChanged(int section, Qt::SortOrder order);
    void onWarnings(const QStringList &warnings);
    void onWaiting(qint64 seconds, const QString &why);
    void tickWaiting();
    void updateActiveQuery();
    void updateEmptyState();
    void onCurrentRowChanged();
    void showShortcuts();
    void showAbout();
    void showInfo(const QString &title, const QString &html);
    void maybeFetchAhead();

    std::unique_ptr<Ui::MainWindow> m_ui;
    Options m_options;
    Clock *m_clock;
    QSettings *m_settings;
    std::unique_ptr<QSettings> m_ownSettings;
    std::unique_ptr<SandboxServer> m_demo;
    ApiClient *m_client;
    ContractsModel *m_model;
    ActionRegistry *m_actions;
    CredentialsPtr m_credentials;
    QString m_baseUrlProblem;
    RateLimitIndicator *m_indicator;
    QLabel *m_statusLabel;
    QLabel *m_waitLabel;
    QLabel *m_accountLabel;
    QPointer<ErrorDialog> m_errorDialog;
    QPointer<ExportDialog> m_exportDialog;
    ErrorSource m_errorSource = ErrorSource::Table;
    QPointer<ColumnChooser> m_chooser;
    QPointer<QMessageBox> m_infoBox;
    QTimer *m_searchTimer;
    QTimer *m_detailTimer;
    QHash<QString, int> m_widths;
    int m_sortSection = -1;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
    qint64 m_waitUntilMs = -1;
    QString m_waitWhy;
    Clock::TimerId m_waitTimer = 0;
    bool m_firstPaintReported = false;
    bool m_restoringWidths = false;
};

} // namespace tango
