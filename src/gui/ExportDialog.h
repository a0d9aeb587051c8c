#pragma once

#include "api/ApiReply.h"
#include "contracts/ContractQuery.h"
#include "export/ExportJob.h"
#include "export/ExportProgress.h"

#include <QDialog>
#include <QPointer>
#include <QStringList>

#include <memory>
#include <optional>

class QTimer;

namespace Ui {
class ExportDialog;
}

namespace tango {

class ApiClient;
class ContractsModel;

// File → Export…: choose rows, columns and format, then export while the user keeps browsing.
// Non-modal: show() it; the export runs in the background with live progress, Cancel, and
// Resume after a failure. Loaded and selected rows are fetched again by key, so every column
// (also "all fields") has the server's exact values, not the table's display text.
class ExportDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Scope
    {
        Loaded,
        All,
        Selected
    };
    Q_ENUM(Scope)
    enum class Columns
    {
        Visible,
        All
    };
    Q_ENUM(Columns)

    explicit ExportDialog(ApiClient *client, QWidget *parent = nullptr);
    ~ExportDialog() override;

    // What the main window knows; call before show() (and again when reopening).
    void setQuery(const ContractQuery &query);
    void setVisibleColumns(const QStringList &pathsInViewOrder);
    void setLoadedKeys(const QStringList &keys);
    void setSelectedKeys(const QStringList &keys);
    // "about N" rows matching the query (the list's count), when known.
    void setMatchingCount(std::optional<qint64> count);
    // All three from the contracts table: its loaded rows' keys, the keys of these (source)
    // rows, and its count ("all" when everything is loaded).
    void setFromModel(const ContractsModel *model, const QList<int> &selectedSourceRows);

    // The options page again (unless an export is running or waiting for Resume).
    void showOptions();

    Scope scope() const;
    void setScope(Scope s);
    Columns columnsChoice() const;
    void setColumnsChoice(Columns c);
    QString outputPath() const;
    void setOutputPath(const QString &path);
    // The columns an export would write now.
    QStringList columnsToExport() const;
    // The estimate line and the quota warning shown for "all rows" (empty when none).
    QString estimateText() const;
    QString quotaWarningText() const;

    ExportJob *job() const { return m_job; }
    bool isExporting() const;
    // Running, or stopped by a failure and waiting for Resume: the progress page must stay.
    bool hasUnfinishedExport() const;

public Q_SLOTS:
    // Same as pressing Export; false (with the reason shown) when the choices are incomplete.
    bool startExport();
    void cancelExport();
    bool resumeExport();

Q_SIGNALS:
    void exportFinished(const QString &path);
    void exportFailed(const QString &message);

private:
    void loadSettings();
    void saveSettings() const;
    void updateScopeTexts();
    void updateEstimate();
    void chooseFile();
    void showProgressPage();
    void onProgress(const ExportProgress &p);
    void onWaiting(qint64 seconds, ApiReply::WaitReason reason, const QString &why);
    void onFinished(const QString &path);
    void onFailed(const QString &message);
    void onCancelled();
    void tickWait();
    void openFolder();
    void setButtonsFor(ExportJob::State state);

    std::unique_ptr<Ui::ExportDialog> m_ui;
    QPointer<ApiClient> m_client;
    ContractQuery m_query;
    QStringList m_visibleColumns;
    QStringList m_loadedKeys;
    QStringList m_selectedKeys;
    std::optional<qint64> m_matchingCount;
    ExportJob *m_job = nullptr;
    QString m_lastPath;
    QTimer *m_waitTimer = nullptr;
    qint64 m_waitEndsMs = 0;
    QString m_waitWhy;
};

} // namespace tango
