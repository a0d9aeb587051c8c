#include "ContractsModel.h"

#include "api/ApiClient.h"
#include "auth/ApiKeyCredentials.h"
#include "contracts/ContractFields.h"
#include "sandbox/SandboxServer.h"

#include "SandboxLog.h"
#include "SandboxSession.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QSignalSpy>
#include <QTest>

using namespace tango;

class tst_ContractsModel : public QObject
{
    Q_OBJECT

private:
    SandboxSession m_sandbox;

    SandboxLogEntries contractLists() const { return contractListLog(*m_sandbox.server()); }
    int columnOf(const ContractsModel &m, const QString &path) { return m.columns().indexOf(path); }

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }
    void init() { QVERIFY(m_sandbox.start()); }
    void cleanup() { m_sandbox.stop(); }

    void firstPageRequestsVisibleShapeAndLimit()
    {
        ContractsModel model(m_sandbox.client());
        QSignalSpy loaded(&model, &ContractsModel::pageLoaded);
        model.reload();
        QVERIFY(loaded.wait(10000));
        const auto log = contractLists();
        QCOMPARE(log.size(), 1);
        QCOMPARE(queryItem(log[0], QStringLiteral("limit")), QStringLiteral("100"));
        QCOMPARE(queryItem(log[0], QStringLiteral("shape")),
                 QStringLiteral("key,") +
                     ContractFields::shapeFor(ContractFields::defaultColumns()));
        QVERIFY(queryItem(log[0], QStringLiteral("shape")).startsWith(QLatin1String("key,")));
        QVERIFY(!log[0].query.hasQueryItem(QStringLiteral("cursor")));
        QCOMPARE(log[0].credentials, QStringLiteral("api-key"));
        QCOMPARE(model.loadedCount(), 100);
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(model.columnCount(), ContractFields::defaultColumns().size());
        QCOMPARE(model.keyAt(0), m_sandbox.server()->keysInDefaultOrder().at(0));
        QCOMPARE(model.keyAt(99), m_sandbox.server()->keysInDefaultOrder().at(99));
        QCOMPARE(model.statusText(), QStringLiteral("Loaded 100 of about %1")
                                         .arg(QLocale().toString(m_sandbox.server()->rowCount())));
    }

    void modelStaysConsistentWhilePaging()
    {
        ContractsModel model(m_sandbox.client());
        // The tester checks every signal; it also calls fetchMore() itself, like a view.
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &ContractsModel::pageLoaded);
        model.reload();
        for (int page = 1; page <= 3; ++page) {
            QTRY_VERIFY_WITH_TIMEOUT(model.loadedCount() >= page * 100 && !model.isLoading(),
                                     10000);
            model.fetchMore({});
        }
        model.setColumns({QStringLiteral("piid")});
        QTRY_VERIFY_WITH_TIMEOUT(model.loadedCount() >= 100 && !model.isLoading(), 10000);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void fetchMoreFollowsTheCursor()
    {
        ContractsModel model(m_sandbox.client());
        QSignalSpy loaded(&model, &ContractsModel::pageLoaded);
        model.reload();
        QVERIFY(loaded.wait(10000));
        QVERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QVERIFY(loaded.wait(10000));
        const auto log = contractLists();
        QCOMPARE(log.size(), 2);
        QVERIFY(!queryItem(log[1], QStringLiteral("cursor")).isEmpty());
        QCOMPARE(queryItem(log[1], QStringLiteral("shape")),
                 queryItem(log[0], QStringLiteral("shape")));
        QCOMPARE(model.loadedCount(), 200);
        const QStringList keys = m_sandbox.server()->keysInDefaultOrder();
        for (int r = 0; r < 200; r += 37)
            QCOMPARE(model.keyAt(r), keys.at(r));
    }

    void neverMoreThanOneRequestInFlight()
    {
        ContractsModel model(m_sandbox.client());
        QSignalSpy loaded(&model, &ContractsModel::pageLoaded);
        model.reload();
        QVERIFY(model.isLoading());
        QVERIFY(!model.canFetchMore({}));
        model.fetchMore({});
        model.fetchMore({});
        QVERIFY(loaded.wait(10000));
        model.fetchMore({});
        model.fetchMore({});
        QVERIFY(loaded.wait(10000));
        QTest::qWait(50);
        QCOMPARE(contractLists().size(), 2);
        QCOMPARE(model.loadedCount(), 200);
    }

    void staleReplyOfOldQueryIsDropped()
    {
        ContractsModel model(m_sandbox.client());
        QSignalSpy loaded(&model, &ContractsModel::pageLoaded);
        m_sandbox.server()->scriptFault(1, SandboxServer::Fault::Delay, 400);
        model.reload();
        QVERIFY(model.isLoading());
        ContractQuery q = model.query();
        q.setOrdering(QStringLiteral("obligated"));
        model.setQuery(q);
        QVERIFY(loaded.wait(10000));
        QTest::qWait(600); // the delayed answer for the first query arrives meanwhile
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(model.loadedCount(), 100);
        const int col = columnOf(model, QStringLiteral("obligated"));
        double previous = -1e300;
        for (int r = 0; r < model.loadedCount(); ++r) {
            const QVariant v = model.index(r, col).data(ContractsModel::NumericValueRole);
            if (!v.isValid())
                continue;
            QVERIFY2(v.toDouble() >= previous, "rows of the old (unsorted) query leaked in");
            previous = v.toDouble();
        }
    }

    void sortSendsOrderingToTheServer()
    {
        ContractsModel model(m_sandbox.client());
        QSignalSpy loaded(&model, &ContractsModel::pageLoaded);
        model.reload();
        QVERIFY(loaded.wait(10000));
        const int col = columnOf(model, QStringLiteral("total_contract_value"));
        QVERIFY(model.isSortable(col));
        model.sort(col, Qt::DescendingOrder);
        QVERIFY(loaded.wait(10000));
        const auto log = contractLists();
        QCOMPARE(queryItem(log.last(), QStringLiteral("ordering")),
                 QStringLiteral("-total_contract_value"));
        double previous = 1e300;
        for (int r = 0; r < model.loadedCount(); ++r) {
            const QVariant v = model.index(r, col).data(ContractsModel::NumericValueRole);
            if (v.isValid()) {
                QVERIFY(v.toDouble() <= previous);
                previous = v.toDouble();
            }
        }
    }

    void nonSortableColumnSendsNothing()
    {
        ContractsModel model(m_sandbox.client());
        QSignalSpy loaded(&model, &ContractsModel::pageLoaded);
        model.reload();
        QVERIFY(loaded.wait(10000));
        const int col = columnOf(model, QStringLiteral("piid"));
        QVERIFY(!model.isSortable(col));
        model.sort(col, Qt::AscendingOrder);
        model.sort(-1, Qt::AscendingOrder);
        model.sort(999, Qt::AscendingOrder);
        QTest::qWait(50);
        QCOMPARE(contractLists().size(), 1);
        QCOMPARE(model.loadedCount(), 100);
    }

    void columnsDecideTheShape()
    {
        ContractsModel model(m_sandbox.client());
        QSignalSpy loaded(&model, &ContractsModel::pageLoaded);
        model.setColumns({QStringLiteral("obligated"), QStringLiteral("piid"),
                          QStringLiteral("awarding_office.agency_name")});
        QVERIFY(loaded.wait(10000));
        QCOMPARE(model.columnCount(), 3);
        const auto log = contractLists();
        QCOMPARE(queryItem(log.last(), QStringLiteral("shape")),
                 QStringLiteral("key,") +
                     ContractFields::shapeFor({QStringLiteral("obligated"), QStringLiteral("piid"),
                                               QStringLiteral("awarding_office.agency_name")}));
        QVERIFY(!model.index(0, 1).data().toString().isEmpty());
        QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("PIID"));
    }

    void cellsAreFormattedForReading()
    {
        ContractsModel model; // no client: rows come straight from JSON
        model.setColumns({QStringLiteral("piid"), QStringLiteral("obligated"),
                          QStringLiteral("award_date"), QStringLiteral("description"),
                          QStringLiteral("recipient.display_name"), QStringLiteral("fiscal_year")});
        const QString longText = QString(120, QLatin1Char('x')) + QStringLiteral("\nend");
        const QJsonObject rec{{QStringLiteral("key"), QStringLiteral("K1")},
                              {QStringLiteral("piid"), QStringLiteral("W91-1")},
                              {QStringLiteral("obligated"), 1234567.891},
                              {QStringLiteral("award_date"), QStringLiteral("2024-03-05")},
                              {QStringLiteral("description"), longText},
                              {QStringLiteral("recipient"), QJsonValue::Null},
                              {QStringLiteral("fiscal_year"), 2024}};
        model.appendRecords(QJsonArray{rec});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.keyAt(0), QStringLiteral("K1"));
        const QModelIndex money = model.index(0, 1);
        QCOMPARE(money.data().toString(), QStringLiteral("$1,234,568"));
        QVERIFY(money.data(Qt::ToolTipRole).toString().contains(QLatin1String("1,234,567.89")));
        QCOMPARE(money.data(Qt::TextAlignmentRole).value<Qt::Alignment>() & Qt::AlignRight,
                 Qt::AlignRight);
        QCOMPARE(money.data(ContractsModel::NumericValueRole).toDouble(), 1234567.891);
        QCOMPARE(model.index(0, 2).data().toString(),
                 QLocale().toString(QDate(2024, 3, 5), QLocale::ShortFormat));
        const QModelIndex desc = model.index(0, 3);
        QVERIFY(!desc.data().toString().contains(QLatin1Char('\n')));
        QVERIFY(desc.data(Qt::ToolTipRole).toString().contains(QString(120, QLatin1Char('x'))));
        const QModelIndex null = model.index(0, 4);
        QCOMPARE(null.data().toString(), QStringLiteral("\u2014"));
        QVERIFY(null.data(ContractsModel::IsNullRole).toBool());
        QVERIFY(null.data(Qt::ForegroundRole).canConvert<QBrush>());
        QCOMPARE(null.data(Qt::EditRole).toString(), QString());
        QCOMPARE(model.index(0, 5).data().toString(), QStringLiteral("2024"));
    }

    void oddlyTypedValuesDoNotBreakRows()
    {
        ContractsModel model;
        model.setColumns({QStringLiteral("obligated"), QStringLiteral("award_date"),
                          QStringLiteral("naics_code")});
        QJsonArray recs;
        recs << QJsonObject{{QStringLiteral("key"), QStringLiteral("A")},
                            {QStringLiteral("obligated"), QStringLiteral("5306.85")},
                            {QStringLiteral("award_date"), QStringLiteral("not a date")},
                            {QStringLiteral("naics_code"), 541511}};
        recs << QJsonObject{{QStringLiteral("key"), QStringLiteral("B")}};
        recs << QJsonValue(QStringLiteral("garbage"));
        model.appendRecords(recs);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, 0).data(ContractsModel::NumericValueRole).toDouble(), 5306.85);
        QCOMPARE(model.index(0, 1).data().toString(), QStringLiteral("not a date"));
        QCOMPARE(model.index(0, 2).data().toString(), QStringLiteral("541511"));
        QVERIFY(model.index(1, 0).data(ContractsModel::IsNullRole).toBool());
        QCOMPARE(model.keyAt(2), QString());
        QCOMPARE(model.keyAt(-1), QString());
        QCOMPARE(model.keyAt(50), QString());
    }

    void loadingRowWhileAPageIsOnItsWay()
    {
        ContractsModel model(m_sandbox.client());
        QSignalSpy loading(&model, &ContractsModel::loadingChanged);
        QSignalSpy loaded(&model, &ContractsModel::pageLoaded);
        model.reload();
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(model.index(0, 0).data(ContractsModel::IsLoadingRowRole).toBool());
        QVERIFY(!(model.flags(model.index(0, 0)) & Qt::ItemIsSelectable));
        QVERIFY(model.index(0, 0).data().toString().startsWith(QLatin1String("Loading")));
        QVERIFY(loaded.wait(10000));
        QCOMPARE(model.rowCount(), 100);
        QVERIFY(!model.index(99, 0).data(ContractsModel::IsLoadingRowRole).toBool());
        QCOMPARE(loading.size(), 2);
        QCOMPARE(loading.at(0).at(0).toBool(), true);
        QCOMPARE(loading.at(1).at(0).toBool(), false);
    }

    void failureKeepsRowsAndRetryContinues()
    {
        ContractsModel model(m_sandbox.client());
        QSignalSpy loaded(&model, &ContractsModel::pageLoaded);
        QSignalSpy failed(&model, &ContractsModel::failed);
        model.reload();
        QVERIFY(loaded.wait(10000));
        m_sandbox.server()->scriptFault(m_sandbox.server()->apiRequestCount() + 1,
                                        SandboxServer::Fault::Http500);
        model.fetchMore({});
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.at(0).at(0).value<ApiError>().kind(), ApiError::Kind::ServerError);
        QCOMPARE(model.rowCount(), 100);
        QVERIFY(model.hasFailed());
        QVERIFY(model.statusText().startsWith(QLatin1String("Loaded 100 of about")));
        QVERIFY(model.statusText().contains(QLatin1String("failed")));
        QVERIFY(!model.canFetchMore({})); // no silent hammering after a failure
        model.retry();
        QVERIFY(loaded.wait(10000));
        QCOMPARE(model.loadedCount(), 200);
        const auto log = contractLists();
        QCOMPARE(queryItem(log.last(), QStringLiteral("cursor")),
                 queryItem(log.at(1), QStringLiteral("cursor")));
    }

    void serverWarningsAreReported()
    {
        ContractsModel model(m_sandbox.client());
        QSignalSpy loaded(&model, &ContractsModel::pageLoaded);
        model.setColumns({QStringLiteral("piid"), QStringLiteral("awarding_office.agency_name")});
        QVERIFY(loaded.wait(10000));
        const QString agency = model.index(0, 1).data(Qt::EditRole).toString();
        QVERIFY(!agency.isEmpty());
        QSignalSpy warnings(&model, &ContractsModel::warnings);
        ContractQuery q = model.query();
        q.setFilter(QStringLiteral("awarding_agency"), agency + QStringLiteral("|QQZZXX"));
        model.setQuery(q);
        QVERIFY(loaded.wait(10000));
        QVERIFY(!warnings.isEmpty());
        QVERIFY(model.currentWarnings().join(QString()).contains(QLatin1String("QQZZXX")));
        for (int r = 0; r < model.loadedCount(); ++r)
            QCOMPARE(model.index(r, 1).data(Qt::EditRole).toString(), agency);
    }

    void lastPageSaysAllLoaded()
    {
        ContractsModel model(m_sandbox.client());
        QSignalSpy loaded(&model, &ContractsModel::pageLoaded);
        model.reload();
        QVERIFY(loaded.wait(10000));
        const QString piid = model.index(0, 0).data(Qt::EditRole).toString();
        ContractQuery q = model.query();
        q.setFilter(QStringLiteral("piid"), piid);
        model.setQuery(q);
        QVERIFY(loaded.wait(10000));
        QVERIFY(model.loadedCount() >= 1);
        QVERIFY(!model.hasMore());
        QVERIFY(!model.canFetchMore({}));
        QCOMPARE(model.statusText(), QStringLiteral("Loaded all %1").arg(model.loadedCount()));
    }

    void rejectedKeyEmitsUnauthorized()
    {
        m_sandbox.client()->setCredentials(
            std::make_shared<ApiKeyCredentials>(QStringLiteral("wrong-key")));
        ContractsModel model(m_sandbox.client());
        QSignalSpy failed(&model, &ContractsModel::failed);
        model.reload();
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.at(0).at(0).value<ApiError>().kind(), ApiError::Kind::Unauthorized);
        QVERIFY(model.statusText().contains(failed.at(0).at(0).value<ApiError>().title()));
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.isLoading());
    }

    void clearSendsNothing()
    {
        ContractsModel model(m_sandbox.client());
        model.clear();
        QVERIFY(!model.canFetchMore({}));
        model.fetchMore({});
        model.retry();
        QTest::qWait(50);
        QCOMPARE(contractLists().size(), 0);
        QCOMPARE(model.statusText(), QString());
    }
};

QTEST_MAIN(tst_ContractsModel)
#include "tst_ContractsModel.moc"
