#include "api/RetryPolicy.h"

#include <QLocale>
#include <QtTest>

using namespace tango;

class tst_RetryPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void doublesWithoutJitter()
    {
        RetryPolicy p;
        p.baseDelayMs = 500;
        p.maxDelayMs = 8000;
        p.jitter = 0;
        QCOMPARE(p.backoffMs(1, 0.9), qint64(500));
        QCOMPARE(p.backoffMs(2, 0.1), qint64(1000));
        QCOMPARE(p.backoffMs(3, 0.5), qint64(2000));
        QCOMPARE(p.backoffMs(5, 0.5), qint64(8000));
        QCOMPARE(p.backoffMs(6, 0.5), qint64(8000)); // capped
    }

    void jitterStaysInBand()
    {
        RetryPolicy p; // 500 ms, +/- 25 %
        QCOMPARE(p.backoffMs(1, 0.0), qint64(375));
        QCOMPARE(p.backoffMs(1, 0.5), qint64(500));
        QVERIFY(p.backoffMs(1, 0.999) <= 625 && p.backoffMs(1, 0.999) > 600);
        QCOMPARE(p.backoffMs(2, 0.0), qint64(750));
        // Jitter never pushes past the cap.
        QVERIFY(p.backoffMs(10, 0.999) <= p.maxDelayMs);
        QVERIFY(p.backoffMs(10, 0.0) >= p.maxDelayMs * 3 / 4);
        // Out-of-range randoms are clamped, not trusted.
        QCOMPARE(p.backoffMs(1, -5.0), qint64(375));
        QCOMPARE(p.backoffMs(1, 7.0), qint64(625));
    }

    void hugeRetryNumbersDoNotOverflow()
    {
        RetryPolicy p;
        p.jitter = 0;
        for (int retry : {31, 62, 63, 64, 1000, std::numeric_limits<int>::max()})
            QCOMPARE(p.backoffMs(retry, 0.5), p.maxDelayMs);
        p.baseDelayMs = -10; // nonsense configuration: never a negative delay
        QCOMPARE(p.backoffMs(1, 0.5), qint64(0));
    }

    void noneDisablesRetries()
    {
        const RetryPolicy p = RetryPolicy::none();
        QCOMPARE(p.maxRetries, 0);
        QCOMPARE(p.maxRateLimitRetries, 0);
    }

    void retryAfter_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<qint64>("ms"); // -1: nullopt
        const QDateTime now(QDate(2026, 8, 14), QTime(17, 15, 0), Qt::UTC);
        auto httpDate = [](const QDateTime &t) {
            return QLocale::c()
                .toString(t.toUTC(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"))
                .toLatin1();
        };
        QTest::newRow("seconds") << QByteArray("120") << qint64(120000);
        QTest::newRow("zero") << QByteArray("0") << qint64(0);
        QTest::newRow("spaces") << QByteArray(" 7 ") << qint64(7000);
        QTest::newRow("http date") << httpDate(now.addSecs(30)) << qint64(30000);
        QTest::newRow("rfc850-ish date")
            << QByteArray("Fri, 14 Aug 2026 17:16:00 +0000") << qint64(60000);
        QTest::newRow("past date") << httpDate(now.addSecs(-30)) << qint64(0);
        QTest::newRow("empty") << QByteArray() << qint64(-1);
        QTest::newRow("negative") << QByteArray("-5") << qint64(-1);
        QTest::newRow("garbage") << QByteArray("soon") << qint64(-1);
        QTest::newRow("fraction") << QByteArray("1.5") << qint64(-1);
        QTest::newRow("too many digits") << QByteArray("99999999999999999999") << qint64(-1);
    }
    void retryAfter()
    {
        QFETCH(QByteArray, value);
        QFETCH(qint64, ms);
        const QDateTime now(QDate(2026, 8, 14), QTime(17, 15, 0), Qt::UTC);
        const auto got = RetryPolicy::parseRetryAfterMs(value, now);
        QCOMPARE(got, ms < 0 ? std::nullopt : std::optional<qint64>(ms));
    }
};

QTEST_GUILESS_MAIN(tst_RetryPolicy)
#include "tst_RetryPolicy.moc"
