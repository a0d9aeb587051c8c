#include "ColumnChooser.h"

#include "contracts/ContractFields.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace tango {

namespace {
constexpr int kPathRole = Qt::UserRole + 1;

QString titleOf(const QString &path)
{
    const ContractField *f = ContractFields::find(path);
    return f ? ContractFields::title(*f) : path;
}
} // namespace

ColumnChooser::ColumnChooser(const QStringList &columns, QWidget *parent)
    : QDialog(parent)
    , m_tree(new QTreeWidget(this))
    , m_list(new QListWidget(this))
    , m_up(new QPushButton(tr("Move &up"), this))
    , m_down(new QPushButton(tr("Move &down"), this))
    , m_remove(new QPushButton(tr("&Hide"), this))
{
    setObjectName(QStringLiteral("columnChooser"));
    setWindowTitle(tr("Columns"));
    setAccessibleName(tr("Choose columns"));
    resize(720, 520);

    m_tree->setObjectName(QStringLiteral("columnCatalogue"));
    m_tree->setAccessibleName(tr("All fields, grouped"));
    m_tree->setHeaderLabels({tr("Field"), tr("API path")});
    m_tree->setRootIsDecorated(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);

    QMap<int, QTreeWidgetItem *> groups;
    for (const ContractField &f : ContractFields::all()) {
        QTreeWidgetItem *&group = groups[int(f.group)];
        if (!group) {
            group = new QTreeWidgetItem(m_tree, {ContractFields::groupTitle(f.group)});
            group->setFlags(Qt::ItemIsEnabled);
            group->setFirstColumnSpanned(false);
        }
        auto *item = new QTreeWidgetItem(group, {ContractFields::title(f), f.path});
        item->setData(0, kPathRole, f.path);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        item->setCheckState(0, Qt::Unchecked);
        if (!f.ordering.isEmpty())
            item->setToolTip(0, tr("Sortable on the server"));
    }
    m_tree->expandAll();

    m_list->setObjectName(QStringLiteral("visibleColumns"));
    m_list->setAccessibleName(tr("Visible columns in order"));
    m_list->setDragDropMode(QAbstractItemView::InternalMove);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);

    m_up->setObjectName(QStringLiteral("moveColumnUp"));
    m_up->setAccessibleName(tr("Move column up"));
    m_down->setObjectName(QStringLiteral("moveColumnDown"));
    m_down->setAccessibleName(tr("Move column down"));
    m_remove->setObjectName(QStringLiteral("hideColumn"));
    m_remove->setAccessibleName(tr("Hide column"));

    auto *buttons = new QDialogButtonBox(
        QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults, this);
    buttons->button(QDialogButtonBox::Ok)->setAccessibleName(tr("Apply columns"));
    buttons->button(QDialogButtonBox::Cancel)->setAccessibleName(tr("Cancel"));
    buttons->button(QDialogButtonBox::RestoreDefaults)
        ->setAccessibleName(tr("Restore default columns"));
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            [this] { setColumns(ContractFields::defaultColumns()); });

    auto *left = new QVBoxLayout;
    auto *leftLabel = new QLabel(tr("Tick the fields to show:"), this);
    leftLabel->setBuddy(m_tree);
    left->addWidget(leftLabel);
    left->addWidget(m_tree);
    auto *right = new QVBoxLayout;
    auto *rightLabel = new QLabel(tr("Columns, in order (drag or use the buttons):"), this);
    rightLabel->setBuddy(m_list);
    right->addWidget(rightLabel);
    right->addWidget(m_list);
    auto *moveRow = new QHBoxLayout;
    moveRow->addWidget(m_up);
    moveRow->addWidget(m_down);
    moveRow->addWidget(m_remove);
    right->addLayout(moveRow);
    auto *panes = new QHBoxLayout;
    panes->addLayout(left, 3);
    panes->addLayout(right, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(panes);
    auto *note = new QLabel(tr("Only the chosen fields are requested from the server."), this);
    note->setWordWrap(true);
    layout->addWidget(note);
    layout->addWidget(buttons);

    connect(m_tree, &QTreeWidget::itemChanged, this, &ColumnChooser::onItemChanged);
    connect(m_list, &QListWidget::currentRowChanged, this, &ColumnChooser::updateButtons);
    connect(m_list->model(), &QAbstractItemModel::rowsMoved, this, &ColumnChooser::updateButtons);
    connect(m_up, &QPushButton::clicked, this, [this] { moveColumn(m_list->currentRow(), -1); });
    connect(m_down, &QPushButton::clicked, this, [this] { moveColumn(m_list->currentRow(), 1); });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        if (QListWidgetItem *it = m_list->currentItem())
            setFieldVisible(it->data(kPathRole).toString(), false);
    });

    setColumns(columns);
}

QStringList ColumnChooser::columns() const
{
    QStringList out;
    for (int i = 0; i < m_list->count(); ++i)
        out << m_list->item(i)->data(kPathRole).toString();
    return out;
}

void ColumnChooser::setColumns(const QStringList &paths)
{
    m_list->clear();
    for (const QString &p : paths) {
        auto *item = new QListWidgetItem(titleOf(p), m_list);
        item->setData(kPathRole, p);
        item->setToolTip(p);
    }
    syncTree();
    updateButtons();
}

void ColumnChooser::setFieldVisible(const QString &path, bool visible)
{
    QStringList cols = columns();
    if (visible && !cols.contains(path))
        cols << path;
    else if (!visible)
        cols.removeAll(path);
    else
        return;
    const int keep = m_list->currentRow();
    setColumns(cols);
    m_list->setCurrentRow(qMin(keep, m_list->count() - 1));
}

void ColumnChooser::moveColumn(int row, int delta)
{
    const int to = row + delta;
    if (row < 0 || row >= m_list->count() || to < 0 || to >= m_list->count())
        return;
    QListWidgetItem *item = m_list->takeItem(row);
    m_list->insertItem(to, item);
    m_list->setCurrentRow(to);
    updateButtons();
}

void ColumnChooser::syncTree()
{
    m_syncing = true;
    const QStringList cols = columns();
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = m_tree->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem *item = group->child(i);
            item->setCheckState(0, cols.contains(item->data(0, kPathRole).toString())
                                       ? Qt::Checked
                                       : Qt::Unchecked);
        }
    }
    m_syncing = false;
}

void ColumnChooser::onItemChanged(QTreeWidgetItem *item, int column)
{
    if (m_syncing || column != 0)
        return;
    const QString path = item->data(0, kPathRole).toString();
    if (path.isEmpty())
        return;
    setFieldVisible(path, item->checkState(0) == Qt::Checked);
}

void ColumnChooser::updateButtons()
{
    const int row = m_list->currentRow();
    m_up->setEnabled(row > 0);
    m_down->setEnabled(row >= 0 && row < m_list->count() - 1);
    m_remove->setEnabled(row >= 0 && m_list->count() > 1);
    // A table without columns would request nothing useful.
    if (m_ok)
        m_ok->setEnabled(m_list->count() > 0);
}

} // namespace tango
