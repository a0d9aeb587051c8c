#include "FilterPanel.h"

#include "contracts/ContractQuery.h"

#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace tango;

class tst_FilterPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyFilterIsAnAcceptedApiFilter()
    {
        for (const QString &name : FilterPanel::filterNames())
            QVERIFY2(ContractQuery::isFilterName(name), qPrintable(name));
        FilterPanel panel;
        for (const QString &name : FilterPanel::filterNames()) {
            QWidget *w = panel.editor(name);
            QVERIFY2(w, qPrintable(name));
            QVERIFY2(!w->accessibleName().isEmpty(), qPrintable(name));
        }
        QCOMPARE(panel.editor(QStringLiteral("no_such_filter")), nullptr);
    }

    void valuesRoundTrip()
    {
        FilterPanel panel;
        QMap<QString, QString> f{{QStringLiteral("awarding_agency"), QStringLiteral("HUD|GSA")},
                                 {QStringLiteral("award_type"), QStringLiteral("c")},
                                 {QStringLiteral("fiscal_year_gte"), QStringLiteral("2020")},
                                 {QStringLiteral("obligated_lte"), QStringLiteral("250000")},
                                 {QStringLiteral("uei"), QStringLiteral("UX6XA5HES291")}};
        panel.setFilters(f);
        QMap<QString, QString> expected = f;
        expected[QStringLiteral("award_type")] = QStringLiteral("C");
        QCOMPARE(panel.filters(), expected);
        panel.setFilters({});
        QVERIFY(panel.filters().isEmpty());
    }

    void applyToReplacesOnlyItsFilters()
    {
        FilterPanel panel;
        ContractQuery q;
        q.setSearch(QStringLiteral("cloud"));
        q.setFilter(QStringLiteral("naics"), QStringLiteral("541511"));
        q.setFilter(QStringLiteral("funding_agency"), QStringLiteral("DOD")); // not on the panel
        qobject_cast<QLineEdit *>(panel.editor(QStringLiteral("piid")))
            ->setText(QStringLiteral("  W91-1 "));
        panel.applyTo(q);
        QCOMPARE(q.filter(QStringLiteral("piid")), QStringLiteral("W91-1"));
        QCOMPARE(q.filter(QStringLiteral("naics")), QString());
        QCOMPARE(q.filter(QStringLiteral("funding_agency")), QStringLiteral("DOD"));
        QCOMPARE(q.search(), QStringLiteral("cloud"));
    }

    void enterAndApplyButtonRequestApplication()
    {
        FilterPanel panel;
        panel.show();
        QSignalSpy apply(&panel, &FilterPanel::applyRequested);
        auto *edit = qobject_cast<QLineEdit *>(panel.editor(QStringLiteral("recipient")));
        QTest::keyClicks(edit, QStringLiteral("acme"));
        QCOMPARE(apply.size(), 0);
        QTest::keyClick(edit, Qt::Key_Return);
        QCOMPARE(apply.size(), 1);
        QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("applyFilters")),
                          Qt::LeftButton);
        QCOMPARE(apply.size(), 2);
    }

    void clearButtonEmptiesEverything()
    {
        FilterPanel panel;
        panel.setFilters({{QStringLiteral("psc"), QStringLiteral("D302")},
                          {QStringLiteral("award_type"), QStringLiteral("A")}});
        panel.setErrors({QStringLiteral("bad")});
        QSignalSpy cleared(&panel, &FilterPanel::clearRequested);
        QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("clearFilters")),
                          Qt::LeftButton);
        QCOMPARE(cleared.size(), 1);
        QVERIFY(panel.filters().isEmpty());
        QVERIFY(!panel.hasErrors());
    }

    void errorsAreShownNextToThePanel()
    {
        FilterPanel panel;
        panel.show();
        ContractQuery q;
        panel.setFilters({{QStringLiteral("fiscal_year_gte"), QStringLiteral("20x4")},
                          {QStringLiteral("award_date_lte"), QStringLiteral("2024-13-45")}});
        panel.applyTo(q);
        const QStringList problems = q.validate();
        QCOMPARE(problems.size(), 2);
        panel.setErrors(problems);
        QVERIFY(panel.hasErrors());
        QVERIFY(panel.errorText().contains(QLatin1String("20x4")));
        QVERIFY(panel.errorText().contains(QLatin1String("2024-13-45")));
        QVERIFY(panel.findChild<QWidget *>(QStringLiteral("filterErrors"))->isVisible());
        panel.setErrors({});
        QVERIFY(!panel.hasErrors());
        QVERIFY(!panel.findChild<QWidget *>(QStringLiteral("filterErrors"))->isVisible());
    }
};

QTEST_MAIN(tst_FilterPanel)
#include "tst_FilterPanel.moc"
