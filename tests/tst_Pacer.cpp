#include "api/Pacer.h"
#include "util/ManualClock.h"

#include <QSignalSpy>
#include <QtTest>

#include <cmath>

using namespace tango;
using Action = Pacer::Decision::Action;

namespace {

using Headers = RateLimitSnapshot::RawHeaders;

RateLimitSnapshot snap(const ManualClock &clock, const Headers &h)
{
    return RateLimitSnapshot::fromHeaders(h, clock.nowMs(), clock.utcNow());
}

Headers burst(int limit, int remaining, int reset)
{
    return {{"X-RateLimit-Burst-Limit", QByteArray::number(limit)},
            {"X-RateLimit-Burst-Remaining", QByteArray::number(remaining)},
            {"X-RateLimit-Burst-Reset", QByteArray::number(reset)}};
}

Headers daily(int limit, int remaining, int reset)
{
    return {{"X-RateLimit-Daily-Limit", QByteArray::number(limit)},
            {"X-RateLimit-Daily-Remaining", QByteArray::number(remaining)},
            {"X-RateLimit-Daily-Reset", QByteArray::number(reset)}};
}

Headers overall(int limit, int remaining, int reset)
{
    return {{"X-RateLimit-Limit", QByteArray::number(limit)},
            {"X-RateLimit-Remaining", QByteArray::number(remaining)},
            {"X-RateLimit-Reset", QByteArray::number(reset)}};
}

// A server-side fixed window as a rate limiter keeps it: it opens on the first request after
// the previous one expired and reports the seconds left, rounded up or down.
struct SimulatedWindow
{
    int limit;
    qint64 lengthMs;
    bool roundDown;
    qint64 startMs = -1;
    int used = 0;

    // Returns false for a 429.
    bool hit(qint64 now, Headers *headers)
    {
        if (startMs < 0 || now >= startMs + lengthMs) {
            startMs = now;
            used = 0;
        }
        const bool ok = used < limit;
        if (ok)
            ++used;
        const double left = double(startMs + lengthMs - now) / 1000.0;
        const qint64 reset = qint64(roundDown ? std::floor(left) : std::ceil(left));
        *headers = burst(limit, limit - used, int(reset));
        headers->append(overall(limit, limit - used, int(reset)));
        headers->append(daily(100000, 99000, 40000));
        return ok;
    }
};

} // namespace

