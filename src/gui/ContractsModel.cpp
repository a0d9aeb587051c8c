#include "ContractsModel.h"

#include "api/ApiClient.h"
#include "api/ApiReply.h"
#include "api/ListPage.h"
#include "contracts/ContractFields.h"

#include <QBrush>
#include <QDate>
#include <QGuiApplication>
#include <QPalette>
#include <QScopedValueRollback>

#include <cmath>
#include <limits>

namespace tango {

namespace {
const QString kContractsPath = QStringLiteral("/api/contracts/");
constexpr int kTooltipThreshold = 40;

QString dash()
{
    return QStringLiteral("\u2014");
}
} // namespace

ContractsModel::ContractsModel(ApiClient *client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
{
    m_query.setFields(ContractFields::defaultColumns());
    m_query.setLimit(ContractQuery::kMaxLimit);
    rebuildColumnCache();
}

QString ContractsModel::formatMoney(double value, int decimals)
{
    // Amounts are US dollars whatever the user's locale: a USD locale formats them fully;
    // elsewhere keep the locale's digits and grouping but say "US$" (never euros or yen).
    QLocale locale;
    if (locale.language() == QLocale::C)
        locale = QLocale(QLocale::English, QLocale::UnitedStates);
    if (locale.currencySymbol(QLocale::CurrencyIsoCode) == QLatin1String("USD"))
        return locale.toCurrencyString(value, locale.currencySymbol(), decimals);
    const QString digits = locale.toString(std::abs(value), 'f', decimals);
    return (value < 0 ? QStringLiteral("-US$") : QStringLiteral("US$")) + digits;
}

ContractsModel::~ContractsModel()
{
    if (m_reply) {
        ApiReply *r = m_reply;
        m_reply = nullptr;
        r->disconnect(this);
        r->abort();
    }
}

void ContractsModel::setClient(ApiClient *client)
{
    if (m_client == client)
        return;
    clear();
    m_client = client;
}

void ContractsModel::rebuildColumnCache()
{
    m_fields.clear();
    for (const QString &p : m_query.fields())
        m_fields.push_back(ContractFields::find(p));
}

const ContractField *ContractsModel::fieldAt(int column) const
{
    if (column < 0 || column >= int(m_fields.size()))
        return nullptr;
    return m_fields[size_t(column)];
}

void ContractsModel::setQuery(const ContractQuery &query, bool load)
{
    ContractQuery q = query;
    if (q.fields().isEmpty())
        q.setFields(ContractFields::defaultColumns());
    q.setLimit(ContractQuery::kMaxLimit);
    m_pendingQuery = q; // applied inside the reset, so columns and rows change together
    if (load)
        reload();
    else
        clear();
}

void ContractsModel::setColumns(const QStringList &paths)
{
    ContractQuery q = m_query;
    q.setFields(paths);
    setQuery(q);
}

void ContractsModel::setOrdering(const QString &ordering)
{
    if (ordering == m_query.ordering() && m_started)
        return;
    m_query.setOrdering(ordering);
    reload();
}

bool ContractsModel::isSortable(int column) const
{
    const ContractField *f = fieldAt(column);
    return f && !f->ordering.isEmpty();
}

void ContractsModel::sort(int column, Qt::SortOrder order)
{
    // Only the server can sort: a client-side sort of a partial result would lie.
    const ContractField *f = fieldAt(column);
    if (!f || f->ordering.isEmpty())
        return;
    setOrdering(order == Qt::DescendingOrder ? QLatin1Char('-') + f->ordering : f->ordering);
}

void ContractsModel::resetRows()
{
    ++m_generation;
    if (m_reply) {
        ApiReply *r = m_reply;
        setReply(nullptr);
        r->disconnect(this);
        r->abort();
    }
    {
        // Views and testers may ask for more from inside modelReset: nothing is valid yet.
        const QScopedValueRollback<bool> updating(m_updating, true);
        beginResetModel();
        if (m_pendingQuery) {
            m_query = *m_pendingQuery;
            m_pendingQuery.reset();
            rebuildColumnCache();
        }
        m_rows.clear();
        m_rows.shrink_to_fit();
        m_nextCursor.clear();
        m_nextUrl.clear();
        m_hasMore = false;
        m_failed = false;
        m_total.reset();
        endResetModel();
    }
    if (!m_warnings.isEmpty()) {
        m_warnings.clear();
        emit warnings(m_warnings);
    }
}

void ContractsModel::clear()
{
    resetRows();
    m_started = false;
    emit statusChanged(statusText());
}

void ContractsModel::reload()
{
    resetRows();
    m_started = true;
    if (!m_client) {
        emit statusChanged(statusText());
        return;
    }
    requestPage({});
}

void ContractsModel::retry()
{
    if (!m_started || m_reply || !m_client)
        return;
    m_failed = false;
    if (m_rows.empty())
        requestPage({});
    else if (m_hasMore)
        requestPage(m_nextCursor);
}

void ContractsModel::cancel()
{
    if (!m_reply)
        return;
    ++m_generation;
    ApiReply *r = m_reply;
    setReply(nullptr);
    r->disconnect(this);
    r->abort();
    emit statusChanged(statusText());
}

void ContractsModel::setReply(ApiReply *reply)
{
    // No fetch may start from inside the row signals (views and testers call fetchMore()).
    const QScopedValueRollback<bool> updating(m_updating, true);
    const bool was = m_reply != nullptr;
    const bool now = reply != nullptr;
    const int placeholder = int(m_rows.size());
    if (was && !now) {
        beginRemoveRows({}, placeholder, placeholder);
        m_reply = nullptr;
        endRemoveRows();
    } else if (!was && now) {
        beginInsertRows({}, placeholder, placeholder);
        m_reply = reply;
        endInsertRows();
    } else {
        m_reply = reply;
    }
    if (was != now)
        emit loadingChanged(now);
}

void ContractsModel::requestPage(const QString &cursor)
{
    if (!m_client || m_reply || m_updating)
        return;
    ApiReply *r = nullptr;
    if (!cursor.isEmpty() || !m_nextUrl.isValid() || m_rows.empty())
        r = m_client->getList(kContractsPath, m_query.toUrlQuery(cursor));
    else
        r = m_client->getUrl(m_nextUrl, ApiReply::Expect::ListPage);
    const quint64 gen = m_generation;
    setReply(r);
    connect(r, &ApiReply::pageReady, this, [this, gen](const ListPage &p) { onPage(gen, p); });
    connect(r, &ApiReply::failed, this, [this, gen](const ApiError &e) { onFailed(gen, e); });
    connect(r, &ApiReply::waiting, this,
            [this, gen](qint64 s, ApiReply::WaitReason, const QString &why) {
                if (gen == m_generation)
                    emit waiting(s, why);
            });
    connect(r, &ApiReply::finished, r, &QObject::deleteLater);
    emit statusChanged(statusText());
    if (r->isFinished()) {
        // The client refused synchronously (e.g. a bad base URL): nothing will be emitted.
        if (r->error().isError())
            onFailed(gen, r->error());
        else
            onPage(gen, r->page());
        r->deleteLater();
    }
}

void ContractsModel::onPage(quint64 generation, const ListPage &page)
{
    if (generation != m_generation)
        return; // a reply for an older query: its rows belong to nobody now
    // Views and testers may call fetchMore() from inside the row signals below.
    const QScopedValueRollback<bool> updating(m_updating, true);
    setReply(nullptr);
    emit waiting(0, {});
    m_failed = false;
    m_total = page.count();
    m_nextCursor = page.cursor();
    m_nextUrl = page.next();
    m_hasMore = page.hasNext();
    const int before = loadedCount();
    appendRecords(page.results());
    // Warnings describe the query, so the first page's set is authoritative; later pages may
    // repeat them or say nothing.
    const QStringList w = page.warnings();
    if ((before == 0 || !w.isEmpty()) && w != m_warnings) {
        m_warnings = w;
        emit warnings(m_warnings);
    }
    emit statusChanged(statusText());
    emit pageLoaded(loadedCount() - before);
}

void ContractsModel::onFailed(quint64 generation, const ApiError &error)
{
    if (generation != m_generation || error.kind() == ApiError::Kind::Aborted)
        return;
    {
        const QScopedValueRollback<bool> updating(m_updating, true);
        setReply(nullptr);
        m_failed = true;
        m_failure = error.title();
    }
    emit waiting(0, {});
    emit statusChanged(statusText());
    emit failed(error);
}

void ContractsModel::appendRecords(const QJsonArray &records)
{
    if (records.isEmpty())
        return;
    const int first = int(m_rows.size());
    const int columns = int(m_fields.size());
    const QStringList paths = m_query.fields();
    // Insert after the placeholder is gone (see onPage), so rows stay contiguous.
    beginInsertRows({}, first, first + int(records.size()) - 1);
    QString buffer;
    for (const QJsonValue &rv : records) {
        const QJsonObject rec = rv.toObject();
        Row row;
        row.cells.resize(size_t(columns));
        buffer.resize(0);
        buffer += ContractFields::text(rec.value(QLatin1String("key")));
        row.keyLength = quint32(buffer.size());
        for (int c = 0; c < columns; ++c) {
            Slot &s = row.cells[size_t(c)];
            s.number = std::numeric_limits<double>::quiet_NaN();
            s.begin = quint32(buffer.size());
            const QJsonValue v = ContractFields::valueAt(rec, paths.at(c));
            if (ContractFields::isNull(v)) {
                s.length = kNull;
                continue;
            }
            const ContractField *f = m_fields[size_t(c)];
            const ContractField::Type type = f ? f->type : ContractField::Type::Text;
            QString shown;
            switch (type) {
            case ContractField::Type::Money:
                if (auto n = ContractFields::number(v)) {
                    s.number = *n;
                    shown = formatMoney(std::round(*n), 0);
                } else {
                    shown = ContractFields::text(v);
                }
                break;
            case ContractField::Type::Integer:
                if (auto n = ContractFields::number(v)) {
                    s.number = *n;
                    // A year with a thousands separator ("2,024") reads as an amount.
                    shown = paths.at(c).endsWith(QLatin1String("year"))
                                ? QString::number(qint64(*n))
                                : m_locale.toString(qint64(*n));
                } else {
                    shown = ContractFields::text(v);
                }
                break;
            case ContractField::Type::Date: {
                const QString t = ContractFields::text(v);
                const QDate d = QDate::fromString(t.left(10), Qt::ISODate);
                shown = d.isValid() ? m_locale.toString(d, QLocale::ShortFormat) : t;
                break;
            }
            case ContractField::Type::Code:
                shown = ContractFields::code(v);
                if (shown.isEmpty())
                    shown = ContractFields::text(v);
                break;
            case ContractField::Type::Text:
                shown = ContractFields::text(v);
                shown.replace(QLatin1Char('\n'), QLatin1Char(' '));
                break;
            }
            if (shown.isEmpty() && type != ContractField::Type::Text) {
                s.length = kNull;
                continue;
            }
            buffer += shown;
            s.length = quint32(shown.size());
        }
        row.text = QString(buffer.constData(), buffer.size());
        buffer.resize(0);
        m_rows.push_back(std::move(row));
    }
    endInsertRows();
}

QString ContractsModel::cellText(const Row &row, const Slot &slot) const
{
    if (slot.length == kNull)
        return {};
    return row.text.mid(int(slot.begin), int(slot.length));
}

QString ContractsModel::keyAt(int row) const
{
    if (row < 0 || row >= int(m_rows.size()))
        return {};
    const Row &r = m_rows[size_t(row)];
    return r.text.left(int(r.keyLength));
}

QString ContractsModel::statusText() const
{
    if (!m_started)
        return {}; // the account label already says why nothing loads
    const QString loaded = m_locale.toString(loadedCount());
    if (m_rows.empty() && m_reply)
        return tr("Loading contracts…");
    if (m_rows.empty() && m_failed)
        return tr("Loading failed: %1").arg(m_failure);
    if (m_rows.empty() && !m_hasMore)
        return tr("No contracts match this query");
    if (!m_hasMore)
        return tr("Loaded all %1").arg(loaded);
    const QString text = m_total
                             ? tr("Loaded %1 of about %2").arg(loaded, m_locale.toString(*m_total))
                             : tr("Loaded %1").arg(loaded);
    if (m_failed)
        return tr("%1 · the next page failed: %2").arg(text, m_failure);
    return text;
}

int ContractsModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return int(m_rows.size()) + (m_reply ? 1 : 0);
}

int ContractsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_fields.size());
}

