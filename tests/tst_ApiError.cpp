#include "api/ApiError.h"

#include "TestPaths.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>

#include <QUrlQuery>
#include <QtTest>

using namespace tango;
using Kind = ApiError::Kind;

Q_DECLARE_METATYPE(tango::ApiError::Kind)

namespace {
const QUrl kUrl(QStringLiteral("https://tango.makegov.com/api/contracts/?limit=25"));
}

class tst_ApiError : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void classifiesStatus_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<Kind>("kind");
        QTest::addColumn<bool>("transient");
        QTest::newRow("400") << 400 << QByteArray("{\"error\":\"Invalid ordering value(s): x.\"}")
                             << Kind::BadRequest << false;
        QTest::newRow("401") << 401 << QByteArray("{\"detail\":\"Invalid API key.\"}")
                             << Kind::Unauthorized << false;
        QTest::newRow("403") << 403 << QByteArray() << Kind::Forbidden << false;
        QTest::newRow("404") << 404 << QByteArray("Not Found") << Kind::NotFound << false;
        QTest::newRow("408") << 408 << QByteArray() << Kind::ServerError << true;
        QTest::newRow("418") << 418 << QByteArray() << Kind::HttpError << false;
        QTest::newRow("429 burst")
            << 429
            << QByteArray("{\"detail\":\"Rate limit exceeded for burst. Please try again in 45 "
                          "seconds.\",\"wait_in_seconds\":45}")
            << Kind::RateLimited << true;
        QTest::newRow("429 unknown window") << 429 << QByteArray("{}") << Kind::RateLimited << true;
        QTest::newRow("429 daily")
            << 429
            << QByteArray(
                   "{\"detail\":\"Rate limit exceeded for daily.\",\"wait_in_seconds\":3600}")
            << Kind::QuotaExhausted << false;
        QTest::newRow("500") << 500 << QByteArray("{\"detail\":\"boom\"}") << Kind::ServerError
                             << true;
        QTest::newRow("502 html") << 502
                                  << QByteArray(
                                         "<html><head><title>502 Bad Gateway</title></head></html>")
                                  << Kind::ServerError << true;
        QTest::newRow("503") << 503 << QByteArray() << Kind::ServerError << true;
        QTest::newRow("200 with error")
            << 200 << QByteArray("{\"error\":\"Something broke\"}") << Kind::BadResponse << true;
    }
    void classifiesStatus()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(Kind, kind);
        QFETCH(bool, transient);
        const ApiError e = ApiError::fromHttp(status, body, kUrl);
        QCOMPARE(e.kind(), kind);
        QCOMPARE(e.httpStatus(), status);
        QCOMPARE(e.isTransient(), transient);
        QVERIFY(e.isError());
        QCOMPARE(e.rawBody(), body);
        QVERIFY(!e.title().isEmpty());
        QVERIFY(!e.explanation().isEmpty());
        QVERIFY(!e.serverMessage().isEmpty()); // generic text when the server gave none
    }

    void serverMessage_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::newRow("detail") << QByteArray(
                                       "{\"detail\":\"No Contract matches the given query.\"}")
                                << QStringLiteral("No Contract matches the given query.");
        QTest::newRow("message before error")
            << QByteArray("{\"error\":\"InsufficientPermissions\",\"message\":\"You don't have "
                          "permission to access this resource\",\"code\":403}")
            << QStringLiteral("You don't have permission to access this resource");
        QTest::newRow("detail before message")
            << QByteArray("{\"message\":\"second\",\"detail\":\"first\"}")
            << QStringLiteral("first");
        QTest::newRow("non-string detail skipped")
            << QByteArray("{\"detail\":{\"x\":1},\"error\":\"plain\"}") << QStringLiteral("plain");
        QTest::newRow("field errors") << QByteArray("{\"award_date\":[\"Enter a valid date.\"]}")
                                      << QStringLiteral("award_date: Enter a valid date.");
        QTest::newRow("non_field_errors")
            << QByteArray("{\"non_field_errors\":[\"Inverted range.\"]}")
            << QStringLiteral("Inverted range.");
    }
    void serverMessage()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        QCOMPARE(ApiError::fromHttp(400, body, kUrl).serverMessage(), message);
    }

    void genericMessageForUnreadableBodies_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("array") << QByteArray("[\"a\",\"b\"]");
        QTest::newRow("bare string") << QByteArray("\"oops\"");
        QTest::newRow("truncated") << QByteArray("{\"detail\":\"cut");
        QTest::newRow("malformed") << QByteArray("{detail: nope}");
        QTest::newRow("invalid utf8") << QByteArray("{\"detail\":\"\xff\xfe\xc3\"}");
        QTest::newRow("numbers only") << QByteArray("{\"code\":500}");
        QTest::newRow("array of numbers") << QByteArray("{\"x\":[1,2]}");
    }
    void genericMessageForUnreadableBodies()
    {
        QFETCH(QByteArray, body);
        const ApiError e = ApiError::fromHttp(500, body, kUrl);
        QCOMPARE(e.kind(), Kind::ServerError);
        QVERIFY(!e.serverMessage().isEmpty());
        QVERIFY(!e.serverMessage().contains(QLatin1String("oops")));
        QCOMPARE(e.rawBody(), body);
    }

    void htmlTitleIsUsed()
    {
        const ApiError e = ApiError::fromHttp(502,
                                              "<!DOCTYPE html><HTML><HEAD><TITLE> 502  Bad Gateway "
                                              "</TITLE></HEAD><body>nginx</body></HTML>",
                                              kUrl);
        QCOMPARE(e.serverMessage(), QStringLiteral("502 Bad Gateway"));
        QCOMPARE(e.title(), QStringLiteral("Server error (502)"));
    }

    void rawBodyIsCapped()
    {
        const QByteArray big(ApiError::kMaxBody * 3, 'x');
        const ApiError e = ApiError::fromHttp(500, big, kUrl);
        QCOMPARE(e.rawBody().size(), qsizetype(ApiError::kMaxBody));
        ApiError f;
        f.setRawBody(big);
        QCOMPARE(f.rawBody().size(), qsizetype(ApiError::kMaxBody));
    }

    void badRequestIssuesAndFields()
    {
        const QByteArray body =
            "{\"detail\":\"Invalid shape\",\n"
            "            "
            "\"issues\":[{\"path\":\"tradeoff_process\",\"reason\":\"unknown_field\"},\n"
            "                      {\"path\":\"recipient.bogus\",\"reason\":\"unknown_field\"},\n"
            "                      {\"path\":\"\",\"reason\":\"\"}, 42, \"plain issue\"],\n"
            "            "
            "\"available_fields\":{\"fields\":[\"key\",\"piid\"],\"expands\":{\"recipient\":["
            "\"uei\"]}}}";
        const ApiError e = ApiError::fromHttp(400, body, kUrl);
        QCOMPARE(e.kind(), Kind::BadRequest);
        QCOMPARE(e.serverMessage(), QStringLiteral("Invalid shape"));
        QCOMPARE(e.issues(), QStringList({QStringLiteral("tradeoff_process (unknown_field)"),
                                          QStringLiteral("recipient.bogus (unknown_field)"),
                                          QStringLiteral("plain issue")}));
        QCOMPARE(e.availableFields().value(QLatin1String("fields")).toArray().size(), 2);
        QVERIFY(e.summary().contains(QLatin1String("tradeoff_process (unknown_field)")));
        QCOMPARE(e.title(), QStringLiteral("Bad request (400)"));

        // Wrong types are tolerated, not fatal.
        const ApiError f = ApiError::fromHttp(
            400, "{\"error\":\"x\",\"issues\":\"bad\",\"available_fields\":7}", kUrl);
        QVERIFY(f.issues().isEmpty());
        QVERIFY(f.availableFields().isEmpty());
    }

    void rateLimitWait_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<qint64>("wait"); // -1: unknown
        QTest::addColumn<QString>("window");
        QTest::addColumn<Kind>("kind");
        QTest::newRow("int")
            << QByteArray("{\"detail\":\"Rate limit exceeded for burst.\",\"wait_in_seconds\":45}")
            << qint64(45) << QStringLiteral("burst") << Kind::RateLimited;
        QTest::newRow("string")
            << QByteArray("{\"detail\":\"Too many per minute\",\"wait_in_seconds\":\"12\"}")
            << qint64(12) << QStringLiteral("burst") << Kind::RateLimited;
        QTest::newRow("fraction") << QByteArray("{\"wait_in_seconds\":2.2}") << qint64(3)
                                  << QString() << Kind::RateLimited;
        QTest::newRow("missing") << QByteArray("{\"detail\":\"Rate limit exceeded for burst.\"}")
                                 << qint64(-1) << QStringLiteral("burst") << Kind::RateLimited;
        QTest::newRow("garbage string") << QByteArray("{\"wait_in_seconds\":\"soon\"}")
                                        << qint64(-1) << QString() << Kind::RateLimited;
        QTest::newRow("negative") << QByteArray("{\"wait_in_seconds\":-3}") << qint64(-1)
                                  << QString() << Kind::RateLimited;
        QTest::newRow("huge") << QByteArray("{\"wait_in_seconds\":1e300}") << qint64(-1)
                              << QString() << Kind::RateLimited;
        QTest::newRow("null") << QByteArray("{\"wait_in_seconds\":null}") << qint64(-1) << QString()
                              << Kind::RateLimited;
        QTest::newRow("day")
            << QByteArray("{\"detail\":\"Try again in a day\",\"wait_in_seconds\":\"100\"}")
            << qint64(100) << QStringLiteral("daily") << Kind::QuotaExhausted;
        QTest::newRow("not json") << QByteArray("Too Many Requests") << qint64(-1) << QString()
                                  << Kind::RateLimited;
    }
    void windowFromText_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("window");
        QTest::newRow("burst") << "Rate limit exceeded for burst. Please try again in 45 seconds."
                               << "burst";
        QTest::newRow("daily, wait in minutes")
            << "Rate limit exceeded for daily. Please try again in 300 minutes."
            << "daily";
        QTest::newRow("Daily capitalised") << "Rate limit exceeded for Daily."
                                           << "daily";
        QTest::newRow("other window") << "Rate limit exceeded for hourly. Try later."
                                      << "hourly";
        QTest::newRow("per minute") << "Too many requests per minute"
                                    << "burst";
        QTest::newRow("per day") << "Too many requests today, come back another day"
                                 << "daily";
        QTest::newRow("burst wins over day") << "Burst limit hit; your day quota is fine"
                                             << "burst";
        QTest::newRow("nothing") << "Slow down"
                                 << "";
        QTest::newRow("empty") << ""
                               << "";
        QTest::newRow("for this") << "Rate limit exceeded for this account"
                                  << "";
    }
    void windowFromText()
    {
        QFETCH(QString, text);
        QFETCH(QString, window);
        QCOMPARE(ApiError::windowFromText(text), window);
    }

    void rateLimitWait()
    {
        QFETCH(QByteArray, body);
        QFETCH(qint64, wait);
        QFETCH(QString, window);
        QFETCH(Kind, kind);
        const ApiError e = ApiError::fromHttp(429, body, kUrl);
        QCOMPARE(e.kind(), kind);
        QCOMPARE(e.rateLimitWindow(), window);
        QCOMPARE(e.waitSeconds(), wait < 0 ? std::nullopt : std::optional<qint64>(wait));
    }

    void redactsSecretsFromUrls()
    {
        const QUrl url(QStringLiteral(
            "https://user:pw@tango.makegov.com/api/contracts/?key=CONT_AWD_1&api_key=SECRET1"
            "&ApiKey=SECRET2&access_token=SECRET3&token=SECRET4&refresh_token=SECRET5"
            "&client_secret=SECRET6&code=SECRET7&code_verifier=SECRET8&limit=25#access_token="
            "SECRET9"));
        const QUrl r = ApiError::redactedUrl(url);
        const QString s = r.toString();
        QVERIFY2(!s.contains(QLatin1String("SECRET")), qPrintable(s));
        QVERIFY(!s.contains(QLatin1String("pw")));
        const QUrlQuery q(r);
        QCOMPARE(q.queryItemValue(QStringLiteral("key")), QStringLiteral("CONT_AWD_1"));
        QCOMPARE(q.queryItemValue(QStringLiteral("limit")), QStringLiteral("25"));
        QCOMPARE(r.host(), QStringLiteral("tango.makegov.com"));
        QCOMPARE(r.path(), QStringLiteral("/api/contracts/"));

        // Percent-encoded names are secrets too.
        const QUrl enc(QStringLiteral("https://h/api/?api%5Fkey=SECRET&x=1"));
        QVERIFY(!ApiError::redactedUrl(enc).toString().contains(QLatin1String("SECRET")));
        // Nothing to remove: unchanged.
        QCOMPARE(ApiError::redactedUrl(kUrl), kUrl);
        // setUrl stores the redacted form; summary() never shows the secret.
        ApiError e = ApiError::fromHttp(404, "{\"detail\":\"nope\"}", url);
        QVERIFY(!e.url().toString().contains(QLatin1String("SECRET")));
        QVERIFY(!e.summary().contains(QLatin1String("SECRET")));
        QVERIFY(e.summary().contains(QLatin1String("CONT_AWD_1")));
    }

    void unauthorizedTexts()
    {
        ApiError e = ApiError::fromHttp(
            401, "{\"detail\":\"Invalid API key or authentication required\"}", kUrl);
        QCOMPARE(e.title(), QStringLiteral("API key rejected (401)"));
        QCOMPARE(e.likelyCauses().size(), 4);
        const QString todo = e.whatToDo().join(QLatin1Char('\n'));
        QVERIFY(todo.contains(QLatin1String("https://tango.makegov.com/accounts/profile/")));
        QVERIFY(todo.contains(QLatin1String("active")));
        QVERIFY(e.summary().startsWith(QLatin1String("API key rejected (401): Invalid API key")));
        e.setCredentialsKind(QStringLiteral("bearer"));
        QCOMPARE(e.title(), QStringLiteral("Access token rejected (401)"));
    }

    void forbiddenTexts()
    {
        const ApiError e =
            ApiError::fromHttp(403,
                               "{\"error\":\"InsufficientPermissions\",\"message\":\"You don't "
                               "have permission to access this resource\",\"code\":403}",
                               kUrl);
        QCOMPARE(e.title(), QStringLiteral("Not permitted (403)"));
        QCOMPARE(e.likelyCauses().size(), 2);
        QVERIFY(e.whatToDo().join(QLatin1Char(' ')).contains(QLatin1String("support")));
    }

    void rateLimitTexts()
    {
        const ApiError e = ApiError::fromHttp(
            429, "{\"detail\":\"Rate limit exceeded for burst.\",\"wait_in_seconds\":45}", kUrl);
        QCOMPARE(e.title(), QStringLiteral("Rate limit reached (429)"));
        QVERIFY(e.explanation().contains(QLatin1String("burst")));
        QVERIFY(e.whatToDo().first().contains(QLatin1String("45")));
        QVERIFY(e.whatToDo().join(QLatin1Char(' ')).contains(QLatin1String("upgrad")));

        ApiError q(Kind::QuotaExhausted);
        QCOMPARE(q.title(), QStringLiteral("Daily quota used up"));
        q.setResetsAtUtc(QDateTime(QDate(2026, 8, 15), QTime(0, 0), Qt::UTC));
        QVERIFY(q.explanation() != ApiError(Kind::QuotaExhausted).explanation());
    }

    void otherTitles_data()
    {
        QTest::addColumn<Kind>("kind");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("title");
        QTest::newRow("500") << Kind::ServerError << 500 << QStringLiteral("Server error (500)");
        QTest::newRow("503") << Kind::ServerError << 503 << QStringLiteral("Server error (503)");
        QTest::newRow("timeout") << Kind::Timeout << 0 << QStringLiteral("Request timed out");
        QTest::newRow("network") << Kind::Network << 0 << QStringLiteral("Network error");
        QTest::newRow("bad") << Kind::BadResponse << 200 << QStringLiteral("Unexpected response");
        QTest::newRow("invalid") << Kind::InvalidRequest << 0 << QStringLiteral("Request refused");
        QTest::newRow("aborted") << Kind::Aborted << 0 << QStringLiteral("Cancelled");
        QTest::newRow("404") << Kind::NotFound << 404 << QStringLiteral("Not found (404)");
    }
    void otherTitles()
    {
        QFETCH(Kind, kind);
        QFETCH(int, status);
        QFETCH(QString, title);
        const ApiError e(kind, status);
        QCOMPARE(e.title(), title);
        QVERIFY(!e.summary().contains(QLatin1Char('\n')));
    }

    // The real API's recorded 404 and 400 bodies, classified with their own messages.
    void recordedErrors_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<Kind>("kind");
        QTest::addColumn<QString>("messageStart");
        QTest::newRow("404") << "edge-contract-404.json" << Kind::NotFound
                             << "No Contract matches the given query.";
        QTest::newRow("400") << "edge-vehicles-bad-ordering.json" << Kind::BadRequest
                             << "Invalid ordering value(s): not_a_real_field.";
    }
    void recordedErrors()
    {
        QFETCH(QString, file);
        QFETCH(Kind, kind);
        QFETCH(QString, messageStart);
        const QString dir = sharedDir();
        if (dir.isEmpty())
            QSKIP("no shared folder with recorded responses");
        QFile f(dir + QStringLiteral("/tango-api/cassettes/") + file);
        if (!f.open(QIODevice::ReadOnly))
            QSKIP("recorded response missing");
        const QJsonObject interaction = QJsonDocument::fromJson(f.readAll())
                                            .object()
                                            .value(QLatin1String("interactions"))
                                            .toArray()
                                            .first()
                                            .toObject();
        const QJsonObject response = interaction.value(QLatin1String("response")).toObject();
        const QByteArray body = QJsonDocument(response.value(QLatin1String("body")).toObject())
                                    .toJson(QJsonDocument::Compact);
        const QUrl url(interaction.value(QLatin1String("request"))
                           .toObject()
                           .value(QLatin1String("url"))
                           .toString());
        const ApiError e =
            ApiError::fromHttp(response.value(QLatin1String("status")).toInt(), body, url);
        QCOMPARE(e.kind(), kind);
        QVERIFY2(e.serverMessage().startsWith(messageStart), qPrintable(e.serverMessage()));
        QCOMPARE(e.url().host(), QStringLiteral("tango.makegov.com"));
        QVERIFY(!e.isTransient());
    }

    void summaryIsOneLine()
    {
        ApiError e = ApiError::fromHttp(500, "{\"detail\":\"line one\\nline two\\r\\n\"}", kUrl);
        e.setDetail(QStringLiteral("ignored when there is a server message"));
        const QString s = e.summary();
        QVERIFY(!s.contains(QLatin1Char('\n')));
        QVERIFY(!s.contains(QLatin1Char('\r')));
        QVERIFY(s.contains(QLatin1String("line one line two")));
        QVERIFY(s.contains(QLatin1String("/api/contracts/")));
        const ApiError none;
        QVERIFY(!none.isError());
        QVERIFY(!none.isTransient());
    }
};

QTEST_GUILESS_MAIN(tst_ApiError)
#include "tst_ApiError.moc"
