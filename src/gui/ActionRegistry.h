#pragma once

#include <QHash>
#include <QKeySequence>
#include <QObject>
#include <QVector>

class QAction;
class QWidget;

namespace tango {

// Every user action of the main window, with its text and shortcut, defined in one place so
// that menus, the keyboard-shortcut help and tests all agree.
class ActionRegistry : public QObject
{
    Q_OBJECT
public:
    enum class Id
    {
        Export,
        Quit,
        FocusSearch,
        Refresh,
        Columns,
        CopySelection,
        OpenDetail,
        ClearFilters,
        ToggleFilters,
        SwitchCredentials,
        Shortcuts,
        About,
    };
    Q_ENUM(Id)

    // Actions are created as children of `owner` and added to it, so shortcuts work anywhere
    // in that window.
    explicit ActionRegistry(QWidget *owner);

    QAction *action(Id id) const { return m_actions.value(id); }
    QVector<QAction *> all() const { return m_ordered; }
    // "Ctrl+F    Search" lines, in menu order, for the Help dialog (rich text table).
    QString shortcutsHtml() const;

private:
    QAction *add(Id id, const QString &objectName, const QString &text, const QKeySequence &key,
                 const QString &help);

    QWidget *m_owner;
    QHash<Id, QAction *> m_actions;
    QVector<QAction *> m_ordered;
};

} // namespace tango