Qt::ItemFlags ContractsModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    if (index.row() >= int(m_rows.size()))
        return Qt::ItemIsEnabled; // the loading placeholder is not a contract
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QVariant ContractsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.column() >= int(m_fields.size()))
        return {};
    const int r = index.row();
    const int c = index.column();
    if (r >= int(m_rows.size())) {
        switch (role) {
        case Qt::DisplayRole:
            return c == 0 ? tr("Loading…") : QVariant();
        case Qt::ForegroundRole:
            return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
        case IsLoadingRowRole:
            return true;
        default:
            return {};
        }
    }
    const Row &row = m_rows[size_t(r)];
    const Slot &s = row.cells[size_t(c)];
    const ContractField *f = m_fields[size_t(c)];
    switch (role) {
    case Qt::DisplayRole:
        return s.length == kNull ? dash() : cellText(row, s);
    case Qt::EditRole:
        return cellText(row, s);
    case Qt::ToolTipRole: {
        if (s.length == kNull)
            return tr("No value");
        if (f && f->type == ContractField::Type::Money && !std::isnan(s.number))
            return formatMoney(s.number, 2);
        if (s.length > quint32(kTooltipThreshold)) {
            // Rich text so that long descriptions wrap instead of running off the screen.
            return QStringLiteral("<p>%1</p>").arg(cellText(row, s).toHtmlEscaped());
        }
        return {};
    }
    case Qt::TextAlignmentRole:
        if (f && (f->type == ContractField::Type::Money || f->type == ContractField::Type::Integer))
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if (s.length == kNull)
            return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
        return {};
    case KeyRole:
        return row.text.left(int(row.keyLength));
    case FieldPathRole:
        return m_query.fields().value(c);
    case NumericValueRole:
        return std::isnan(s.number) ? QVariant() : QVariant(s.number);
    case IsNullRole:
        return s.length == kNull;
    case IsLoadingRowRole:
        return false;
    default:
        return {};
    }
}

QVariant ContractsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical) {
        if (role == Qt::DisplayRole)
            return section + 1;
        return {};
    }
    const ContractField *f = fieldAt(section);
    const QString path = m_query.fields().value(section);
    switch (role) {
    case Qt::DisplayRole:
        return f ? ContractFields::title(*f) : path;
    case Qt::ToolTipRole:
        if (f && !f->ordering.isEmpty())
            return tr("%1 — click to sort all matching contracts on the server")
                .arg(ContractFields::title(*f));
        return tr("%1 — not sortable (only award date, obligated and total contract value are)")
            .arg(f ? ContractFields::title(*f) : path);
    case Qt::TextAlignmentRole:
        if (f && (f->type == ContractField::Type::Money || f->type == ContractField::Type::Integer))
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    case FieldPathRole:
        return path;
    default:
        return {};
    }
}

bool ContractsModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_started && m_hasMore && !m_reply && !m_failed && !m_updating &&
           m_client;
}

void ContractsModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    requestPage(m_nextCursor);
}

} // namespace tango
