#pragma once

#include "api/ApiClient.h"
#include "api/ApiError.h"
#include "api/ApiReply.h"
#include "contracts/ContractField.h"
#include "contracts/ContractQuery.h"

#include <QAbstractTableModel>
#include <QJsonArray>
#include <QLocale>
#include <QPointer>
#include <QUrl>

#include <optional>
#include <vector>

namespace tango {

class ListPage;

// The contracts table: one server query, walked page after page with its cursor as the view
// scrolls. Rows are kept as display-ready compact cells (one text buffer plus one slot per
// column), because a QJsonObject per row costs several kilobytes and 50,000 rows must fit.
class ContractsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role
    {
        KeyRole = Qt::UserRole + 1, // the contract key of the row
        FieldPathRole,              // the column's field path
        NumericValueRole,           // money/integers: the number (double), else invalid
        IsNullRole,                 // true when the server sent null or nothing
        IsLoadingRowRole,           // true on the "Loading…" placeholder row
    };

    explicit ContractsModel(ApiClient *client = nullptr, QObject *parent = nullptr);
    ~ContractsModel() override;

    void setClient(ApiClient *client);
    ApiClient *client() const { return m_client; }

    // Sets the query (its fields are the columns) and, unless told not to, loads its first page.
    void setQuery(const ContractQuery &query, bool load = true);
    ContractQuery query() const { return m_query; }
    // Columns are the query's fields; changing them reloads with the new shape.
    void setColumns(const QStringList &paths);
    QStringList columns() const { return m_query.fields(); }
    const ContractField *fieldAt(int column) const;

    // Drops every row and loads the first page again.
    void reload();
    // Repeats the request that failed last (the first page, or the next cursor).
    void retry();
    // Forgets everything and sends nothing (no credentials yet).
    void clear();
    // Aborts the request in flight, keeping the rows.
    void cancel();

    bool isLoading() const { return m_reply != nullptr; }
    bool hasMore() const { return m_hasMore; }
    bool hasFailed() const { return m_failed; }
    int loadedCount() const { return int(m_rows.size()); }
    std::optional<qint64> totalCount() const { return m_total; }
    QString keyAt(int row) const;
    QString statusText() const;
    QStringList currentWarnings() const { return m_warnings; }
    quint64 generation() const { return m_generation; }
    bool isSortable(int column) const;
    // Sorts by `ordering` on the server: "award_date" or "-obligated"; empty for the default.
    void setOrdering(const QString &ordering);

    // US dollars in the user's number format: "$1,234,568" (decimals 0) or "$1,234,567.89".
    static QString formatMoney(double value, int decimals);

    // Appends records as if they came in a page (used by the network path and by benchmarks).
    void appendRecords(const QJsonArray &records);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    void sort(int column, Qt::SortOrder order) override;

Q_SIGNALS:
    void failed(const tango::ApiError &error);
    void warnings(const QStringList &warnings);
    void loadingChanged(bool loading);
    void statusChanged(const QString &text);
    void pageLoaded(int rowsAdded);
    // A request is held back (rate limit, pacing or backoff); 0 seconds when it goes again.
    void waiting(qint64 seconds, const QString &why);

private:
    struct Slot
    {
        double number;  // money/integer value; NaN otherwise
        quint32 begin;  // display text in Row::text
        quint32 length; // kNull when the value is null
    };
    struct Row
    {
        QString text; // key, then every cell's display text
        quint32 keyLength = 0;
        std::vector<Slot> cells; // one per column
    };
    static constexpr quint32 kNull = 0xffffffffu;

    void requestPage(const QString &cursor);
    void onPage(quint64 generation, const ListPage &page);
    void onFailed(quint64 generation, const ApiError &error);
    void setReply(ApiReply *reply);
    void resetRows();
    void rebuildColumnCache();
    QString cellText(const Row &row, const Slot &slot) const;

    QPointer<ApiClient> m_client;
    ContractQuery m_query;
    std::optional<ContractQuery> m_pendingQuery;
    std::vector<Row> m_rows;
    std::vector<const ContractField *> m_fields; // per column, nullptr for unknown paths
    QPointer<ApiReply> m_reply;
    quint64 m_generation = 0;
    QString m_nextCursor;
    QUrl m_nextUrl;
    bool m_hasMore = false;
    bool m_started = false;
    bool m_failed = false;
    bool m_updating = false; // inside a page/failure update: no re-entrant fetches
    std::optional<qint64> m_total;
    QStringList m_warnings;
    QString m_failure; // title of the last error, for the status line
    QLocale m_locale;
};

} // namespace tango
