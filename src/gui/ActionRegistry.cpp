#include "ActionRegistry.h"

#include <QAction>
#include <QWidget>

namespace tango {

ActionRegistry::ActionRegistry(QWidget *owner)
    : QObject(owner)
    , m_owner(owner)
{
    add(Id::Export, QStringLiteral("actionExport"), tr("&Export…"),
        QKeySequence(Qt::CTRL | Qt::Key_E), tr("Export the matching contracts to CSV"));
    add(Id::Quit, QStringLiteral("actionQuit"), tr("&Quit"), QKeySequence::Quit,
        tr("Close Tango Explorer"));
    add(Id::FocusSearch, QStringLiteral("actionFocusSearch"), tr("&Search"),
        QKeySequence(Qt::CTRL | Qt::Key_F), tr("Move to the search field"));
    add(Id::Refresh, QStringLiteral("actionRefresh"), tr("&Refresh"), QKeySequence(Qt::Key_F5),
        tr("Load the current query again from the first page"));
    add(Id::Columns, QStringLiteral("actionColumns"), tr("&Columns…"),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), tr("Choose and order the table's columns"));
    add(Id::CopySelection, QStringLiteral("actionCopy"), tr("&Copy cells"), QKeySequence::Copy,
        tr("Copy the selected cells as tab-separated text"));
    add(Id::OpenDetail, QStringLiteral("actionOpenDetail"), tr("Show &details"),
        QKeySequence(Qt::Key_Return), tr("Show the selected contract in the detail pane"));
    add(Id::ClearFilters, QStringLiteral("actionClearFilters"), tr("C&lear filters"),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L), tr("Remove the search and every filter"));
    add(Id::ToggleFilters, QStringLiteral("actionToggleFilters"), tr("&Filters panel"),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F), tr("Show or hide the filters"));
    add(Id::SwitchCredentials, QStringLiteral("actionSwitchCredentials"),
        tr("&Switch credentials…"), {}, tr("Use another API key or account"));
    add(Id::Shortcuts, QStringLiteral("actionShortcuts"), tr("&Keyboard shortcuts"),
        QKeySequence(Qt::CTRL | Qt::Key_Slash), tr("List every keyboard shortcut"));
    add(Id::About, QStringLiteral("actionAbout"), tr("&About Tango Explorer"), {},
        tr("Version and data source"));

    // The copy shortcut must act on the table, not steal Ctrl+C from text fields.
    action(Id::CopySelection)->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    action(Id::OpenDetail)->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    action(Id::OpenDetail)
        ->setShortcuts({QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)});
    action(Id::ToggleFilters)->setCheckable(true);
    action(Id::ToggleFilters)->setChecked(true);
}

QAction *ActionRegistry::add(Id id, const QString &objectName, const QString &text,
                             const QKeySequence &key, const QString &help)
{
    auto *a = new QAction(text, m_owner);
    a->setObjectName(objectName);
    if (!key.isEmpty())
        a->setShortcut(key);
    a->setStatusTip(help);
    a->setToolTip(help);
    a->setWhatsThis(help);
    m_actions.insert(id, a);
    m_ordered.append(a);
    return a;
}

QString ActionRegistry::shortcutsHtml() const
{
    QString html = QStringLiteral("<table cellspacing='0' cellpadding='4'>");
    for (const QAction *a : m_ordered) {
        if (a->shortcut().isEmpty() || !a->isVisible())
            continue;
        QString name = a->text();
        name.remove(QLatin1Char('&'));
        name.remove(QStringLiteral("…"));
        html +=
            QStringLiteral("<tr><td><b>%1</b></td><td>%2</td><td style='color:#666'>%3</td></tr>")
                .arg(a->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped(),
                     name.toHtmlEscaped(), a->statusTip().toHtmlEscaped());
    }
    return html + QStringLiteral("</table>");
}

} // namespace tango
