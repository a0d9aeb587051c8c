#pragma once

#include <QDialog>
#include <QStringList>

class QListWidget;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace tango {

// Chooses the table's columns from the whole field catalogue, grouped, and their order. The
// table then asks the server for exactly those fields (the shape follows the columns).
class ColumnChooser : public QDialog
{
    Q_OBJECT
public:
    explicit ColumnChooser(const QStringList &columns, QWidget *parent = nullptr);

    QStringList columns() const;
    void setColumns(const QStringList &paths);

    // Shows or hides one field (appended at the end when shown).
    void setFieldVisible(const QString &path, bool visible);
    // Moves the visible column at `row` by `delta` places.
    void moveColumn(int row, int delta);

private:
    void syncTree();
    void onItemChanged(QTreeWidgetItem *item, int column);
    void updateButtons();

    QTreeWidget *m_tree;
    QListWidget *m_list;
    QPushButton *m_up;
    QPushButton *m_down;
    QPushButton *m_remove;
    QPushButton *m_ok = nullptr;
    bool m_syncing = false;
};

} // namespace tango
