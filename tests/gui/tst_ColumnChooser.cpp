#include "ColumnChooser.h"

#include "contracts/ContractFields.h"

#include <QListWidget>
#include <QPushButton>
#include <QTest>
#include <QTreeWidget>

using namespace tango;

class tst_ColumnChooser : public QObject
{
    Q_OBJECT

private:
    static QTreeWidgetItem *itemFor(ColumnChooser &c, const QString &path)
    {
        auto *tree = c.findChild<QTreeWidget *>(QStringLiteral("columnCatalogue"));
        for (int g = 0; g < tree->topLevelItemCount(); ++g)
            for (int i = 0; i < tree->topLevelItem(g)->childCount(); ++i)
                if (tree->topLevelItem(g)->child(i)->text(1) == path)
                    return tree->topLevelItem(g)->child(i);
        return nullptr;
    }

private Q_SLOTS:
    void catalogueIsCompleteAndGrouped()
    {
        ColumnChooser c(ContractFields::defaultColumns());
        auto *tree = c.findChild<QTreeWidget *>(QStringLiteral("columnCatalogue"));
        int fields = 0;
        for (int g = 0; g < tree->topLevelItemCount(); ++g)
            fields += tree->topLevelItem(g)->childCount();
        QCOMPARE(fields, ContractFields::all().size());
        QVERIFY(tree->topLevelItemCount() >= 4);
        for (const ContractField &f : ContractFields::all()) {
            QTreeWidgetItem *it = itemFor(c, f.path);
            QVERIFY2(it, qPrintable(f.path));
            QCOMPARE(it->parent()->text(0), ContractFields::groupTitle(f.group));
            QCOMPARE(it->checkState(0) == Qt::Checked,
                     ContractFields::defaultColumns().contains(f.path));
        }
        QCOMPARE(c.columns(), ContractFields::defaultColumns());
    }

    void tickingShowsAndHides()
    {
        ColumnChooser c({QStringLiteral("piid"), QStringLiteral("obligated")});
        itemFor(c, QStringLiteral("fiscal_year"))->setCheckState(0, Qt::Checked);
        QCOMPARE(c.columns(), (QStringList{QStringLiteral("piid"), QStringLiteral("obligated"),
                                           QStringLiteral("fiscal_year")}));
        itemFor(c, QStringLiteral("piid"))->setCheckState(0, Qt::Unchecked);
        QCOMPARE(c.columns(),
                 (QStringList{QStringLiteral("obligated"), QStringLiteral("fiscal_year")}));
        c.setFieldVisible(QStringLiteral("obligated"), true); // already there: unchanged
        QCOMPARE(c.columns().size(), 2);
    }

    void reorderingMovesColumns()
    {
        ColumnChooser c({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")});
        c.moveColumn(2, -1);
        QCOMPARE(c.columns(),
                 (QStringList{QStringLiteral("a"), QStringLiteral("c"), QStringLiteral("b")}));
        c.moveColumn(0, -1); // out of range: nothing
        c.moveColumn(2, 1);
        c.moveColumn(7, 1);
        QCOMPARE(c.columns(),
                 (QStringList{QStringLiteral("a"), QStringLiteral("c"), QStringLiteral("b")}));
        c.moveColumn(0, 2);
        QCOMPARE(c.columns(),
                 (QStringList{QStringLiteral("c"), QStringLiteral("b"), QStringLiteral("a")}));
    }

    void okNeedsAtLeastOneColumn()
    {
        ColumnChooser c({QStringLiteral("piid")});
        c.setFieldVisible(QStringLiteral("piid"), false);
        QVERIFY(c.columns().isEmpty());
        auto buttons = c.findChildren<QPushButton *>();
        bool okDisabled = false;
        for (QPushButton *b : buttons)
            if (b->accessibleName() == QLatin1String("Apply columns"))
                okDisabled = !b->isEnabled();
        QVERIFY(okDisabled);
    }
};

QTEST_MAIN(tst_ColumnChooser)
#include "tst_ColumnChooser.moc"
