#include "ErrorDialog.h"

#include "util/ManualClock.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

using namespace tango;

class tst_ErrorDialog : public QObject
{
    Q_OBJECT

private:
    static QUrl url()
    {
        return QUrl(QStringLiteral(
            "http://127.0.0.1:9/api/contracts/?limit=100&api_key=supersecret123&shape=key,piid"));
    }
    static ApiError http(int status, const QByteArray &body)
    {
        ApiError e = ApiError::fromHttp(status, body, url());
        e.setApiVersion(QStringLiteral("4.22.0"));
        return e;
    }
    static ApiError burst429(int wait)
    {
        return http(429, QByteArrayLiteral("{\"detail\": \"Rate limit exceeded for burst. Please "
                                           "try again in ") +
                             QByteArray::number(wait) +
                             QByteArrayLiteral(" seconds.\", \"wait_in_seconds\": ") +
                             QByteArray::number(wait) + "}");
    }

private Q_SLOTS:
    void titleComesFromTheError_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("needle");
        QTest::newRow("401") << 401 << QByteArray("{\"detail\":\"Invalid API key\"}")
                             << QStringLiteral("401");
        QTest::newRow("403") << 403
                             << QByteArray("{\"error\":\"InsufficientPermissions\",\"message\":"
                                           "\"You don't have permission to access this "
                                           "resource\",\"code\":403}")
                             << QStringLiteral("403");
        QTest::newRow("429") << 429
                             << QByteArray("{\"detail\":\"Rate limit exceeded for burst.\","
                                           "\"wait_in_seconds\":45}")
                             << QStringLiteral("429");
        QTest::newRow("400") << 400 << QByteArray("{\"error\":\"Invalid ordering value(s): x.\"}")
                             << QStringLiteral("400");
        QTest::newRow("500") << 500 << QByteArray("{\"detail\":\"boom\"}") << QStringLiteral("500");
    }
    void titleComesFromTheError()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, needle);
        ManualClock clock;
        ErrorDialog dlg(nullptr, &clock);
        const ApiError e = http(status, body);
        dlg.showError(e);
        QVERIFY(dlg.isVisible());
        QVERIFY(!dlg.isModal());
        QCOMPARE(dlg.windowTitle(), e.title());
        QVERIFY(dlg.windowTitle().contains(needle));
        QVERIFY(!dlg.headline().isEmpty());
        QVERIFY(dlg.bodyText().contains(e.serverMessage().toHtmlEscaped()));
        for (const QString &todo : e.whatToDo())
            QVERIFY(dlg.bodyText().contains(todo.toHtmlEscaped()));
        for (const QString &cause : e.likelyCauses())
            QVERIFY(dlg.bodyText().contains(cause.toHtmlEscaped()));
        dlg.cancelRetry();
    }

    void unauthorizedOffersChangeOfCredentials()
    {
        ManualClock clock;
        ErrorDialog dlg(nullptr, &clock);
        QSignalSpy change(&dlg, &ErrorDialog::changeCredentialsRequested);
        dlg.showError(http(401, "{\"detail\":\"Invalid API key or authentication required\"}"));
        QCOMPARE(dlg.windowTitle(), QStringLiteral("API key rejected (401)"));
        QVERIFY(dlg.credentialsButton()->isVisible());
        QVERIFY(!dlg.retryButton()->isVisible());
        QVERIFY(dlg.bodyText().contains(QLatin1String("Invalid API key")));
        QTest::mouseClick(dlg.credentialsButton(), Qt::LeftButton);
        QCOMPARE(change.size(), 1);
        QVERIFY(!dlg.isVisible());
    }

    void forbiddenLinksToTheProfile()
    {
        ManualClock clock;
        ErrorDialog dlg(nullptr, &clock);
        dlg.showError(http(403, "{\"error\":\"InsufficientPermissions\",\"message\":\"You don't "
                                "have permission to access this resource\",\"code\":403}"));
        QCOMPARE(dlg.windowTitle(), QStringLiteral("Not permitted (403)"));
        QVERIFY(dlg.bodyText().contains(QLatin1String(ErrorDialog::profileUrl())));
        QVERIFY(dlg.bodyText().contains(QLatin1String("permission to access")));
        QVERIFY(!dlg.credentialsButton()->isVisible());
        QVERIFY(!dlg.retryButton()->isVisible());
    }

    void rateLimitRetriesAfterTheServersWaitAndNotBefore()
    {
        ManualClock clock;
        ErrorDialog dlg(nullptr, &clock);
        QSignalSpy retry(&dlg, &ErrorDialog::retryRequested);
        dlg.showError(burst429(45));
        QCOMPARE(dlg.windowTitle(), QStringLiteral("Rate limit reached (429)"));
        QVERIFY(dlg.isRetryScheduled());
        QCOMPARE(dlg.retryCountdown(), 45);
        QVERIFY(dlg.bodyText().contains(QLatin1String("burst")));
        QVERIFY(dlg.bodyText().contains(QLatin1String("45 s")));
        clock.advance(10000);
        QCOMPARE(dlg.retryCountdown(), 35);
        QVERIFY(dlg.bodyText().contains(QLatin1String("35 s")));
        clock.advance(34999);
        QCOMPARE(retry.size(), 0);
        QVERIFY(dlg.isVisible());
        clock.advance(1);
        QCOMPARE(retry.size(), 1);
        QVERIFY(!dlg.isVisible());
        clock.advance(120000);
        QCOMPARE(retry.size(), 1);
    }

    void cancelStopsTheAutomaticRetry()
    {
        ManualClock clock;
        ErrorDialog dlg(nullptr, &clock);
        QSignalSpy retry(&dlg, &ErrorDialog::retryRequested);
        dlg.showError(burst429(5));
        QVERIFY(dlg.cancelButton()->isVisible());
        QTest::mouseClick(dlg.cancelButton(), Qt::LeftButton);
        QVERIFY(!dlg.isRetryScheduled());
        clock.advance(60000);
        QCOMPARE(retry.size(), 0);
        dlg.showError(burst429(5));
        dlg.reject(); // Escape
        clock.advance(60000);
        QCOMPARE(retry.size(), 0);
    }

    void exhaustedDailyQuotaIsNeverRetried()
    {
        ManualClock clock;
        clock.setUtcNow(QDateTime(QDate(2026, 8, 14), QTime(17, 0), QTimeZone::utc()));
        ErrorDialog dlg(nullptr, &clock);
        QSignalSpy retry(&dlg, &ErrorDialog::retryRequested);
        ApiError e = http(429, "{\"detail\":\"Rate limit exceeded for daily. Please try again in "
                               "25200 seconds.\",\"wait_in_seconds\":25200}");
        QCOMPARE(e.kind(), ApiError::Kind::QuotaExhausted);
        const QDateTime resets(QDate(2026, 8, 15), QTime(0, 0), QTimeZone::utc());
        e.setResetsAtUtc(resets);
        dlg.showError(e);
        QVERIFY(!dlg.isRetryScheduled());
        QVERIFY(!dlg.retryButton()->isVisible());
        QVERIFY2(
            dlg.bodyText().contains(
                QLocale().toString(resets.toLocalTime(), QLocale::ShortFormat).toHtmlEscaped()),
            qPrintable(dlg.bodyText()));
        clock.advance(26 * 3600 * 1000LL);
        QCOMPARE(retry.size(), 0);
    }

    void badRequestShowsServerMessageAndIssues()
    {
        ManualClock clock;
        ErrorDialog dlg(nullptr, &clock);
        ApiError e = http(400, "{\"detail\":\"Invalid shape\",\"issues\":[{\"path\":"
                               "\"tradeoff_process\",\"reason\":\"unknown_field\"}]}");
        dlg.showError(e);
        QCOMPARE(dlg.windowTitle(), QStringLiteral("Bad request (400)"));
        QVERIFY(dlg.bodyText().contains(QLatin1String("Invalid shape")));
        QVERIFY(dlg.bodyText().contains(QLatin1String("tradeoff_process")));
        QVERIFY(!dlg.retryButton()->isVisible());
    }

    void serverAndNetworkErrorsOfferRetry()
    {
        ManualClock clock;
        ErrorDialog dlg(nullptr, &clock);
        QSignalSpy retry(&dlg, &ErrorDialog::retryRequested);
        dlg.showError(http(502, "<html>Bad gateway</html>"));
        QVERIFY(dlg.retryButton()->isVisible());
        QVERIFY(!dlg.isRetryScheduled());
        QTest::mouseClick(dlg.retryButton(), Qt::LeftButton);
        QCOMPARE(retry.size(), 1);
        ApiError net(ApiError::Kind::Network);
        net.setDetail(QStringLiteral("Connection refused"));
        dlg.showError(net);
        QVERIFY(dlg.retryButton()->isVisible());
        QVERIFY(dlg.detailsText().contains(QLatin1String("Connection refused")));
        QVERIFY(dlg.detailsText().contains(QLatin1String("none")));
    }

    void detailsAreCollapsibleAndHoldNoSecret()
    {
        ManualClock clock;
        ErrorDialog dlg(nullptr, &clock);
        dlg.showError(http(500, "{\"detail\":\"database unavailable\"}"));
        QVERIFY(!dlg.detailsVisible());
        dlg.setDetailsVisible(true);
        QVERIFY(dlg.detailsVisible());
        const QString d = dlg.detailsText();
        QVERIFY(d.contains(QLatin1String("GET")));
        QVERIFY(d.contains(QLatin1String("/api/contracts/")));
        QVERIFY(d.contains(QLatin1String("500")));
        QVERIFY(d.contains(QLatin1String("4.22.0")));
        QVERIFY(d.contains(QLatin1String("database unavailable")));
        QVERIFY(!d.contains(QLatin1String("supersecret123")));
        QVERIFY(!dlg.bodyText().contains(QLatin1String("supersecret123")));
        dlg.setDetailsVisible(false);
        QVERIFY(!dlg.detailsVisible());
    }

    void everyControlHasAnAccessibleName()
    {
        ManualClock clock;
        ErrorDialog dlg(nullptr, &clock);
        dlg.showError(http(403, "{\"detail\":\"no\"}"));
        dlg.setDetailsVisible(true);
        QStringList missing;
        for (QWidget *w : dlg.findChildren<QWidget *>()) {
            if (w->focusPolicy() != Qt::NoFocus &&
                !w->objectName().startsWith(QLatin1String("qt_")) && w->isVisibleTo(&dlg) &&
                w->accessibleName().isEmpty())
                missing << QString::fromLatin1(w->metaObject()->className());
        }
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(QLatin1Char(','))));
    }

    void newErrorReplacesContentAndCountdown()
    {
        ManualClock clock;
        ErrorDialog dlg(nullptr, &clock);
        QSignalSpy retry(&dlg, &ErrorDialog::retryRequested);
        dlg.showError(burst429(10));
        dlg.showError(http(401, "{\"detail\":\"bad key\"}"));
        QCOMPARE(dlg.windowTitle(), QStringLiteral("API key rejected (401)"));
        QVERIFY(!dlg.isRetryScheduled());
        clock.advance(20000);
        QCOMPARE(retry.size(), 0);
        QVERIFY(!dlg.bodyText().contains(QLatin1String("Retrying automatically")));
    }
};

QTEST_MAIN(tst_ErrorDialog)
#include "tst_ErrorDialog.moc"
