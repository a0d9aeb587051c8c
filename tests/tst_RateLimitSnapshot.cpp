#include "api/RateLimitSnapshot.h"

#include "RecordedCassettes.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>

#include <QRandomGenerator>
#include <QtTest>

using namespace tango;

namespace {

using Headers = RateLimitSnapshot::RawHeaders;

const QDateTime kUtc(QDate(2026, 8, 14), QTime(17, 15), Qt::UTC);

RateLimitSnapshot parse(const Headers &h, qint64 atMs = 5000)
{
    return RateLimitSnapshot::fromHeaders(h, atMs, kUtc);
}

Headers fullSet()
{
    return {{"X-RateLimit-Limit", "1000"},
            {"X-RateLimit-Remaining", "812"},
            {"X-RateLimit-Reset", "41"},
            {"X-RateLimit-Burst-Limit", "1000"},
            {"X-RateLimit-Burst-Remaining", "812"},
            {"X-RateLimit-Burst-Reset", "41"},
            {"X-RateLimit-Daily-Limit", "2000000"},
            {"X-RateLimit-Daily-Remaining", "1999000"},
            {"X-RateLimit-Daily-Reset", "24300"},
            {"X-Execution-Time", "0.045s"},
            {"X-Tango-API-Version", "4.22.0"},
            {"Content-Type", "application/json"}};
}

} // namespace

