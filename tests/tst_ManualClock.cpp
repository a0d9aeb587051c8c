#include "util/Clock.h"
#include "util/ManualClock.h"

#include <QSignalSpy>
#include <QtTest>

using namespace tango;

class tst_ManualClock : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void firesAtDueTimeNotBefore()
    {
        ManualClock clock;
        const qint64 start = clock.nowMs();
        int fired = 0;
        qint64 firedAt = -1;
        clock.callAfter(45'000, &clock, [&] {
            ++fired;
            firedAt = clock.nowMs();
        });
        QCOMPARE(clock.pendingCount(), 1);
        QCOMPARE(clock.nextDueMs(), start + 45'000);
        clock.advance(44'999);
        QCOMPARE(fired, 0);
        clock.advance(1);
        QCOMPARE(fired, 1);
        QCOMPARE(firedAt, start + 45'000);
        QCOMPARE(clock.pendingCount(), 0);
        QCOMPARE(clock.nextDueMs(), qint64(-1));
        clock.advance(100'000);
        QCOMPARE(fired, 1); // once only
    }

    void firesInDueOrderWithTimeSetForEach()
    {
        ManualClock clock;
        const qint64 start = clock.nowMs();
        QVector<QPair<int, qint64>> order;
        clock.callAfter(300, nullptr, [&] { order.append({3, clock.nowMs() - start}); });
        clock.callAfter(100, nullptr, [&] { order.append({1, clock.nowMs() - start}); });
        clock.callAfter(200, nullptr, [&] { order.append({2, clock.nowMs() - start}); });
        clock.callAfter(100, nullptr, [&] { order.append({4, clock.nowMs() - start}); });
        QSignalSpy advanced(&clock, &ManualClock::advanced);
        clock.advance(1000);
        QCOMPARE(order, (QVector<QPair<int, qint64>>{{1, 100}, {4, 100}, {2, 200}, {3, 300}}));
        QCOMPARE(clock.nowMs(), start + 1000);
        QCOMPARE(advanced.count(), 1);
        QCOMPARE(advanced.first().first().toLongLong(), start + 1000);
    }

    void callbacksScheduledDuringAdvanceFireIfDue()
    {
        ManualClock clock;
        int chain = 0;
        std::function<void()> step = [&] {
            ++chain;
            if (chain < 5)
                clock.callAfter(100, nullptr, step);
        };
        clock.callAfter(100, nullptr, step);
        clock.advance(350);
        QCOMPARE(chain, 3); // at 100, 200, 300; the next is due at 400
        clock.advance(1000);
        QCOMPARE(chain, 5);
        // Zero and negative delays run on the next advance, even advance(0).
        bool ran = false;
        clock.callAfter(-10, nullptr, [&] { ran = true; });
        QVERIFY(!ran);
        clock.advance(0);
        QVERIFY(ran);
    }

    void cancelAndDestroyedContext()
    {
        ManualClock clock;
        bool cancelled = false, orphaned = false, kept = false;
        const auto id = clock.callAfter(10, nullptr, [&] { cancelled = true; });
        auto *context = new QObject;
        clock.callAfter(10, context, [&] { orphaned = true; });
        QObject keeper;
        clock.callAfter(10, &keeper, [&] { kept = true; });
        clock.cancel(id);
        clock.cancel(9999); // unknown id: harmless
        delete context;
        clock.advance(10);
        QVERIFY(!cancelled);
        QVERIFY(!orphaned);
        QVERIFY(kept);
    }

    void utcFollowsMonotonicTime()
    {
        ManualClock clock;
        const QDateTime t0 = clock.utcNow();
        QCOMPARE(t0.timeSpec(), Qt::UTC);
        clock.advance(90'000);
        QCOMPARE(t0.msecsTo(clock.utcNow()), qint64(90'000));
        const QDateTime midnight(QDate(2026, 8, 15), QTime(0, 0), Qt::UTC);
        clock.setUtcNow(midnight.addSecs(-10));
        QCOMPARE(clock.utcNow(), midnight.addSecs(-10));
        clock.advance(10'000);
        QCOMPARE(clock.utcNow(), midnight);
    }

    void systemClockSkipsDestroyedContexts()
    {
        Clock *clock = Clock::system();
        int dead = 0;
        for (int i = 0; i < 100; ++i) {
            auto *context = new QObject;
            clock->callAfter(5, context, [&dead] { ++dead; });
            delete context;
        }
        bool alive = false;
        QObject keeper;
        clock->callAfter(20, &keeper, [&] { alive = true; });
        QTRY_VERIFY_WITH_TIMEOUT(alive, 5000);
        QCOMPARE(dead, 0);
    }

    void systemClockRunsCallbacks()
    {
        Clock *clock = Clock::system();
        QVERIFY(clock);
        QCOMPARE(Clock::system(), clock);
        const qint64 start = clock->nowMs();
        bool fired = false, cancelled = false;
        QObject context;
        clock->callAfter(20, &context, [&] { fired = true; });
        const auto id = clock->callAfter(20, &context, [&] { cancelled = true; });
        clock->cancel(id);
        QTRY_VERIFY_WITH_TIMEOUT(fired, 5000);
        QVERIFY(clock->nowMs() - start >= 19);
        // A later callback proves that the cancelled one, due earlier, stayed silent.
        bool later = false;
        clock->callAfter(30, &context, [&] { later = true; });
        QTRY_VERIFY_WITH_TIMEOUT(later, 5000);
        QVERIFY(!cancelled);
        QVERIFY(qAbs(clock->utcNow().msecsTo(QDateTime::currentDateTimeUtc())) < 5000);
    }
};

QTEST_GUILESS_MAIN(tst_ManualClock)
#include "tst_ManualClock.moc"