class tst_Pacer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void goesWithoutInformation()
    {
        ManualClock clock;
        Pacer pacer(&clock);
        QCOMPARE(pacer.decide().action, Action::Go);
        pacer.update(snap(clock, {{"Content-Type", "text/html"}})); // no rate-limit headers
        QVERIFY(pacer.snapshot().isEmpty());
        QCOMPARE(pacer.decide().action, Action::Go);
    }

    void holdsUntilBurstReset()
    {
        ManualClock clock;
        Pacer pacer(&clock);
        pacer.setResetMarginMs(100);
        QSignalSpy changed(&pacer, &Pacer::snapshotChanged);
        pacer.update(snap(clock, burst(10, 0, 2) + daily(1000, 500, 5000)));
        QCOMPARE(changed.count(), 1);
        Pacer::Decision d = pacer.decide();
        QCOMPARE(d.action, Action::Wait);
        QCOMPARE(d.waitMs, qint64(2100));
        QCOMPARE(d.window, QStringLiteral("burst"));
        QVERIFY(d.why.contains(QLatin1String("burst")));
        clock.advance(1500);
        d = pacer.decide();
        QCOMPARE(d.action, Action::Wait);
        QCOMPARE(d.waitMs, qint64(600));
        clock.advance(500); // the reset has passed: its counts no longer apply
        QCOMPARE(pacer.decide().action, Action::Go);
    }

    void countsRequestsInFlight()
    {
        ManualClock clock;
        Pacer pacer(&clock);
        pacer.update(snap(clock, burst(10, 2, 30)));
        QCOMPARE(pacer.decide().action, Action::Go);
        pacer.noteSent();
        QCOMPARE(pacer.decide().action, Action::Go);
        pacer.noteSent();
        QCOMPARE(pacer.inFlight(), 2);
        QCOMPARE(pacer.decide().action, Action::Wait); // both remaining are taken
        // The first answer arrives: the server counted it, the other is still in flight.
        pacer.noteFinished();
        pacer.update(snap(clock, burst(10, 1, 29)));
        QCOMPARE(pacer.sentSinceSnapshot(), 1);
        QCOMPARE(pacer.decide().action, Action::Wait);
        pacer.noteFinished();
        pacer.update(snap(clock, burst(10, 1, 29))); // all answered: one left
        QCOMPARE(pacer.sentSinceSnapshot(), 0);
        QCOMPARE(pacer.decide().action, Action::Go);
        pacer.noteFinished(); // spurious: never below zero
        QCOMPARE(pacer.inFlight(), 0);
    }

    void refusesWhenDailyQuotaSpent()
    {
        ManualClock clock;
        Pacer pacer(&clock);
        pacer.update(snap(clock, burst(10, 5, 30) + daily(2400, 0, 3600)));
        const Pacer::Decision d = pacer.decide();
        QCOMPARE(d.action, Action::Refuse);
        QCOMPARE(d.error.kind(), ApiError::Kind::QuotaExhausted);
        QCOMPARE(d.error.rateLimitWindow(), QStringLiteral("daily"));
        QCOMPARE(d.error.resetsAtUtc(), clock.utcNow().addSecs(3600));
        QCOMPARE(d.error.waitSeconds(), std::optional<qint64>(3600));
        clock.advance(3'600'000);
        QCOMPARE(pacer.decide().action, Action::Go);
    }

    void dailyWithRemainingLeftGoes()
    {
        ManualClock clock;
        Pacer pacer(&clock);
        pacer.update(snap(clock, daily(2400, 1, 3600)));
        QCOMPARE(pacer.decide().action, Action::Go);
    }

    void unknownResetDoesNotHold()
    {
        ManualClock clock;
        Pacer pacer(&clock);
        pacer.update(snap(clock, {{"X-RateLimit-Burst-Remaining", "0"},
                                  {"X-RateLimit-Burst-Reset", "soon"},
                                  {"X-RateLimit-Daily-Remaining", "0"}}));
        QCOMPARE(pacer.decide().action, Action::Go);
        pacer.update(snap(clock, {{"X-RateLimit-Burst-Remaining", "garbage"},
                                  {"X-RateLimit-Burst-Reset", "30"}}));
        QCOMPARE(pacer.decide().action, Action::Go);
    }

    void otherNamedWindowsHold()
    {
        ManualClock clock;
        Pacer pacer(&clock);
        pacer.setResetMarginMs(0);
        pacer.update(snap(clock, Headers{{"X-RateLimit-Hourly-Limit", "100"},
                                         {"X-RateLimit-Hourly-Remaining", "0"},
                                         {"X-RateLimit-Hourly-Reset", "600"}} +
                                     burst(10, 0, 5)));
        const Pacer::Decision d = pacer.decide();
        QCOMPARE(d.action, Action::Wait);
        QCOMPARE(d.window, QStringLiteral("hourly")); // the longest hold wins
        QCOMPARE(d.waitMs, qint64(600'000));
    }

    void overallTrioMirrorsNamedWindow()
    {
        ManualClock clock;
        Pacer pacer(&clock);
        pacer.setResetMarginMs(0);
        // Overall mirrors burst: not counted twice, and burst's wait is used.
        pacer.update(snap(clock, overall(10, 0, 2) + burst(10, 0, 2) + daily(1000, 900, 9000)));
        Pacer::Decision d = pacer.decide();
        QCOMPARE(d.action, Action::Wait);
        QCOMPARE(d.window, QStringLiteral("burst"));
        QCOMPARE(d.waitMs, qint64(2000));
        // Overall mirrors daily: refused as the daily window, not held for hours.
        pacer.update(snap(clock, overall(1000, 0, 9000) + burst(10, 5, 2) + daily(1000, 0, 9000)));
        d = pacer.decide();
        QCOMPARE(d.action, Action::Refuse);
        QCOMPARE(d.error.kind(), ApiError::Kind::QuotaExhausted);
    }

    void overallTrioAlone()
    {
        ManualClock clock;
        Pacer pacer(&clock);
        pacer.setResetMarginMs(0);
        pacer.update(snap(clock, overall(100, 0, 40)));
        Pacer::Decision d = pacer.decide();
        QCOMPARE(d.action, Action::Wait);
        QCOMPARE(d.waitMs, qint64(40'000));
        pacer.update(snap(clock, overall(100, 0, 20'000))); // hours away: a daily-like quota
        d = pacer.decide();
        QCOMPARE(d.action, Action::Refuse);
        QCOMPARE(d.error.kind(), ApiError::Kind::QuotaExhausted);
        pacer.update(snap(clock, overall(100, 3, 40)));
        QCOMPARE(pacer.decide().action, Action::Go);
    }

    void disabledAlwaysGoes()
    {
        ManualClock clock;
        Pacer pacer(&clock);
        pacer.update(snap(clock, burst(10, 0, 30) + daily(10, 0, 3000)));
        pacer.setEnabled(false);
        QVERIFY(!pacer.isEnabled());
        QCOMPARE(pacer.decide().action, Action::Go);
        pacer.setEnabled(true);
        QCOMPARE(pacer.decide().action, Action::Refuse);
    }

    void firstAnswerGatesConcurrentStart()
    {
        ManualClock clock;
        Pacer pacer(&clock);
        QSignalSpy released(&pacer, &Pacer::released);
        QCOMPARE(pacer.decide().action, Action::Go);
        pacer.noteSent();
        Pacer::Decision d = pacer.decide();
        QCOMPARE(d.action, Action::Wait); // nothing known yet: one request at a time
        QCOMPARE(d.waitMs, Pacer::kAnswerWaitMs);
        pacer.noteFinished();          // answered, without rate-limit headers
        QCOMPARE(released.count(), 0); // queued: after the answer's headers are in
        QVERIFY(released.wait(5000));
        QCOMPARE(released.count(), 1);
        QCOMPARE(pacer.decide().action, Action::Go);
        // A burst of answers wakes the held requests once.
        pacer.update(snap(clock, burst(10, 5, 30)));
        pacer.update(snap(clock, burst(10, 4, 30)));
        QVERIFY(released.wait(5000));
        QCoreApplication::processEvents();
        QCOMPARE(released.count(), 2);
    }

    void sendsAfterResetUseTheFreshAllowance()
    {
        ManualClock clock;
        Pacer pacer(&clock);
        pacer.setResetMarginMs(0);
        pacer.update(snap(clock, burst(3, 0, 2)));
        QCOMPARE(pacer.decide().action, Action::Wait);
        clock.advance(2000);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(pacer.decide().action, Action::Go);
            pacer.noteSent();
        }
        // Three sent into the fresh window of three: the next waits for an answer that tells
        // when that window ends.
        const Pacer::Decision d = pacer.decide();
        QCOMPARE(d.action, Action::Wait);
        QCOMPARE(d.waitMs, Pacer::kAnswerWaitMs);
        QCOMPARE(d.window, QStringLiteral("burst"));
        pacer.noteFinished();
        pacer.update(snap(clock, burst(3, 2, 2))); // the first of them, answered
        QCOMPARE(pacer.sentSinceSnapshot(), 2);
        QCOMPARE(pacer.decide().action, Action::Wait);
        QCOMPARE(pacer.decide().waitMs, qint64(2000));
    }

    void sequentialWalkDrawsNo429_data()
    {
        QTest::addColumn<bool>("roundDown");
        QTest::newRow("server rounds up") << false;
        QTest::newRow("server rounds down") << true;
    }
    void sequentialWalkDrawsNo429()
    {
        // 300 sequential requests of 40 ms each under 10 per 2 s: the floor is 29 full windows.
        QFETCH(bool, roundDown);
        ManualClock clock;
        Pacer pacer(&clock);
        SimulatedWindow server{10, 2000, roundDown};
        const qint64 start = clock.nowMs();
        int sent = 0, rejected = 0, loops = 0;
        while (sent < 300 && ++loops < 10'000) {
            const Pacer::Decision d = pacer.decide();
            QVERIFY(d.action != Action::Refuse);
            if (d.action == Action::Wait) {
                QVERIFY(d.waitMs > 0);
                clock.advance(d.waitMs);
                continue;
            }
            pacer.noteSent();
            clock.advance(20); // request reaches the server
            Headers h;
            const bool ok = server.hit(clock.nowMs(), &h);
            clock.advance(20); // answer travels back
            pacer.noteFinished();
            pacer.update(snap(clock, h));
            if (ok)
                ++sent;
            else
                ++rejected;
        }
        QCOMPARE(sent, 300);
        // Rounding down is only learned from the first early request.
        QCOMPARE(rejected, roundDown ? 1 : 0);
        QCOMPARE(pacer.learnedRoundingMs(), roundDown ? qint64(1000) : qint64(0));
        const qint64 minimum = 29 * 2000 + 10 * 40;
        const qint64 took = clock.nowMs() - start;
        qInfo("walk took %lld ms; minimum %lld ms", took, minimum);
        QVERIFY2(took >= minimum, qPrintable(QString::number(took)));
        QVERIFY2(took <= minimum * 115 / 100,
                 qPrintable(QStringLiteral("took %1 ms, minimum %2 ms").arg(took).arg(minimum)));
    }
};

QTEST_GUILESS_MAIN(tst_Pacer)
#include "tst_Pacer.moc"
