#include "RateLimitIndicator.h"

#include "util/ManualClock.h"

#include <QLabel>
#include <QTest>
#include <QTimeZone>

using namespace tango;

class tst_RateLimitIndicator : public QObject
{
    Q_OBJECT

private:
    static RateLimitSnapshot snap(const ManualClock &clock, const RateLimitSnapshot::RawHeaders &h)
    {
        return RateLimitSnapshot::fromHeaders(h, clock.nowMs(), clock.utcNow());
    }
    static RateLimitSnapshot::RawHeaders typical(qint64 burstRemaining = 812,
                                                 qint64 burstReset = 42)
    {
        return {{"X-RateLimit-Limit", "1000"},
                {"X-RateLimit-Remaining", QByteArray::number(burstRemaining)},
                {"X-RateLimit-Reset", QByteArray::number(burstReset)},
                {"X-RateLimit-Burst-Limit", "1000"},
                {"X-RateLimit-Burst-Remaining", QByteArray::number(burstRemaining)},
                {"X-RateLimit-Burst-Reset", QByteArray::number(burstReset)},
                {"X-RateLimit-Daily-Limit", "2000000"},
                {"X-RateLimit-Daily-Remaining", "1999000"},
                {"X-RateLimit-Daily-Reset", "3725"},
                {"X-Execution-Time", "0.045s"},
                {"X-Tango-API-Version", "4.22.0"}};
    }

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void unknownBeforeAnyResponse()
    {
        ManualClock clock;
        RateLimitIndicator ind;
        ind.setClock(&clock);
        QVERIFY(!ind.hasSnapshot());
        QVERIFY(ind.windowText(QStringLiteral("burst")).contains(QStringLiteral("\u2014")));
        QVERIFY(!ind.windowText(QStringLiteral("burst")).contains(QLatin1String(" 0")));
        QCOMPARE(ind.level(QStringLiteral("daily")), RateLimitIndicator::Level::Unknown);
        QCOMPARE(ind.secondsUntilReset(QStringLiteral("daily")), -1);
        QCOMPARE(clock.pendingCount(), 0);
    }

    void showsRemainingOfLimitAndCountdowns()
    {
        ManualClock clock;
        RateLimitIndicator ind;
        ind.setClock(&clock);
        ind.setSnapshot(snap(clock, typical()));
        const QString burst = ind.windowText(QStringLiteral("burst"));
        QVERIFY2(burst.contains(QLatin1String("812/1,000")), qPrintable(burst));
        QVERIFY2(burst.contains(QLatin1String("0:42")), qPrintable(burst));
        const QString daily = ind.windowText(QStringLiteral("daily"));
        QVERIFY2(daily.contains(QLatin1String("1,999,000/2,000,000")), qPrintable(daily));
        QVERIFY2(daily.contains(QLatin1String("1:02:05")), qPrintable(daily));
        QCOMPARE(ind.level(QStringLiteral("burst")), RateLimitIndicator::Level::Normal);
        QCOMPARE(ind.findChild<QLabel *>(QStringLiteral("burstLabel"))->text(), burst);
    }

    void ticksEverySecondFromReceiveTime()
    {
        ManualClock clock;
        RateLimitIndicator ind;
        ind.setClock(&clock);
        ind.setSnapshot(snap(clock, typical()));
        clock.advance(999);
        QVERIFY(ind.findChild<QLabel *>(QStringLiteral("burstLabel"))
                    ->text()
                    .contains(QLatin1String("0:42")));
        clock.advance(1);
        QVERIFY(ind.findChild<QLabel *>(QStringLiteral("burstLabel"))
                    ->text()
                    .contains(QLatin1String("0:41")));
        clock.advance(30000);
        QCOMPARE(ind.secondsUntilReset(QStringLiteral("burst")), 11);
        QVERIFY(ind.findChild<QLabel *>(QStringLiteral("burstLabel"))
                    ->text()
                    .contains(QLatin1String("0:11")));
        QVERIFY(ind.findChild<QLabel *>(QStringLiteral("dailyLabel"))
                    ->text()
                    .contains(QLatin1String("1:01:34")));
    }