class tst_RateLimitSnapshot : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesFullSet()
    {
        const RateLimitSnapshot s = parse(fullSet());
        QVERIFY(!s.isEmpty());
        QCOMPARE(s.overall().name, QString());
        QCOMPARE(s.overall().limit, std::optional<qint64>(1000));
        QCOMPARE(s.overall().remaining, std::optional<qint64>(812));
        QCOMPARE(s.overall().resetSeconds, std::optional<qint64>(41));
        QCOMPARE(s.windows().size(), 2);
        QCOMPARE(s.windows().at(0).name, QStringLiteral("burst"));
        QCOMPARE(s.windows().at(1).name, QStringLiteral("daily"));
        const RateLimitWindow *daily = s.window(QStringLiteral("Daily"));
        QVERIFY(daily);
        QCOMPARE(daily->limit, std::optional<qint64>(2000000));
        QCOMPARE(daily->remaining, std::optional<qint64>(1999000));
        QCOMPARE(daily->resetSeconds, std::optional<qint64>(24300));
        QVERIFY(s.executionTimeSeconds().has_value());
        QVERIFY(qFuzzyCompare(*s.executionTimeSeconds(), 0.045));
        QCOMPARE(s.executionTimeText(), QStringLiteral("0.045s"));
        QCOMPARE(s.apiVersion(), QStringLiteral("4.22.0"));
        QCOMPARE(s.receivedAtMs(), qint64(5000));
        QCOMPARE(s.receivedAtUtc(), kUtc);
        QVERIFY(!s.window(QStringLiteral("hourly")));
    }

    void namesAreCaseInsensitive()
    {
        const RateLimitSnapshot s = parse({{"x-ratelimit-BURST-limit", "10"},
                                           {"X-RATELIMIT-burst-REMAINING", "3"},
                                           {"x-RateLimit-Burst-Reset", "2"},
                                           {"x-ratelimit-remaining", "3"}});
        QCOMPARE(s.windows().size(), 1);
        QCOMPARE(s.windows().at(0).name, QStringLiteral("burst"));
        QCOMPARE(s.windows().at(0).limit, std::optional<qint64>(10));
        QCOMPARE(s.windows().at(0).remaining, std::optional<qint64>(3));
        QCOMPARE(s.windows().at(0).resetSeconds, std::optional<qint64>(2));
        QCOMPARE(s.overall().remaining, std::optional<qint64>(3));
    }

    void anyWindowNameIsParsed()
    {
        const RateLimitSnapshot s = parse({{"X-RateLimit-Hourly-Limit", "500"},
                                           {"X-RateLimit-Per-Week-Remaining", "7"},
                                           {"X-RateLimit-Hourly-Reset", "100"}});
        QCOMPARE(s.windows().size(), 2);
        QVERIFY(s.window(QStringLiteral("hourly")));
        QCOMPARE(s.window(QStringLiteral("hourly"))->limit, std::optional<qint64>(500));
        QCOMPARE(s.window(QStringLiteral("hourly"))->resetSeconds, std::optional<qint64>(100));
        QVERIFY(s.window(QStringLiteral("per-week")));
        QCOMPARE(s.window(QStringLiteral("per-week"))->remaining, std::optional<qint64>(7));
        QCOMPARE(s.window(QStringLiteral("per-week"))->limit, std::nullopt);
    }

    void badValuesAreUnknown_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<qint64>("expected"); // -1: unknown
        QTest::newRow("plain") << QByteArray("42") << qint64(42);
        QTest::newRow("zero is zero") << QByteArray("0") << qint64(0);
        QTest::newRow("spaces") << QByteArray("  42 ") << qint64(42);
        QTest::newRow("empty") << QByteArray("") << qint64(-1);
        QTest::newRow("blank") << QByteArray("   ") << qint64(-1);
        QTest::newRow("garbage") << QByteArray("lots") << qint64(-1);
        QTest::newRow("trailing garbage") << QByteArray("12abc") << qint64(-1);
        QTest::newRow("negative") << QByteArray("-5") << qint64(-1);
        QTest::newRow("plus sign") << QByteArray("+5") << qint64(-1);
        QTest::newRow("exponent") << QByteArray("1e3") << qint64(-1);
        QTest::newRow("huge") << QByteArray("1000000000001") << qint64(-1);
        QTest::newRow("limit itself") << QByteArray("1000000000000") << qint64(1000000000000LL);
        QTest::newRow("overflow") << QByteArray("99999999999999999999999999") << qint64(-1);
        QTest::newRow("hex") << QByteArray("0x10") << qint64(-1);
        QTest::newRow("nul byte") << QByteArray("4\0"
                                                "2",
                                                3)
                                  << qint64(-1);
        QTest::newRow("latin1 junk") << QByteArray("\xff\xfe") << qint64(-1);
    }
    void badValuesAreUnknown()
    {
        QFETCH(QByteArray, value);
        QFETCH(qint64, expected);
        const RateLimitSnapshot s =
            parse({{"X-RateLimit-Burst-Remaining", value}, {"X-RateLimit-Limit", value}});
        QVERIFY(!s.isEmpty()); // the header was there, even if unreadable
        const std::optional<qint64> want =
            expected < 0 ? std::nullopt : std::optional<qint64>(expected);
        QCOMPARE(s.window(QStringLiteral("burst"))->remaining, want);
        QCOMPARE(s.overall().limit, want);
        QVERIFY(!s.window(QStringLiteral("burst"))->isExhausted() || expected == 0);
    }

    void fractionalResetRoundsUp()
    {
        const RateLimitSnapshot s = parse({{"X-RateLimit-Burst-Reset", "1.2"},
                                           {"X-RateLimit-Daily-Reset", "7.000"},
                                           {"X-RateLimit-Reset", "1."}});
        QCOMPARE(s.window(QStringLiteral("burst"))->resetSeconds, std::optional<qint64>(2));
        QCOMPARE(s.window(QStringLiteral("daily"))->resetSeconds, std::optional<qint64>(7));
        QCOMPARE(s.overall().resetSeconds, std::optional<qint64>(1));
    }

    void duplicatesTakeFirstValid()
    {
        // Separate header lines: the first readable value wins, garbage before it is skipped.
        const RateLimitSnapshot s = parse({{"X-RateLimit-Burst-Remaining", "junk"},
                                           {"X-RateLimit-Burst-Remaining", "5"},
                                           {"x-ratelimit-burst-remaining", "7"},
                                           {"X-RateLimit-Limit", "10, 20"},
                                           {"X-RateLimit-Remaining", "-1, 4"},
                                           {"X-Tango-API-Version", "4.22.0, 9.9.9"}});
        QCOMPARE(s.window(QStringLiteral("burst"))->remaining, std::optional<qint64>(5));
        QCOMPARE(s.overall().limit, std::optional<qint64>(10));
        QCOMPARE(s.overall().remaining, std::optional<qint64>(4));
        QCOMPARE(s.apiVersion(), QStringLiteral("4.22.0"));
        QCOMPARE(s.windows().size(), 1);
    }

    void emptyWhenNoRateLimitHeader()
    {
        QVERIFY(parse({}).isEmpty());
        const RateLimitSnapshot s = parse({{"Content-Type", "application/json"},
                                           {"X-RateLimiting", "5"},
                                           {"X-Execution-Time", "0.1s"}});
        QVERIFY(s.isEmpty());
        QVERIFY(s.windows().isEmpty());
        QVERIFY(s.executionTimeSeconds().has_value()); // still read
        QCOMPARE(s.overall().limit, std::nullopt);
        QVERIFY(RateLimitSnapshot().isEmpty());
    }

    void executionTime_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<double>("expected"); // < 0: unknown
        QTest::newRow("seconds") << QByteArray("0.045s") << 0.045;
        QTest::newRow("upper S") << QByteArray("1.5S") << 1.5;
        QTest::newRow("no unit") << QByteArray("0.5") << 0.5;
        QTest::newRow("millis") << QByteArray("45ms") << 0.045;
        QTest::newRow("spaces") << QByteArray(" 2 s ") << 2.0;
        QTest::newRow("word") << QByteArray("fast") << -1.0;
        QTest::newRow("negative") << QByteArray("-1s") << -1.0;
        QTest::newRow("nan") << QByteArray("nan") << -1.0;
        QTest::newRow("inf") << QByteArray("inf") << -1.0;
        QTest::newRow("unit only") << QByteArray("s") << -1.0;
        QTest::newRow("empty") << QByteArray("") << -1.0;
    }
    void executionTime()
    {
        QFETCH(QByteArray, value);
        QFETCH(double, expected);
        const RateLimitSnapshot s = parse({{"X-Execution-Time", value}});
        if (expected < 0) {
            QVERIFY(!s.executionTimeSeconds().has_value());
        } else {
            QVERIFY(s.executionTimeSeconds().has_value());
            QVERIFY(qAbs(*s.executionTimeSeconds() - expected) < 1e-9);
        }
    }

    void resetTimes()
    {
        const RateLimitSnapshot s = parse(fullSet(), 10'000);
        const RateLimitWindow &burst = *s.window(QStringLiteral("burst"));
        QCOMPARE(s.resetAtMs(burst), std::optional<qint64>(10'000 + 41'000));
        QCOMPARE(s.msUntilReset(burst, 20'000), std::optional<qint64>(31'000));
        QCOMPARE(s.msUntilReset(burst, 60'000), std::optional<qint64>(0));
        RateLimitWindow unknown;
        QCOMPARE(s.resetAtMs(unknown), std::nullopt);
        QCOMPARE(s.msUntilReset(unknown, 0), std::nullopt);
    }

    void recordedHeaders_data()
    {
        QTest::addColumn<QJsonObject>("headers");
        if (RecordedCassettes::dir().isEmpty())
            QSKIP("no shared folder with recorded responses");
        bool ok = false;
        const auto recorded = RecordedCassettes::interactions(&ok);
        QVERIFY(ok);
        if (recorded.isEmpty())
            QSKIP("no recorded responses");
        for (const auto &x : recorded) {
            QTest::addRow("%s#%d", qPrintable(x.file), x.index)
                << x.response.value(QLatin1String("headers")).toObject();
        }
    }
    void recordedHeaders()
    {
        QFETCH(QJsonObject, headers);
        Headers raw;
        for (auto it = headers.begin(); it != headers.end(); ++it)
            raw.append({it.key().toLatin1(), it.value().toString().toLatin1()});
        const RateLimitSnapshot s = parse(raw);
        QVERIFY(!s.isEmpty());
        auto number = [&](const char *name) {
            return std::optional<qint64>(
                headers.value(QLatin1String(name)).toString().toLongLong());
        };
        QCOMPARE(s.windows().size(), 2);
        for (const char *w : {"burst", "daily"}) {
            const RateLimitWindow *window = s.window(QLatin1String(w));
            QVERIFY(window);
            const QByteArray prefix = QByteArray("x-ratelimit-") + w;
            QCOMPARE(window->limit, number(prefix + "-limit"));
            QCOMPARE(window->remaining, number(prefix + "-remaining"));
            QCOMPARE(window->resetSeconds, number(prefix + "-reset"));
        }
        QCOMPARE(s.overall().limit, number("x-ratelimit-limit"));
        QCOMPARE(s.overall().remaining, number("x-ratelimit-remaining"));
        QCOMPARE(s.apiVersion(), headers.value(QLatin1String("x-tango-api-version")).toString());
    }

    void randomBytesNeverCrash()
    {
        // Fixed seed: reproducible, and bounded in time.
        QRandomGenerator rng(12345);
        const QByteArray names[] = {
            "X-RateLimit-Limit",  "X-RateLimit-Burst-Reset", "X-RateLimit--Limit", "X-RateLimit-",
            "X-RateLimit-Limit-", "X-Execution-Time",        "X-Tango-API-Version"};
        for (int round = 0; round < 2000; ++round) {
            Headers h;
            for (int i = 0; i < 4; ++i) {
                QByteArray value(int(rng.bounded(20)), Qt::Uninitialized);
                for (char &c : value)
                    c = char(rng.bounded(256));
                h.append({names[rng.bounded(int(std::size(names)))], value});
            }
            const RateLimitSnapshot s = parse(h);
            for (const RateLimitWindow &w : s.windows()) {
                QVERIFY(!w.limit || (*w.limit >= 0 && *w.limit <= RateLimitSnapshot::kMaxValue));
                QVERIFY(!w.remaining || *w.remaining >= 0);
            }
            if (s.executionTimeSeconds())
                QVERIFY(*s.executionTimeSeconds() >= 0);
        }
        // A name made of the prefix and a field only is the overall trio; an empty window name
        // ("X-RateLimit--Limit") must not create a nameless window.
        const RateLimitSnapshot s = parse({{"X-RateLimit--Limit", "5"}});
        for (const RateLimitWindow &w : s.windows())
            QVERIFY(!w.name.isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_RateLimitSnapshot)
#include "tst_RateLimitSnapshot.moc"
