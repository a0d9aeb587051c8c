#include "DetailPane.h"

#include "api/ApiClient.h"
#include "auth/ApiKeyCredentials.h"
#include "sandbox/SandboxServer.h"

#include "SandboxSession.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace tango;

class tst_DetailPane : public QObject
{
    Q_OBJECT

private:
    SandboxSession m_sandbox;

private Q_SLOTS:
    void init() { QVERIFY(m_sandbox.start()); }
    void cleanup() { m_sandbox.stop(); }

    void fetchesOneContractWithARichShape()
    {
        DetailPane pane;
        pane.setClient(m_sandbox.client());
        QSignalSpy loaded(&pane, &DetailPane::loaded);
        QSignalSpy failed(&pane, &DetailPane::failed);
        const QString key = m_sandbox.server()->keysInDefaultOrder().at(3);
        pane.showContract(key);
        QVERIFY(pane.isLoading());
        QVERIFY(loaded.wait(10000));
        QCOMPARE(failed.size(), 0);
        const auto log = m_sandbox.server()->requestLog();
        QCOMPARE(log.last().path, QStringLiteral("/api/contracts/%1/").arg(key));
        QCOMPARE(log.last().query.queryItemValue(QStringLiteral("shape"), QUrl::FullyDecoded),
                 DetailPane::detailShape());
        QCOMPARE(log.last().status, 200);
        QCOMPARE(pane.currentKey(), key);
        QCOMPARE(pane.valueText(QStringLiteral("key")), key);
        QCOMPARE(pane.valueText(QStringLiteral("piid")),
                 pane.record().value(QStringLiteral("piid")).toString());
        QVERIFY(!pane.valueText(QStringLiteral("recipient.display_name")).isEmpty());
        QVERIFY(pane.valueText(QStringLiteral("naics")).contains(QStringLiteral("\u2014")) ||
                !pane.valueText(QStringLiteral("naics")).isEmpty());
        QCOMPARE(pane.transactionCount(),
                 pane.record().value(QStringLiteral("transactions")).toArray().size());
    }

    void aNewSelectionDropsThePreviousRequest()
    {
        DetailPane pane;
        pane.setClient(m_sandbox.client());
        QSignalSpy loaded(&pane, &DetailPane::loaded);
        const QString first = m_sandbox.server()->keysInDefaultOrder().at(0);
        const QString second = m_sandbox.server()->keysInDefaultOrder().at(1);
        m_sandbox.server()->scriptFault(1, SandboxServer::Fault::Delay, 400);
        pane.showContract(first);
        pane.showContract(second);
        QVERIFY(loaded.wait(10000));
        QTest::qWait(600);
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(loaded.at(0).at(0).toString(), second);
        QCOMPARE(pane.valueText(QStringLiteral("key")), second);
    }

    void unknownContractReportsNotFound()
    {
        DetailPane pane;
        pane.setClient(m_sandbox.client());
        QSignalSpy failed(&pane, &DetailPane::failed);
        pane.showContract(QStringLiteral("CONT_AWD_NOPE"));
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.at(0).at(0).value<ApiError>().kind(), ApiError::Kind::NotFound);
        QVERIFY(!pane.isLoading());
        QCOMPARE(pane.valueText(QStringLiteral("key")), QString());
    }

    void usaspendingAddress()
    {
        QCOMPARE(DetailPane::usaspendingUrl(QStringLiteral("CONT_AWD_1_2_3")).toString(),
                 QStringLiteral("https://www.usaspending.gov/award/CONT_AWD_1_2_3"));
        QVERIFY(DetailPane::usaspendingUrl(QStringLiteral("a/b"))
                    .toString(QUrl::FullyEncoded)
                    .endsWith(QLatin1String("/award/a%2Fb")));
    }

    void clearAbortsAndForgets()
    {
        DetailPane pane;
        pane.setClient(m_sandbox.client());
        QSignalSpy loaded(&pane, &DetailPane::loaded);
        pane.showContract(m_sandbox.server()->keysInDefaultOrder().at(0));
        pane.clear();
        QVERIFY(!pane.isLoading());
        QTest::qWait(300);
        QCOMPARE(loaded.size(), 0);
        QCOMPARE(pane.currentKey(), QString());
    }
};

QTEST_MAIN(tst_DetailPane)
#include "tst_DetailPane.moc"