    void saysResetAfterCountdownUntilNextResponse()
    {
        ManualClock clock;
        RateLimitIndicator ind;
        ind.setClock(&clock);
        ind.setSnapshot(snap(clock, {{"X-RateLimit-Burst-Limit", "100"},
                                     {"X-RateLimit-Burst-Remaining", "0"},
                                     {"X-RateLimit-Burst-Reset", "5"}}));
        QCOMPARE(ind.level(QStringLiteral("burst")), RateLimitIndicator::Level::Empty);
        clock.advance(5000);
        QCOMPARE(ind.level(QStringLiteral("burst")), RateLimitIndicator::Level::Reset);
        const QString text = ind.findChild<QLabel *>(QStringLiteral("burstLabel"))->text();
        QVERIFY2(text.contains(QLatin1String("reset")), qPrintable(text));
        // Nothing left to count: the indicator stops asking for ticks.
        QCOMPARE(clock.pendingCount(), 0);
        ind.setSnapshot(snap(clock, {{"X-RateLimit-Burst-Limit", "100"},
                                     {"X-RateLimit-Burst-Remaining", "99"},
                                     {"X-RateLimit-Burst-Reset", "60"}}));
        QCOMPARE(ind.level(QStringLiteral("burst")), RateLimitIndicator::Level::Normal);
        QVERIFY(ind.windowText(QStringLiteral("burst")).contains(QLatin1String("1:00")));
        QCOMPARE(clock.pendingCount(), 1);
    }

    void colourLevelsAtTwentyPercentAndZero()
    {
        ManualClock clock;
        RateLimitIndicator ind;
        ind.setClock(&clock);
        ind.setSnapshot(snap(clock, typical(200)));
        QCOMPARE(ind.level(QStringLiteral("burst")), RateLimitIndicator::Level::Normal);
        ind.setSnapshot(snap(clock, typical(199)));
        QCOMPARE(ind.level(QStringLiteral("burst")), RateLimitIndicator::Level::Low);
        auto *label = ind.findChild<QLabel *>(QStringLiteral("burstLabel"));
        const QString lowStyle = label->styleSheet();
        ind.setSnapshot(snap(clock, typical(0)));
        QCOMPARE(ind.level(QStringLiteral("burst")), RateLimitIndicator::Level::Empty);
        QVERIFY(label->styleSheet() != lowStyle);
        ind.setSnapshot(snap(clock, typical(900)));
        QVERIFY(label->styleSheet() != lowStyle);
    }

    void missingValuesAreUnknownNotZero()
    {
        ManualClock clock;
        RateLimitIndicator ind;
        ind.setClock(&clock);
        ind.setSnapshot(snap(
            clock, {{"X-RateLimit-Burst-Limit", "100"}, {"X-RateLimit-Burst-Remaining", "lots"}}));
        const QString text = ind.windowText(QStringLiteral("burst"));
        QVERIFY2(text.contains(QStringLiteral("\u2014/100")), qPrintable(text));
        QCOMPARE(ind.level(QStringLiteral("burst")), RateLimitIndicator::Level::Unknown);
        QCOMPARE(ind.secondsUntilReset(QStringLiteral("burst")), -1);
        QVERIFY(ind.windowText(QStringLiteral("daily")).contains(QStringLiteral("\u2014")));
    }

    void tooltipListsWindowsTimingAndVersion()
    {
        ManualClock clock;
        clock.setUtcNow(QDateTime(QDate(2026, 8, 14), QTime(17, 15), QTimeZone::utc()));
        RateLimitIndicator ind;
        ind.setClock(&clock);
        ind.setSnapshot(snap(clock, typical()));
        const QString tip = ind.toolTip();
        QVERIFY(tip.contains(QLatin1String("Burst")));
        QVERIFY(tip.contains(QLatin1String("Daily")));
        QVERIFY(tip.contains(QLatin1String("0.045s")));
        QVERIFY(tip.contains(QLatin1String("4.22.0")));
        QVERIFY(tip.contains(QLatin1String("2026")));
        QVERIFY(tip.contains(QLatin1String("1,999,000")));
    }

    void responseWithoutHeadersKeepsLastState()
    {
        ManualClock clock;
        RateLimitIndicator ind;
        ind.setClock(&clock);
        ind.setSnapshot(snap(clock, typical()));
        ind.setSnapshot(snap(clock, {{"Content-Type", "application/json"}}));
        QVERIFY(ind.windowText(QStringLiteral("burst")).contains(QLatin1String("812")));
        ind.clearSnapshot();
        QVERIFY(!ind.hasSnapshot());
        QCOMPARE(clock.pendingCount(), 0);
    }

    void countdownFormatting()
    {
        QCOMPARE(RateLimitIndicator::formatCountdown(0, false), QStringLiteral("0:00"));
        QCOMPARE(RateLimitIndicator::formatCountdown(59, false), QStringLiteral("0:59"));
        QCOMPARE(RateLimitIndicator::formatCountdown(125, false), QStringLiteral("2:05"));
        QCOMPARE(RateLimitIndicator::formatCountdown(86399, true), QStringLiteral("23:59:59"));
        QCOMPARE(RateLimitIndicator::formatCountdown(-1, true), QStringLiteral("\u2014"));
    }
};

QTEST_MAIN(tst_RateLimitIndicator)
#include "tst_RateLimitIndicator.moc"
