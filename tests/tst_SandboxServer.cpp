#include "sandbox/SandboxServer.h"
#include "support/TestPaths.h"
#include "util/ManualClock.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QUrlQuery>

#include <functional>

using namespace tango;

namespace {

const QByteArray kKey = SandboxOptions().apiKey.toUtf8();
const QString kWalkShape = QStringLiteral(
    "key,piid,award_date,fiscal_year,obligated,total_contract_value,naics_code,"
    "psc_code,set_aside,award_type,solicitation_identifier,description,"
    "recipient(display_name,uei),awarding_office(agency_code),"
    "funding_office(agency_code),period_of_performance(start_date,current_end_date)");

struct Reply
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QJsonObject json;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray header(const char *name) const { return headers.value(QByteArray(name).toLower()); }
};

} // namespace

class tst_SandboxServer : public QObject
{
    Q_OBJECT

private:
    Reply send(const QNetworkRequest &request, const QByteArray &verb = "GET",
               const QByteArray &body = QByteArray());
    Reply get(const QString &pathAndQuery, const QByteArray &key = kKey);
    Reply getUrl(const QUrl &url, const QByteArray &key = kKey);
    Reply postForm(const QString &path, const QList<QPair<QString, QString>> &form,
                   const QByteArray &basicAuth = QByteArray());
    // Follows `next` from the first page; fails the test on any non-200 page.
    QVector<QJsonObject> walk(const QString &query, int *pages = nullptr);
    // Brute force over the unfiltered data set.
    int bruteCount(const std::function<bool(const QJsonObject &)> &pred) const;
    QString authorizeCode(const QString &verifier, const QString &redirect,
                          QString *state = nullptr);

    std::unique_ptr<SandboxServer> m_server;
    QNetworkAccessManager m_nam;
    QVector<QJsonObject> m_all; // every row, from one unfiltered walk

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void listensOnLoopbackOnly();
    void keepAliveServesSeveralRequestsOnOneConnection();
    void cursorWalkCoversEveryRowInDefaultOrder();
    void cursorWalkEachOrdering_data();
    void cursorWalkEachOrdering();
    void previousCursorWalksBack();
    void badCursorIs400();
    void limitDefaultAndCap();
    void shapeLeaves();
    void shapeNestedStarAndAlias();
    void shapeInvalidIs400_data();
    void shapeInvalidIs400();
    void noShapeGivesDefaultSubset();
    void agencyFilterWithWarnings();
    void agencyFilterNoMatchIs400();
    void naicsAndPscFilters();
    void fiscalYearRange();
    void dateFilters();
    void badDatesAre400_data();
    void badDatesAre400();
    void obligatedRange();
    void searchFilter();
    void setAsideAwardTypeRecipientUeiFilters();
    void emptyResultSet();
    void badOrderingIs400();
    void detailAndNotFound();
    void authErrors();
    void rateLimitHeadersCountDown();
    void burstWindow429AndReset();
    void dailyWindow429AndReset();
    void disabledWindowSendsNoHeaders();
    void faultsAreObservable_data();
    void faultsAreObservable();
    void droppedConnection();
    void faultEveryCountsDown();
    void delayFault();
    void requestLog();
    void oauthAuthorizeRedirect();
    void oauthDenyAndBadRequests();
    void oauthTokenExchange();
    void oauthRefresh();
    void oauthClientSecret();
    void bearerAcceptedAndExpired();
    void executablePrintsUrlAndServesCursorWalk();
};

Reply tst_SandboxServer::send(const QNetworkRequest &request, const QByteArray &verb,
                              const QByteArray &body)
{
    // QNetworkAccessManager only knows that a HEAD answer has no body through head().
    QNetworkReply *reply =
        verb == "HEAD" ? m_nam.head(request) : m_nam.sendCustomRequest(request, verb, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(15000);
    Reply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.error = reply->error();
    r.body = reply->readAll();
    r.json = QJsonDocument::fromJson(r.body).object();
    for (const auto &h : reply->rawHeaderPairs())
        r.headers.insert(h.first.toLower(), h.second);
    reply->deleteLater();
    return r;
}

Reply tst_SandboxServer::getUrl(const QUrl &url, const QByteArray &key)
{
    QNetworkRequest req(url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                     QNetworkRequest::ManualRedirectPolicy);
    if (!key.isEmpty())
        req.setRawHeader("X-API-KEY", key);
    return send(req);
}

Reply tst_SandboxServer::get(const QString &pathAndQuery, const QByteArray &key)
{
    return getUrl(QUrl(m_server->baseUrl().toString() + pathAndQuery), key);
}

Reply tst_SandboxServer::postForm(const QString &path, const QList<QPair<QString, QString>> &form,
                                  const QByteArray &basicAuth)
{
    QByteArray body;
    for (const auto &f : form) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(f.first) + '=' + QUrl::toPercentEncoding(f.second);
    }
    QNetworkRequest req(QUrl(m_server->baseUrl().toString() + path));
    req.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded");
    if (!basicAuth.isEmpty())
        req.setRawHeader("Authorization", "Basic " + basicAuth.toBase64());
    return send(req, "POST", body);
}

QVector<QJsonObject> tst_SandboxServer::walk(const QString &query, int *pages)
{
    QVector<QJsonObject> rows;
    QUrl url(m_server->baseUrl().toString() + QStringLiteral("/api/contracts/?") + query);
    int n = 0;
    while (url.isValid() && n < 2000) {
        const Reply r = getUrl(url);
        if (r.status != 200) {
            qWarning() << "page" << n << "status" << r.status << r.body.left(300);
            return {};
        }
        for (const QJsonValue &v : r.json.value(QStringLiteral("results")).toArray())
            rows.append(v.toObject());
        ++n;
        const QJsonValue next = r.json.value(QStringLiteral("next"));
        if (next.isNull())
            break;
        url = QUrl(next.toString());
        // The body's cursor is the one inside next.
        if (QUrlQuery(url).queryItemValue(QStringLiteral("cursor")) !=
            r.json.value(QStringLiteral("cursor")).toString()) {
            qWarning() << "cursor and next disagree";
            return {};
        }
    }
    if (pages)
        *pages = n;
    return rows;
}

int tst_SandboxServer::bruteCount(const std::function<bool(const QJsonObject &)> &pred) const
{
    int n = 0;
    for (const QJsonObject &o : m_all)
        n += pred(o) ? 1 : 0;
    return n;
}

void tst_SandboxServer::initTestCase()
{
    SandboxOptions o;
    o.rows = 2000;
    o.burstLimit = 0; // the walks below would spend any realistic burst window
    m_server = std::make_unique<SandboxServer>(o);
    QString error;
    QVERIFY2(m_server->listen(0, &error), qPrintable(error));
    m_all = walk(QStringLiteral("limit=100&shape=") + QUrl::toPercentEncoding(kWalkShape));
    QCOMPARE(m_all.size(), 2000);
}

void tst_SandboxServer::init()
{
    m_server->setClock(nullptr);
    m_server->setBurstLimit(0, 60);
    m_server->setDailyLimit(0);
    m_server->resetWindows();
    m_server->clearFaults();
    m_server->clearLog();
    m_server->setOAuthDeny(false);
    m_server->setOAuthTokenLifetime(3600);
}

void tst_SandboxServer::cleanup()
{
    m_server->setClock(nullptr);
}

void tst_SandboxServer::listensOnLoopbackOnly()
{
    QCOMPARE(m_server->baseUrl().host(), QStringLiteral("127.0.0.1"));
    QVERIFY(m_server->isListening());
    QVERIFY(m_server->port() > 0);
    QTcpSocket ok;
    ok.connectToHost(QHostAddress(QStringLiteral("127.0.0.1")), m_server->port());
    QVERIFY(ok.waitForConnected(5000));
    // A server bound to any interface would also answer on another loopback address.
    QTcpSocket other;
    other.connectToHost(QHostAddress(QStringLiteral("127.0.0.2")), m_server->port());
    QVERIFY(!other.waitForConnected(2000));

    SandboxServer second;
    QString error;
    QVERIFY(!second.listen(m_server->port(), &error)); // port taken
    QVERIFY(!error.isEmpty());
    QVERIFY(!second.isListening());
    QVERIFY(second.listen(0, &error));
    const quint16 port = second.port();
    QVERIFY(port > 0 && port != m_server->port());
    second.close();
    QVERIFY(!second.isListening());
    QCOMPARE(second.port(), quint16(0));
    QTcpSocket closed;
    closed.connectToHost(QHostAddress::LocalHost, port);
    QTRY_COMPARE_WITH_TIMEOUT(closed.state(), QAbstractSocket::UnconnectedState, 5000);
    QVERIFY(second.listen(0, &error)); // and again
    QVERIFY(second.isListening());
}

void tst_SandboxServer::keepAliveServesSeveralRequestsOnOneConnection()
{
    // The server runs on this thread: wait with the event loop running, never with waitFor*.
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, m_server->port());
    QTRY_COMPARE_WITH_TIMEOUT(s.state(), QAbstractSocket::ConnectedState, 5000);
    QByteArray received;
    const QRegularExpression lengthRe(QStringLiteral("Content-Length: (\\d+)"),
                                      QRegularExpression::CaseInsensitiveOption);
    // Length of the first complete response in `received`, or -1.
    auto completeLength = [&]() {
        const int headerEnd = received.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return -1;
        const auto m = lengthRe.match(QString::fromLatin1(received.left(headerEnd)));
        if (!m.hasMatch())
            return -1;
        const int total = headerEnd + 4 + m.captured(1).toInt();
        return received.size() >= total ? total : -1;
    };
    for (int i = 0; i < 3; ++i) {
        s.write("GET /api/contracts/?limit=2&shape=key HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-KEY: " +
                kKey + "\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT((received += s.readAll(), completeLength() > 0), 5000);
        const int total = completeLength();
        QVERIFY(received.startsWith("HTTP/1.1 200 OK\r\n"));
        const QByteArray body = received.mid(received.indexOf("\r\n\r\n") + 4,
                                             total - received.indexOf("\r\n\r\n") - 4);
        QCOMPARE(QJsonDocument::fromJson(body).object().value("results").toArray().size(), 2);
        received.remove(0, total);
        QCOMPARE(s.state(), QAbstractSocket::ConnectedState);
    }
    QVERIFY(received.isEmpty());
    // "Connection: close" is honoured.
    s.write("GET /api/contracts/?limit=1&shape=key HTTP/1.1\r\nHost: x\r\nConnection: "
            "close\r\nX-API-KEY: " +
            kKey + "\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(s.state(), QAbstractSocket::UnconnectedState, 5000);
    received += s.readAll();
    QVERIFY(completeLength() > 0);
}

void tst_SandboxServer::cursorWalkCoversEveryRowInDefaultOrder()
{
    int pages = 0;
    const QVector<QJsonObject> rows = walk(QStringLiteral("limit=70&shape=key,award_date"), &pages);
    QCOMPARE(pages, (2000 + 69) / 70);
    QStringList keys;
    for (const QJsonObject &o : rows)
        keys.append(o.value("key").toString());
    QCOMPARE(keys, m_server->keysInDefaultOrder());
    QCOMPARE(QSet<QString>(keys.begin(), keys.end()).size(), 2000);
    for (int i = 1; i < rows.size(); ++i)
        QVERIFY(rows.at(i - 1).value("award_date").toString() >=
                rows.at(i).value("award_date").toString());
}

void tst_SandboxServer::cursorWalkEachOrdering_data()
{
    QTest::addColumn<QString>("ordering");
    QTest::addColumn<QString>("field");
    QTest::addColumn<bool>("descending");
    for (const char *f : {"award_date", "obligated", "total_contract_value"}) {
        QTest::addRow("%s", f) << QString::fromLatin1(f) << QString::fromLatin1(f) << false;
        QTest::addRow("-%s", f) << QStringLiteral("-") + QString::fromLatin1(f)
                                << QString::fromLatin1(f) << true;
    }
}

void tst_SandboxServer::cursorWalkEachOrdering()
{
    QFETCH(QString, ordering);
    QFETCH(QString, field);
    QFETCH(bool, descending);
    const QVector<QJsonObject> rows =
        walk(QStringLiteral("limit=100&ordering=%1&shape=key,%2").arg(ordering, field));
    QCOMPARE(rows.size(), 2000);
    QSet<QString> keys;
    for (const QJsonObject &o : rows)
        keys.insert(o.value("key").toString());
    QCOMPARE(keys.size(), 2000);
    for (int i = 1; i < rows.size(); ++i) {
        const QJsonValue a = rows.at(i - 1).value(field);
        const QJsonValue b = rows.at(i).value(field);
        const bool inOrder =
            a.isString()
                ? (descending ? a.toString() >= b.toString() : a.toString() <= b.toString())
                : (descending ? a.toDouble() >= b.toDouble() : a.toDouble() <= b.toDouble());
        QVERIFY2(inOrder, qPrintable(QStringLiteral("rows %1/%2 out of order").arg(i - 1).arg(i)));
    }
}

void tst_SandboxServer::previousCursorWalksBack()
{
    QVector<QStringList> pages;
    QUrl url(m_server->baseUrl().toString() +
             "/api/contracts/?limit=30&ordering=-obligated&shape=key");
    Reply r;
    for (int i = 0; i < 4; ++i) {
        r = getUrl(url);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("previous").isNull(), i == 0);
        QCOMPARE(r.json.value("previous_cursor").isNull(), i == 0);
        QStringList keys;
        for (const QJsonValue &v : r.json.value("results").toArray())
            keys.append(v.toObject().value("key").toString());
        pages.append(keys);
        url = QUrl(r.json.value("next").toString());
    }
    for (int i = 2; i >= 0; --i) {
        const QUrl prev(r.json.value("previous").toString());
        QCOMPARE(QUrlQuery(prev).queryItemValue("cursor"),
                 r.json.value("previous_cursor").toString());
        QCOMPARE(QUrlQuery(prev).queryItemValue("ordering"), QStringLiteral("-obligated"));
        r = getUrl(prev);
        QCOMPARE(r.status, 200);
        QStringList keys;
        for (const QJsonValue &v : r.json.value("results").toArray())
            keys.append(v.toObject().value("key").toString());
        QCOMPARE(keys, pages.at(i));
    }
    QVERIFY(r.json.value("previous").isNull());
}

void tst_SandboxServer::badCursorIs400()
{
    for (const char *c : {"not-base64!!", "WzFd", "eyJhIjoxfQ"}) {
        const Reply r = get(QStringLiteral("/api/contracts/?cursor=%1").arg(QLatin1String(c)));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json.value("detail").toString(), QStringLiteral("Invalid cursor"));
    }
    // A cursor from one ordering is not accepted under another.
    const Reply first = get(QStringLiteral("/api/contracts/?limit=5&ordering=obligated&shape=key"));
    const QString cursor = first.json.value("cursor").toString();
    QVERIFY(!cursor.isEmpty());
    QCOMPARE(get("/api/contracts/?ordering=obligated&cursor=" + cursor).status, 200);
    QCOMPARE(get("/api/contracts/?ordering=-award_date&cursor=" + cursor).status, 400);
}

void tst_SandboxServer::limitDefaultAndCap()
{
    QCOMPARE(get("/api/contracts/?shape=key").json.value("results").toArray().size(), 25);
    QCOMPARE(get("/api/contracts/?limit=500&shape=key").json.value("results").toArray().size(),
             100);
    QCOMPARE(get("/api/contracts/?limit=7&shape=key").json.value("results").toArray().size(), 7);
    QCOMPARE(get("/api/contracts/?limit=abc&shape=key").json.value("results").toArray().size(), 25);
    QCOMPARE(get("/api/contracts/?limit=0&shape=key").json.value("results").toArray().size(), 25);
    const Reply r = get("/api/contracts/?limit=500&shape=key");
    QCOMPARE(r.json.value("count").toInt(), 2000);
}

void tst_SandboxServer::shapeLeaves()
{
    const Reply r = get("/api/contracts/?limit=10&shape=key,piid,obligated,naics_code,psc_code");
    QCOMPARE(r.status, 200);
    const QJsonArray results = r.json.value("results").toArray();
    QCOMPARE(results.size(), 10);
    for (const QJsonValue &v : results) {
        const QJsonObject o = v.toObject();
        QStringList keys = o.keys();
        keys.sort();
        QCOMPARE(keys, (QStringList{"key", "naics_code", "obligated", "piid", "psc_code"}));
        QVERIFY(
            o.value("key").toString().startsWith("CONT_AWD_" + o.value("piid").toString() + "_"));
        QVERIFY(o.value("obligated").isDouble());
        QVERIFY(o.value("naics_code").isDouble());
        QVERIFY(o.value("psc_code").isString());
    }
}

void tst_SandboxServer::shapeNestedStarAndAlias()
{
    const Reply r =
        get(QStringLiteral("/api/contracts/?limit=5&shape=") +
            QUrl::toPercentEncoding(
                "key::id,recipient(display_name,uei::vendor_uei),period_of_performance(*),"
                "naics(code,description),transactions(obligated,transaction_date),"
                "subawards_summary(count)"));
    QCOMPARE(r.status, 200);
    for (const QJsonValue &v : r.json.value("results").toArray()) {
        const QJsonObject o = v.toObject();
        QVERIFY(o.contains("id"));
        QVERIFY(!o.contains("key"));
        const QJsonObject rec = o.value("recipient").toObject();
        QCOMPARE(rec.keys(), (QStringList{"display_name", "vendor_uei"}));
        QCOMPARE(rec.value("vendor_uei").toString().size(), 12);
        QStringList pop = o.value("period_of_performance").toObject().keys();
        pop.sort();
        QCOMPARE(pop, (QStringList{"current_end_date", "start_date", "ultimate_completion_date"}));
        QVERIFY(o.value("naics").toObject().value("code").isDouble());
        QVERIFY(!o.value("naics").toObject().value("description").toString().isEmpty());
        const QJsonArray tx = o.value("transactions").toArray();
        QVERIFY(!tx.isEmpty());
        QCOMPARE(tx.at(0).toObject().keys(), (QStringList{"obligated", "transaction_date"}));
        QCOMPARE(o.value("subawards_summary").toObject().keys(), QStringList{"count"});
    }
    // The transactions add up to the contract's obligation.
    const Reply d =
        get("/api/contracts/?limit=20&shape=obligated,number_of_actions,transactions(obligated)");
    for (const QJsonValue &v : d.json.value("results").toArray()) {
        const QJsonObject o = v.toObject();
        double sum = 0;
        for (const QJsonValue &t : o.value("transactions").toArray())
            sum += t.toObject().value("obligated").toDouble();
        QVERIFY(qAbs(sum - o.value("obligated").toDouble()) < 0.005);
        QCOMPARE(o.value("transactions").toArray().size(), o.value("number_of_actions").toInt());
    }
}

void tst_SandboxServer::shapeInvalidIs400_data()
{
    QTest::addColumn<QString>("shape");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("reason");
    QTest::newRow("unknown root") << "key,tradeoff"
                                  << "tradeoff"
                                  << "unknown_field";
    QTest::newRow("unknown child") << "key,recipient(display_name,foo)"
                                   << "recipient.foo"
                                   << "unknown_field";
    QTest::newRow("unknown expansion") << "nothing(a,b)"
                                       << "nothing"
                                       << "unknown_field";
    QTest::newRow("leaf expanded") << "key(x)"
                                   << "key"
                                   << "not_expandable";
    QTest::newRow("root star") << "*"
                               << "*"
                               << "wildcard_not_allowed_at_root";
    QTest::newRow("syntax") << "key,recipient(uei"
                            << ""
                            << "syntax_error";
}

void tst_SandboxServer::shapeInvalidIs400()
{
    QFETCH(QString, shape);
    QFETCH(QString, path);
    QFETCH(QString, reason);
    for (const QString &endpoint : {QStringLiteral("/api/contracts/?shape="),
                                    QStringLiteral("/api/contracts/%1/?shape=")
                                        .arg(m_server->keysInDefaultOrder().first())}) {
        const Reply r = get(endpoint + QUrl::toPercentEncoding(shape));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json.value("detail").toString(), QStringLiteral("Invalid shape"));
        const QJsonArray issues = r.json.value("issues").toArray();
        QVERIFY(!issues.isEmpty());
        const QJsonObject issue = issues.at(0).toObject();
        if (!path.isEmpty())
            QCOMPARE(issue.value("path").toString(), path);
        QCOMPARE(issue.value("reason").toString(), reason);
        const QJsonObject available = r.json.value("available_fields").toObject();
        QVERIFY(available.value("fields").toArray().contains(QJsonValue("piid")));
        QVERIFY(available.value("expands")
                    .toObject()
                    .value("recipient")
                    .toArray()
                    .contains(QJsonValue("uei")));
    }
}

void tst_SandboxServer::noShapeGivesDefaultSubset()
{
    const Reply r = get("/api/contracts/?limit=3");
    QCOMPARE(r.status, 200);
    const QJsonObject o = r.json.value("results").toArray().at(0).toObject();
    for (const char *k :
         {"key", "piid", "award_date", "fiscal_year", "obligated", "total_contract_value",
          "description", "recipient", "awarding_office", "place_of_performance"})
        QVERIFY2(o.contains(QLatin1String(k)), k);
    QVERIFY(!o.contains("transactions"));
    QVERIFY(o.value("recipient").toObject().contains("display_name"));
}

void tst_SandboxServer::agencyFilterWithWarnings()
{
    const QVector<QJsonObject> rows = walk(QStringLiteral(
        "limit=100&shape=key,awarding_office(agency_code)&awarding_agency=HUD%7CHUDD"));
    const int expected = bruteCount([](const QJsonObject &o) {
        return o.value("awarding_office").toObject().value("agency_code").toString() == "8600";
    });
    QVERIFY(expected > 0);
    QCOMPARE(rows.size(), expected);
    for (const QJsonObject &o : rows)
        QCOMPARE(o.value("awarding_office").toObject().value("agency_code").toString(),
                 QStringLiteral("8600"));

    const Reply r = get("/api/contracts/?limit=1&shape=key&awarding_agency=HUD%7CHUDD");
    QCOMPARE(r.json.value("count").toInt(), expected);
    const QJsonObject meta = r.json.value("meta").toObject();
    QCOMPARE(meta.value("warnings").toArray(),
             QJsonArray{QStringLiteral("Agency filter 'awarding_agency': 'HUDD' did not match.")});
    const QJsonArray resolved =
        meta.value("resolved_filters").toObject().value("awarding_agency").toArray();
    QCOMPARE(resolved.size(), 2);
    QCOMPARE(resolved.at(0).toObject().value("token").toString(), QStringLiteral("HUD"));
    QVERIFY(resolved.at(0)
                .toObject()
                .value("resolved")
                .toObject()
                .value("name")
                .toString()
                .contains("Housing"));
    QVERIFY(resolved.at(1).toObject().value("resolved").isNull());

    // Code, name and lower-case abbreviation resolve to the same agency; several agencies OR.
    QCOMPARE(get("/api/contracts/?limit=1&awarding_agency=8600").json.value("count").toInt(),
             expected);
    QCOMPARE(get("/api/contracts/?limit=1&awarding_agency=hud").json.value("count").toInt(),
             expected);
    QCOMPARE(get("/api/contracts/?limit=1&awarding_agency=" +
                 QUrl::toPercentEncoding("Department of Housing and Urban Development"))
                 .json.value("count")
                 .toInt(),
             expected);
    const int dodOrGsa = bruteCount([](const QJsonObject &o) {
        const QString c = o.value("awarding_office").toObject().value("agency_code").toString();
        return c == "9700" || c == "4700";
    });
    QCOMPARE(get("/api/contracts/?limit=1&awarding_agency=DOD%7C4700").json.value("count").toInt(),
             dodOrGsa);
    const int fundedByHhs = bruteCount([](const QJsonObject &o) {
        return o.value("funding_office").toObject().value("agency_code").toString() == "7500";
    });
    QCOMPARE(get("/api/contracts/?limit=1&funding_agency=HHS").json.value("count").toInt(),
             fundedByHhs);
}

void tst_SandboxServer::agencyFilterNoMatchIs400()
{
    const Reply r = get("/api/contracts/?awarding_agency=HUDD");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json.value("error").toString(), QStringLiteral("No agency found matching 'HUDD'."));
    QCOMPARE(r.header("X-Tango-API-Version"), QByteArray("4.22.0"));
    QCOMPARE(get("/api/contracts/?funding_agency=Nowhere").status, 400);
}

void tst_SandboxServer::naicsAndPscFilters()
{
    const QVector<QJsonObject> rows = walk("limit=100&shape=key,naics_code&naics=541511%7C541512");
    const int expected = bruteCount([](const QJsonObject &o) {
        const int n = o.value("naics_code").toInt();
        return n == 541511 || n == 541512;
    });
    QVERIFY(expected > 0);
    QCOMPARE(rows.size(), expected);
    for (const QJsonObject &o : rows)
        QVERIFY(o.value("naics_code").toInt() == 541511 || o.value("naics_code").toInt() == 541512);

    const int psc =
        bruteCount([](const QJsonObject &o) { return o.value("psc_code").toString() == "R425"; });
    QVERIFY(psc > 0);
    const QVector<QJsonObject> pscRows = walk("limit=100&shape=psc_code&psc=r425");
    QCOMPARE(pscRows.size(), psc);
    for (const QJsonObject &o : pscRows)
        QCOMPARE(o.value("psc_code").toString(), QStringLiteral("R425"));
    QCOMPARE(get("/api/contracts/?naics=abc").status, 400);
}

void tst_SandboxServer::fiscalYearRange()
{
    const QVector<QJsonObject> rows = walk(
        "limit=100&shape=key,fiscal_year,award_date&fiscal_year_gte=2022&fiscal_year_lte=2023");
    const int expected = bruteCount([](const QJsonObject &o) {
        const int fy = o.value("fiscal_year").toInt();
        return fy >= 2022 && fy <= 2023;
    });
    QVERIFY(expected > 0 && expected < 2000);
    QCOMPARE(rows.size(), expected);
    for (const QJsonObject &o : rows) {
        const int fy = o.value("fiscal_year").toInt();
        QVERIFY(fy == 2022 || fy == 2023);
        // Fiscal years start on October 1st of the previous calendar year.
        const QDate d = QDate::fromString(o.value("award_date").toString(), Qt::ISODate);
        QCOMPARE(fy, d.year() + (d.month() >= 10 ? 1 : 0));
    }
    const int fy2024 =
        bruteCount([](const QJsonObject &o) { return o.value("fiscal_year").toInt() == 2024; });
    QCOMPARE(get("/api/contracts/?limit=1&fiscal_year=2024").json.value("count").toInt(), fy2024);
    QCOMPARE(get("/api/contracts/?fiscal_year_gte=2024&fiscal_year_lte=2022").status, 400);
    QCOMPARE(get("/api/contracts/?fiscal_year=twenty").status, 400);
}

void tst_SandboxServer::dateFilters()
{
    const QVector<QJsonObject> rows =
        walk("limit=100&shape=key,award_date&award_date_gte=2023-01-01&award_date_lte=2023-03-31");
    const int expected = bruteCount([](const QJsonObject &o) {
        const QString d = o.value("award_date").toString();
        return d >= "2023-01-01" && d <= "2023-03-31";
    });
    QVERIFY(expected > 0);
    QCOMPARE(rows.size(), expected);
    for (const QJsonObject &o : rows) {
        QVERIFY(o.value("award_date").toString() >= "2023-01-01");
        QVERIFY(o.value("award_date").toString() <= "2023-03-31");
    }
    const QString day = m_all.at(7).value("award_date").toString();
    const int sameDay =
        bruteCount([&](const QJsonObject &o) { return o.value("award_date").toString() == day; });
    QCOMPARE(get("/api/contracts/?limit=1&award_date=" + day).json.value("count").toInt(), sameDay);

    const int pop = bruteCount([](const QJsonObject &o) {
        const QJsonObject p = o.value("period_of_performance").toObject();
        return p.value("start_date").toString() >= "2022-06-01" &&
               p.value("current_end_date").toString() <= "2024-12-31";
    });
    const QVector<QJsonObject> popRows =
        walk("limit=100&shape=period_of_performance(start_date,current_end_date)"
             "&pop_start_date_gte=2022-06-01&pop_end_date_lte=2024-12-31");
    QCOMPARE(popRows.size(), pop);
    for (const QJsonObject &o : popRows) {
        const QJsonObject p = o.value("period_of_performance").toObject();
        QVERIFY(p.value("start_date").toString() >= "2022-06-01");
        QVERIFY(p.value("current_end_date").toString() <= "2024-12-31");
    }
}

void tst_SandboxServer::badDatesAre400_data()
{
    QTest::addColumn<QString>("query");
    QTest::newRow("month 13") << "award_date_gte=2024-13-01";
    QTest::newRow("not a date") << "award_date=yesterday";
    QTest::newRow("us format") << "pop_end_date_lte=12/31/2024";
    QTest::newRow("inverted") << "award_date_gte=2024-05-01&award_date_lte=2024-01-01";
    QTest::newRow("inverted pop") << "pop_start_date_gte=2024-05-01&pop_start_date_lte=2024-01-01";
    QTest::newRow("inverted money") << "obligated_gte=100&obligated_lte=10";
    QTest::newRow("bad money") << "obligated_gte=lots";
    QTest::newRow("bad award type") << "award_type=E";
}

void tst_SandboxServer::badDatesAre400()
{
    QFETCH(QString, query);
    const Reply r = get("/api/contracts/?" + query);
    QCOMPARE(r.status, 400);
    QVERIFY(r.json.contains("error") || r.json.contains("award_type"));
    QVERIFY(!r.header("X-Tango-API-Version").isEmpty());
}

void tst_SandboxServer::obligatedRange()
{
    const QVector<QJsonObject> rows =
        walk("limit=100&shape=key,obligated&obligated_gte=-50000&obligated_lte=25000.50");
    const int expected = bruteCount([](const QJsonObject &o) {
        const double v = o.value("obligated").toDouble();
        return v >= -50000 && v <= 25000.50;
    });
    QVERIFY(expected > 0);
    QCOMPARE(rows.size(), expected);
    for (const QJsonObject &o : rows)
        QVERIFY(o.value("obligated").toDouble() <= 25000.50);
    // The data set has zero and negative obligations, and never more than the total value.
    QVERIFY(bruteCount([](const QJsonObject &o) { return o.value("obligated").toDouble() == 0; }) >
            0);
    QVERIFY(bruteCount([](const QJsonObject &o) { return o.value("obligated").toDouble() < 0; }) >
            0);
    QCOMPARE(bruteCount([](const QJsonObject &o) {
                 return o.value("obligated").toDouble() >
                        o.value("total_contract_value").toDouble();
             }),
             0);
    const int negative =
        bruteCount([](const QJsonObject &o) { return o.value("obligated").toDouble() < 0; });
    QCOMPARE(get("/api/contracts/?limit=1&obligated_lte=-0.01").json.value("count").toInt(),
             negative);
}

void tst_SandboxServer::searchFilter()
{
    for (const QString &term :
         {QStringLiteral("cloud"), QStringLiteral("SOCIÉTÉ"), QStringLiteral("bridge")}) {
        const QVector<QJsonObject> rows =
            walk("limit=100&shape=key,piid,description,recipient(display_name)&search=" +
                 QUrl::toPercentEncoding(term));
        auto hit = [&](const QJsonObject &o) {
            return o.value("description").toString().contains(term, Qt::CaseInsensitive) ||
                   o.value("recipient")
                       .toObject()
                       .value("display_name")
                       .toString()
                       .contains(term, Qt::CaseInsensitive) ||
                   o.value("piid").toString().contains(term, Qt::CaseInsensitive);
        };
        const int expected = bruteCount(hit);
        QVERIFY2(expected > 0, qPrintable(term));
        QCOMPARE(rows.size(), expected);
        for (const QJsonObject &o : rows)
            QVERIFY(hit(o));
    }
    // A PIID finds its contract.
    const QString piid = m_all.at(100).value("piid").toString();
    const Reply r = get("/api/contracts/?shape=piid&search=" + piid.toLower());
    QVERIFY(r.json.value("count").toInt() >= 1);
    QCOMPARE(get("/api/contracts/?shape=piid&piid=" + piid.toLower()).json.value("count").toInt(),
             1);
}

void tst_SandboxServer::setAsideAwardTypeRecipientUeiFilters()
{
    struct Case
    {
        QString query;
        std::function<bool(const QJsonObject &)> pred;
    };
    const QJsonObject sample = m_all.at(11);
    const QString uei = sample.value("recipient").toObject().value("uei").toString();
    const QString sol = [&] {
        for (const QJsonObject &o : m_all) {
            if (o.value("solicitation_identifier").isString())
                return o.value("solicitation_identifier").toString();
        }
        return QString();
    }();
    QVERIFY(!sol.isEmpty());
    const QVector<Case> cases = {
        {"set_aside=SBA%7C8a",
         [](const QJsonObject &o) {
             const QString v = o.value("set_aside").toString();
             return v == "SBA" || v == "8A";
         }},
        {"award_type=c",
         [](const QJsonObject &o) { return o.value("award_type").toString() == "C"; }},
        {"uei=" + uei.toLower(),
         [&](const QJsonObject &o) {
             return o.value("recipient").toObject().value("uei").toString() == uei;
         }},
        {"recipient=" + QUrl::toPercentEncoding("müller"),
         [](const QJsonObject &o) {
             return o.value("recipient")
                 .toObject()
                 .value("display_name")
                 .toString()
                 .contains(QStringLiteral("Müller"), Qt::CaseInsensitive);
         }},
        {"solicitation_identifier=" + sol.toLower(),
         [&](const QJsonObject &o) {
             return o.value("solicitation_identifier").toString() == sol;
         }},
        {"award_type=D&fiscal_year=2023&set_aside=NONE",
         [](const QJsonObject &o) {
             return o.value("award_type").toString() == "D" &&
                    o.value("fiscal_year").toInt() == 2023 &&
                    o.value("set_aside").toString() == "NONE";
         }},
    };
    for (const Case &c : cases) {
        const int expected = bruteCount(c.pred);
        QVERIFY2(expected > 0, qPrintable(c.query));
        const QVector<QJsonObject> rows =
            walk("limit=100&shape=" + QUrl::toPercentEncoding(kWalkShape) + "&" + c.query);
        QVERIFY2(rows.size() == expected, qPrintable(QStringLiteral("%1: %2 rows, expected %3")
                                                         .arg(c.query)
                                                         .arg(rows.size())
                                                         .arg(expected)));
        for (const QJsonObject &o : rows)
            QVERIFY2(c.pred(o), qPrintable(c.query));
    }
}

void tst_SandboxServer::emptyResultSet()
{
    const Reply r = get("/api/contracts/?search=zzzzqqqq-no-such-thing&shape=key");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value("count").toInt(), 0);
    for (const char *k : {"next", "previous", "cursor", "previous_cursor"}) {
        QVERIFY(r.json.contains(QLatin1String(k)));
        QVERIFY(r.json.value(QLatin1String(k)).isNull());
    }
    QCOMPARE(r.json.value("results").toArray().size(), 0);
}

void tst_SandboxServer::badOrderingIs400()
{
    const Reply r = get("/api/contracts/?ordering=piid");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json.value("error").toString(),
             QStringLiteral("Invalid ordering value(s): piid. Allowed values are: award_date, "
                            "obligated, total_contract_value."));
    QCOMPARE(get("/api/contracts/?ordering=--obligated").status, 400);
    QCOMPARE(get("/api/contracts/?ordering=-total_contract_value&shape=key").status, 200);
    // Other methods are refused; HEAD gets the headers without a body.
    QNetworkRequest post(QUrl(m_server->baseUrl().toString() + "/api/contracts/"));
    post.setRawHeader("X-API-KEY", kKey);
    const Reply refused = send(post, "POST", "{}");
    QCOMPARE(refused.status, 405);
    QCOMPARE(refused.json.value("detail").toString(),
             QStringLiteral("Method \"POST\" not allowed."));
    const Reply head = send(post, "HEAD");
    QCOMPARE(head.status, 405);
    QVERIFY(head.body.isEmpty());
    QCOMPARE(get("/api/contracts/?limit=1&shape=key").status, 200); // the connection still works
    // Unknown parameters are ignored, like the real API.
    QCOMPARE(get("/api/contracts/?page=3&frobnicate=1&shape=key").status, 200);
}

void tst_SandboxServer::detailAndNotFound()
{
    const QString key = m_all.at(42).value("key").toString();
    const Reply r = get("/api/contracts/" + key + "/?shape=key,piid,recipient(uei)");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value("key").toString(), key);
    QCOMPARE(r.json.value("piid").toString(), m_all.at(42).value("piid").toString());
    QCOMPARE(r.json.value("recipient").toObject().value("uei").toString(),
             m_all.at(42).value("recipient").toObject().value("uei").toString());

    const Reply missing = get("/api/contracts/CONT_AWD_NOPE_9700_-NONE-_-NONE-/");
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.error, QNetworkReply::ContentNotFoundError);
    QCOMPARE(missing.json.value("detail").toString(),
             QStringLiteral("No Contract matches the given query."));
    QCOMPARE(missing.header("X-Tango-API-Version"), QByteArray("4.22.0"));

    const Reply other = get("/api/vehicles/");
    QCOMPARE(other.status, 404);
    QCOMPARE(other.json.value("detail").toString(), QStringLiteral("Not found."));
    QCOMPARE(other.header("Content-Type"), QByteArray("application/json"));

    // Fetching specific records through the list endpoint.
    const QString k2 = m_all.at(3).value("key").toString();
    const Reply two = get("/api/contracts/?shape=key&key=" + key + "%7C" + k2);
    QCOMPARE(two.json.value("count").toInt(), 2);
}

void tst_SandboxServer::authErrors()
{
    m_server->setBurstLimit(10, 60);
    Reply r = get("/api/contracts/", QByteArray());
    QCOMPARE(r.status, 401);
    QCOMPARE(r.json.value("detail").toString(),
             QStringLiteral("Authentication credentials were not provided."));
    QCOMPARE(r.header("X-RateLimit-Burst-Limit"), QByteArray("10"));

    r = get("/api/contracts/", "wrong-key");
    QCOMPARE(r.status, 401);
    QCOMPARE(r.json.value("detail").toString(), QStringLiteral("Invalid API key."));

    r = get("/api/contracts/", SandboxOptions().forbiddenKey.toUtf8());
    QCOMPARE(r.status, 403);
    QCOMPARE(r.json.value("error").toString(), QStringLiteral("InsufficientPermissions"));
    QCOMPARE(r.json.value("message").toString(),
             QStringLiteral("You don't have permission to access this resource"));
    QCOMPARE(r.json.value("code").toInt(), 403);
    QCOMPARE(r.header("X-RateLimit-Burst-Remaining"), QByteArray("10")); // refusals are not counted

    QNetworkRequest bearer(QUrl(m_server->baseUrl().toString() + "/api/contracts/"));
    bearer.setRawHeader("Authorization", "Bearer made-up-token");
    r = send(bearer);
    QCOMPARE(r.status, 401);
    QCOMPARE(r.json.value("detail").toString(), QStringLiteral("Invalid or expired access token."));
}

void tst_SandboxServer::rateLimitHeadersCountDown()
{
    ManualClock clock;
    m_server->setClock(&clock);
    m_server->setBurstLimit(50, 60);
    m_server->setDailyLimit(1000);
    Reply a = get("/api/contracts/?limit=1&shape=key");
    clock.advance(2500);
    Reply b = get("/api/contracts/?limit=1&shape=key");
    const Reply bad = get("/api/contracts/?ordering=nope");
    QCOMPARE(bad.status, 400);
    for (const Reply *r : std::initializer_list<const Reply *>{&a, &b, &bad}) {
        for (const char *h :
             {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
              "X-RateLimit-Burst-Limit", "X-RateLimit-Burst-Remaining", "X-RateLimit-Burst-Reset",
              "X-RateLimit-Daily-Limit", "X-RateLimit-Daily-Remaining", "X-RateLimit-Daily-Reset"})
            QVERIFY2(!r->header(h).isEmpty(), h);
        QVERIFY(QRegularExpression("^\\d+\\.\\d{3}s$")
                    .match(QString::fromLatin1(r->header("X-Execution-Time")))
                    .hasMatch());
        QCOMPARE(r->header("X-Tango-API-Version"), QByteArray("4.22.0"));
        QCOMPARE(r->header("Content-Type"), QByteArray("application/json"));
    }
    QCOMPARE(a.header("X-RateLimit-Burst-Remaining"), QByteArray("49"));
    QCOMPARE(b.header("X-RateLimit-Burst-Remaining"), QByteArray("48"));
    QCOMPARE(bad.header("X-RateLimit-Burst-Remaining"), QByteArray("47")); // errors count
    QCOMPARE(a.header("X-RateLimit-Daily-Remaining"), QByteArray("999"));
    QCOMPARE(a.header("X-RateLimit-Burst-Reset"), QByteArray("60"));
    QCOMPARE(b.header("X-RateLimit-Burst-Reset"), QByteArray("58")); // 57.5 s rounded up
    // The most restrictive window is the burst one here.
    QCOMPARE(b.header("X-RateLimit-Limit"), QByteArray("50"));
    QCOMPARE(b.header("X-RateLimit-Remaining"), QByteArray("48"));
    // ManualClock starts at 17:15 UTC: the daily window resets in 6 h 45 min.
    QCOMPARE(a.header("X-RateLimit-Daily-Reset"), QByteArray("24300"));
}

void tst_SandboxServer::burstWindow429AndReset()
{
    ManualClock clock;
    m_server->setClock(&clock);
    m_server->setBurstLimit(3, 10);
    m_server->setDailyLimit(100);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(get("/api/contracts/?limit=1&shape=key").status, 200);
    clock.advance(4000);
    Reply r = get("/api/contracts/?limit=1&shape=key");
    QCOMPARE(r.status, 429);
    QCOMPARE(r.error, QNetworkReply::UnknownContentError);
    QCOMPARE(r.json.value("wait_in_seconds").toInt(), 6);
    QCOMPARE(r.json.value("detail").toString(),
             QStringLiteral("Rate limit exceeded for burst. Please try again in 6 seconds."));
    QCOMPARE(r.header("X-RateLimit-Burst-Remaining"), QByteArray("0"));
    QCOMPARE(r.header("X-RateLimit-Remaining"), QByteArray("0"));
    QCOMPARE(r.header("X-RateLimit-Daily-Remaining"), QByteArray("97")); // 429 not counted
    clock.advance(5999);
    QCOMPARE(get("/api/contracts/?limit=1&shape=key").status, 429);
    clock.advance(1);
    r = get("/api/contracts/?limit=1&shape=key");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("X-RateLimit-Burst-Remaining"), QByteArray("2"));
    QCOMPARE(r.header("X-RateLimit-Burst-Reset"), QByteArray("10"));
}

void tst_SandboxServer::dailyWindow429AndReset()
{
    ManualClock clock;
    clock.setUtcNow(QDateTime(QDate(2026, 8, 14), QTime(23, 59, 30), Qt::UTC));
    m_server->setClock(&clock);
    m_server->setBurstLimit(100, 60);
    m_server->setDailyLimit(2);
    QCOMPARE(get("/api/contracts/?limit=1&shape=key").status, 200);
    Reply r = get("/api/contracts/?limit=1&shape=key");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("X-RateLimit-Limit"), QByteArray("2")); // daily is now the tighter one
    QCOMPARE(r.header("X-RateLimit-Remaining"), QByteArray("0"));
    r = get("/api/contracts/?limit=1&shape=key");
    QCOMPARE(r.status, 429);
    QCOMPARE(r.json.value("wait_in_seconds").toInt(), 30);
    QVERIFY(r.json.value("detail").toString().startsWith("Rate limit exceeded for daily."));
    clock.advance(30000); // midnight UTC
    r = get("/api/contracts/?limit=1&shape=key");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("X-RateLimit-Daily-Remaining"), QByteArray("1"));
    QCOMPARE(r.header("X-RateLimit-Daily-Reset"), QByteArray("86400"));
}

void tst_SandboxServer::disabledWindowSendsNoHeaders()
{
    m_server->setBurstLimit(0, 60);
    m_server->setDailyLimit(500);
    Reply r = get("/api/contracts/?limit=1&shape=key");
    QVERIFY(r.header("X-RateLimit-Burst-Limit").isEmpty());
    QVERIFY(r.header("X-RateLimit-Burst-Remaining").isEmpty());
    QCOMPARE(r.header("X-RateLimit-Daily-Limit"), QByteArray("500"));
    QCOMPARE(r.header("X-RateLimit-Limit"), QByteArray("500"));
    m_server->setDailyLimit(0);
    r = get("/api/contracts/?limit=1&shape=key");
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("X-RateLimit-Limit").isEmpty());
    QVERIFY(r.header("X-RateLimit-Daily-Limit").isEmpty());
    QCOMPARE(r.header("X-Tango-API-Version"), QByteArray("4.22.0"));
}

void tst_SandboxServer::faultsAreObservable_data()
{
    QTest::addColumn<int>("fault");
    QTest::addColumn<int>("param");
    QTest::newRow("Http500") << int(SandboxServer::Fault::Http500) << 0;
    QTest::newRow("Http502Html") << int(SandboxServer::Fault::Http502Html) << 0;
    QTest::newRow("TruncatedBody") << int(SandboxServer::Fault::TruncatedBody) << 0;
    QTest::newRow("OkWithError") << int(SandboxServer::Fault::OkWithError) << 0;
    QTest::newRow("Spurious429") << int(SandboxServer::Fault::Spurious429) << 7;
    QTest::newRow("NotJson") << int(SandboxServer::Fault::NotJson) << 0;
}

void tst_SandboxServer::faultsAreObservable()
{
    QFETCH(int, fault);
    QFETCH(int, param);
    m_server->setBurstLimit(100, 60);
    const auto kind = SandboxServer::Fault(fault);
    const int next = m_server->apiRequestCount() + 2;
    m_server->scriptFault(next, kind, param);
    QCOMPARE(get("/api/contracts/?limit=3&shape=key").status, 200); // the one before is normal
    const Reply r = get("/api/contracts/?limit=50");
    switch (kind) {
    case SandboxServer::Fault::Http500:
        QCOMPARE(r.status, 500);
        QVERIFY(!r.json.isEmpty());
        break;
    case SandboxServer::Fault::Http502Html:
        QCOMPARE(r.status, 502);
        QVERIFY(r.header("Content-Type").startsWith("text/html"));
        QVERIFY(r.body.contains("<html"));
        break;
    case SandboxServer::Fault::TruncatedBody: {
        const int announced = r.header("Content-Length").toInt();
        QVERIFY(r.error != QNetworkReply::NoError || r.body.size() < announced);
        QVERIFY(QJsonDocument::fromJson(r.body).isNull());
        break;
    }
    case SandboxServer::Fault::OkWithError:
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("error").toString(), QStringLiteral("Temporary failure, try again"));
        break;
    case SandboxServer::Fault::Spurious429:
        QCOMPARE(r.status, 429);
        QCOMPARE(r.json.value("wait_in_seconds").toInt(), 7);
        QVERIFY(r.header("X-RateLimit-Remaining").toInt() > 0);
        QVERIFY(r.header("X-RateLimit-Burst-Remaining").toInt() > 0);
        break;
    case SandboxServer::Fault::NotJson:
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("Content-Type").startsWith("text/html"));
        QVERIFY(QJsonDocument::fromJson(r.body).isNull());
        break;
    default:
        QFAIL("unexpected fault");
    }
    // Only the scripted request faults.
    QCOMPARE(get("/api/contracts/?limit=3&shape=key").status, 200);
    const auto log = m_server->requestLog();
    QCOMPARE(log.size(), 3);
    QCOMPARE(log.at(1).status, r.status);
}

void tst_SandboxServer::droppedConnection()
{
    // QNetworkAccessManager re-sends a request whose connection closed before any byte (it
    // assumes a stale keep-alive connection), so a single drop never reaches the caller.
    m_server->faultEvery(SandboxServer::Fault::DropConnection, 3);
    const Reply r = get("/api/contracts/?limit=3&shape=key");
    QCOMPARE(r.error, QNetworkReply::RemoteHostClosedError);
    QCOMPARE(r.status, 0);
    const auto log = m_server->requestLog();
    // One silent re-send by QNetworkAccessManager, then the error surfaces.
    QVERIFY2(log.size() >= 2 && log.size() <= 3, qPrintable(QString::number(log.size())));
    for (const auto &e : log)
        QCOMPARE(e.status, 0);
    // The client's next request gets a fresh connection and a normal answer.
    m_server->clearFaults();
    QCOMPARE(get("/api/contracts/?limit=3&shape=key").status, 200);

    // A raw socket sees the close without any byte.
    m_server->scriptFault(m_server->apiRequestCount() + 1, SandboxServer::Fault::DropConnection);
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(s.waitForConnected(5000));
    s.write("GET /api/contracts/ HTTP/1.1\r\nHost: x\r\nX-API-KEY: " + kKey + "\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(s.state(), QAbstractSocket::UnconnectedState, 5000);
    QCOMPARE(s.readAll(), QByteArray());
}

void tst_SandboxServer::faultEveryCountsDown()
{
    m_server->faultEvery(SandboxServer::Fault::Http500, 2);
    m_server->scriptFault(m_server->apiRequestCount() + 2, SandboxServer::Fault::OkWithError);
    QCOMPARE(get("/api/contracts/?limit=1&shape=key").status, 500);
    Reply r = get("/api/contracts/?limit=1&shape=key"); // the scripted fault wins
    QCOMPARE(r.status, 200);
    QVERIFY(r.json.contains("error"));
    QCOMPARE(get("/api/other/").status, 404); // only /api/contracts/ requests take the fault
    QCOMPARE(get("/api/contracts/?limit=1&shape=key").status, 500);
    QCOMPARE(get("/api/contracts/?limit=1&shape=key").status, 200);
    QCOMPARE(m_server->requestLog().size(), 5);
}

void tst_SandboxServer::delayFault()
{
    m_server->scriptFault(m_server->apiRequestCount() + 1, SandboxServer::Fault::Delay, 300);
    QElapsedTimer t;
    t.start();
    const Reply r = get("/api/contracts/?limit=2&shape=key");
    QVERIFY(t.elapsed() >= 290);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value("results").toArray().size(), 2);
    t.restart();
    QCOMPARE(get("/api/contracts/?limit=2&shape=key").status, 200);
    QVERIFY(t.elapsed() < 290);
}

void tst_SandboxServer::requestLog()
{
    QSignalSpy served(m_server.get(), &SandboxServer::requestServed);
    const int before = m_server->apiRequestCount();
    get("/api/contracts/?limit=2&shape=key&search=a%20b");
    get("/api/contracts/", "bad");
    get("/api/contracts/", SandboxOptions().forbiddenKey.toUtf8());
    get("/api/contracts/", QByteArray());
    const QString token = m_server->issueAccessToken(60);
    QNetworkRequest bearer(QUrl(m_server->baseUrl().toString() + "/api/contracts/?limit=1"));
    bearer.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    send(bearer);
    bearer.setRawHeader("Authorization", "Bearer nope");
    send(bearer);
    get("/nothing-here");
    QCOMPARE(served.count(), 7);
    QCOMPARE(m_server->apiRequestCount(), before + 6);
    const auto log = m_server->requestLog();
    QCOMPARE(log.size(), 7);
    QCOMPARE(log.at(0).method, QStringLiteral("GET"));
    QCOMPARE(log.at(0).path, QStringLiteral("/api/contracts/"));
    QCOMPARE(log.at(0).query.queryItemValue("search", QUrl::FullyDecoded), QStringLiteral("a b"));
    QCOMPARE(log.at(0).query.queryItemValue("limit"), QStringLiteral("2"));
    const QStringList kinds = {"api-key", "bad-key", "forbidden-key",
                               "none",    "bearer",  "bad-token"};
    const QList<int> statuses = {200, 401, 403, 401, 200, 401};
    for (int i = 0; i < 6; ++i) {
        QCOMPARE(log.at(i).credentials, kinds.at(i));
        QCOMPARE(log.at(i).status, statuses.at(i));
        QCOMPARE(log.at(i).number, log.at(0).number + i);
    }
    QCOMPARE(log.at(6).status, 404);
    QCOMPARE(served.at(4).at(0).value<SandboxServer::LogEntry>().credentials,
             QStringLiteral("bearer"));
    m_server->clearLog();
    QVERIFY(m_server->requestLog().isEmpty());
}

QString tst_SandboxServer::authorizeCode(const QString &verifier, const QString &redirect,
                                         QString *stateOut)
{
    const QString challenge = QString::fromLatin1(
        QCryptographicHash::hash(verifier.toUtf8(), QCryptographicHash::Sha256)
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    QUrlQuery q;
    q.addQueryItem("response_type", "code");
    q.addQueryItem("client_id", SandboxOptions().oauthClientId);
    q.addQueryItem("redirect_uri", QString::fromLatin1(QUrl::toPercentEncoding(redirect)));
    q.addQueryItem("state", "st-42");
    q.addQueryItem("scope", "read");
    q.addQueryItem("code_challenge", challenge);
    q.addQueryItem("code_challenge_method", "S256");
    const Reply r = get("/oauth2/authorize/?" + q.query(QUrl::FullyEncoded), QByteArray());
    if (r.status != 302)
        return QString();
    const QUrl location(QString::fromUtf8(r.header("Location")));
    if (stateOut)
        *stateOut = QUrlQuery(location).queryItemValue("state", QUrl::FullyDecoded);
    return QUrlQuery(location).queryItemValue("code", QUrl::FullyDecoded);
}

void tst_SandboxServer::oauthAuthorizeRedirect()
{
    const QString redirect = QStringLiteral("http://127.0.0.1:45678/callback");
    QString state;
    const QString code = authorizeCode(QStringLiteral("verifier-0123456789-0123456789-0123456789"),
                                       redirect, &state);
    QVERIFY(!code.isEmpty());
    QCOMPARE(state, QStringLiteral("st-42"));
    QVERIFY(code.contains('+'));
    QVERIFY(code.contains('/'));
    // localhost is fine too.
    QVERIFY(!authorizeCode(QStringLiteral("v2-0123456789-0123456789-0123456789-abc"),
                           QStringLiteral("http://localhost:5000/cb"))
                 .isEmpty());
}

void tst_SandboxServer::oauthDenyAndBadRequests()
{
    const QString good = "response_type=code&client_id=sandbox-client&redirect_uri=" +
                         QUrl::toPercentEncoding("http://127.0.0.1:4000/cb") +
                         "&state=s1&scope=read&code_challenge=abc&code_challenge_method=S256";
    m_server->setOAuthDeny(true);
    Reply r = get("/oauth2/authorize/?" + good, QByteArray());
    QCOMPARE(r.status, 302);
    const QUrlQuery denied(QUrl(QString::fromUtf8(r.header("Location"))));
    QCOMPARE(denied.queryItemValue("error"), QStringLiteral("access_denied"));
    QCOMPARE(denied.queryItemValue("state"), QStringLiteral("s1"));
    QVERIFY(!denied.hasQueryItem("code"));
    m_server->setOAuthDeny(false);

    for (const QString &bad :
         {QStringLiteral("https://evil.example.com/cb"),
          QStringLiteral("http://192.168.1.5:4000/cb"), QStringLiteral("http://127.0.0.1/cb"),
          QStringLiteral("not a url")}) {
        QString q = good;
        q.replace(QString::fromLatin1(QUrl::toPercentEncoding("http://127.0.0.1:4000/cb")),
                  QString::fromLatin1(QUrl::toPercentEncoding(bad)));
        r = get("/oauth2/authorize/?" + q, QByteArray());
        QCOMPARE(r.status, 400);
        QVERIFY(r.header("Content-Type").startsWith("text/html"));
    }
    QString wrongClient = good;
    wrongClient.replace("client_id=sandbox-client", "client_id=other");
    QCOMPARE(get("/oauth2/authorize/?" + wrongClient, QByteArray()).status, 400);

    QString noPkce = good;
    noPkce.replace("code_challenge_method=S256", "code_challenge_method=plain");
    r = get("/oauth2/authorize/?" + noPkce, QByteArray());
    QCOMPARE(r.status, 302);
    QCOMPARE(QUrlQuery(QUrl(QString::fromUtf8(r.header("Location")))).queryItemValue("error"),
             QStringLiteral("invalid_request"));
}

void tst_SandboxServer::oauthTokenExchange()
{
    const QString verifier = QStringLiteral("correct-verifier-0123456789-0123456789-xyz");
    const QString redirect = QStringLiteral("http://127.0.0.1:45678/callback");
    const QString code = authorizeCode(verifier, redirect);
    QVERIFY(!code.isEmpty());
    auto form = [&](const QString &v, const QString &c = QString()) {
        return QList<QPair<QString, QString>>{{"grant_type", "authorization_code"},
                                              {"code", c.isEmpty() ? code : c},
                                              {"redirect_uri", redirect},
                                              {"client_id", "sandbox-client"},
                                              {"code_verifier", v}};
    };
    Reply r = postForm("/oauth2/token/", form("wrong-verifier-0123456789-0123456789-0123"));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json.value("error").toString(), QStringLiteral("invalid_grant"));

    auto wrongRedirect = form(verifier);
    wrongRedirect[2].second = "http://127.0.0.1:45678/other";
    QCOMPARE(postForm("/oauth2/token/", wrongRedirect).json.value("error").toString(),
             QStringLiteral("invalid_grant"));

    auto wrongClient = form(verifier);
    wrongClient[3].second = "intruder";
    r = postForm("/oauth2/token/", wrongClient);
    QCOMPARE(r.status, 401);
    QCOMPARE(r.json.value("error").toString(), QStringLiteral("invalid_client"));

    r = postForm("/oauth2/token/", form(verifier));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value("token_type").toString(), QStringLiteral("Bearer"));
    QCOMPARE(r.json.value("scope").toString(), QStringLiteral("read"));
    QCOMPARE(r.json.value("expires_in").toInt(), 3600);
    QVERIFY(!r.json.value("refresh_token").toString().isEmpty());
    const QString access = r.json.value("access_token").toString();
    QVERIFY(!access.isEmpty());

    // Single use.
    r = postForm("/oauth2/token/", form(verifier));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json.value("error").toString(), QStringLiteral("invalid_grant"));

    QNetworkRequest api(QUrl(m_server->baseUrl().toString() + "/api/contracts/?limit=1&shape=key"));
    api.setRawHeader("Authorization", "Bearer " + access.toUtf8());
    QCOMPARE(send(api).status, 200);

    r = postForm("/oauth2/token/", {{"grant_type", "password"}, {"client_id", "sandbox-client"}});
    QCOMPARE(r.json.value("error").toString(), QStringLiteral("unsupported_grant_type"));
    r = postForm("/oauth2/token/",
                 {{"grant_type", "authorization_code"}, {"client_id", "sandbox-client"}});
    QCOMPARE(r.json.value("error").toString(), QStringLiteral("invalid_request"));

    // Codes expire after 60 s of the server's clock.
    ManualClock clock;
    m_server->setClock(&clock);
    const QString late = authorizeCode(verifier, redirect);
    clock.advance(61000);
    r = postForm("/oauth2/token/", form(verifier, late));
    QCOMPARE(r.json.value("error").toString(), QStringLiteral("invalid_grant"));
}

void tst_SandboxServer::oauthRefresh()
{
    const QString verifier = QStringLiteral("refresh-verifier-0123456789-0123456789-xyz");
    const QString redirect = QStringLiteral("http://localhost:5555/cb");
    const QString code = authorizeCode(verifier, redirect);
    Reply r = postForm("/oauth2/token/", {{"grant_type", "authorization_code"},
                                          {"code", code},
                                          {"redirect_uri", redirect},
                                          {"client_id", "sandbox-client"},
                                          {"code_verifier", verifier}});
    QCOMPARE(r.status, 200);
    const QString refresh = r.json.value("refresh_token").toString();
    r = postForm("/oauth2/token/", {{"grant_type", "refresh_token"},
                                    {"refresh_token", refresh},
                                    {"client_id", "sandbox-client"},
                                    {"client_secret", ""}});
    QCOMPARE(r.status, 200);
    const QString newAccess = r.json.value("access_token").toString();
    const QString newRefresh = r.json.value("refresh_token").toString();
    QVERIFY(!newAccess.isEmpty());
    QVERIFY(newRefresh != refresh);
    r = postForm("/oauth2/token/", {{"grant_type", "refresh_token"},
                                    {"refresh_token", refresh},
                                    {"client_id", "sandbox-client"}});
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json.value("error").toString(), QStringLiteral("invalid_grant"));
    QNetworkRequest api(QUrl(m_server->baseUrl().toString() + "/api/contracts/?limit=1&shape=key"));
    api.setRawHeader("Authorization", "Bearer " + newAccess.toUtf8());
    QCOMPARE(send(api).status, 200);
}

void tst_SandboxServer::oauthClientSecret()
{
    SandboxOptions o;
    o.rows = 10;
    o.oauthClientSecret = QStringLiteral("s3cret");
    SandboxServer confidential(o);
    QVERIFY(confidential.listen());
    const QString base = confidential.baseUrl().toString();
    auto post = [&](const QByteArray &body, const QByteArray &basic) {
        QNetworkRequest req(QUrl(base + "/oauth2/token/"));
        req.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded");
        if (!basic.isEmpty())
            req.setRawHeader("Authorization", "Basic " + basic.toBase64());
        return send(req, "POST", body);
    };
    Reply r =
        post("grant_type=refresh_token&refresh_token=x&client_id=sandbox-client", QByteArray());
    QCOMPARE(r.status, 401);
    QCOMPARE(r.json.value("error").toString(), QStringLiteral("invalid_client"));
    r = post("grant_type=refresh_token&refresh_token=x&client_id=sandbox-client&client_secret=bad",
             QByteArray());
    QCOMPARE(r.status, 401);
    // With the right secret (body or Basic) the client passes and the grant is judged.
    r = post(
        "grant_type=refresh_token&refresh_token=x&client_id=sandbox-client&client_secret=s3cret",
        QByteArray());
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json.value("error").toString(), QStringLiteral("invalid_grant"));
    r = post("grant_type=refresh_token&refresh_token=x", "sandbox-client:s3cret");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json.value("error").toString(), QStringLiteral("invalid_grant"));
}

void tst_SandboxServer::bearerAcceptedAndExpired()
{
    ManualClock clock;
    m_server->setClock(&clock);
    const QString token = m_server->issueAccessToken(60);
    QNetworkRequest api(QUrl(m_server->baseUrl().toString() + "/api/contracts/?limit=1&shape=key"));
    api.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    QCOMPARE(send(api).status, 200);
    clock.advance(59999);
    QCOMPARE(send(api).status, 200);
    clock.advance(1);
    Reply r = send(api);
    QCOMPARE(r.status, 401);
    QCOMPARE(r.json.value("detail").toString(), QStringLiteral("Invalid or expired access token."));

    const QString other = m_server->issueAccessToken(600);
    api.setRawHeader("Authorization", "Bearer " + other.toUtf8());
    QCOMPARE(send(api).status, 200);
    m_server->revokeAllTokens();
    QCOMPARE(send(api).status, 401);
}

void tst_SandboxServer::executablePrintsUrlAndServesCursorWalk()
{
    const QString exe = binaryDir() + QStringLiteral("/src/app/tango-sandbox");
    if (binaryDir().isEmpty() || !QFile::exists(exe))
        QSKIP("tango-sandbox is not built next to the tests");

    QProcess help;
    help.start(exe, {QStringLiteral("--help")});
    QVERIFY(help.waitForFinished(10000));
    const QString helpText = QString::fromUtf8(help.readAllStandardOutput());
    for (const char *flag : {"--port", "--rows", "--api-key", "--burst-limit", "--burst-window",
                             "--daily-limit", "--seed", "--oauth-client-id", "--token-lifetime",
                             "--fault", "--oauth-client-secret", "--oauth-deny"})
        QVERIFY2(helpText.contains(QLatin1String(flag)), flag);
    QVERIFY(helpText.contains(SandboxOptions().apiKey));

    QProcess bad;
    bad.start(exe, {QStringLiteral("--fault"), QStringLiteral("x:Nope")});
    QVERIFY(bad.waitForFinished(10000));
    QVERIFY(bad.exitCode() != 0);

    QProcess p;
    p.start(exe, {"--rows", "250", "--api-key", "proc-key", "--burst-limit", "500", "--fault",
                  "3:Http500"});
    QVERIFY(p.waitForStarted(10000));
    QTRY_VERIFY_WITH_TIMEOUT(p.canReadLine(), 10000);
    const QString first = QString::fromUtf8(p.readLine()).trimmed();
    QVERIFY2(QRegularExpression("^http://127\\.0\\.0\\.1:\\d+$").match(first).hasMatch(),
             qPrintable(first));

    QUrl url(first + "/api/contracts/?limit=40&shape=key");
    QSet<QString> keys;
    int pages = 0;
    int errors = 0;
    while (url.isValid() && pages < 50) {
        const Reply r = getUrl(url, "proc-key");
        if (r.status == 500) { // the scripted fault on the third request; retry it
            ++errors;
            continue;
        }
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("X-RateLimit-Burst-Limit"), QByteArray("500"));
        for (const QJsonValue &v : r.json.value("results").toArray())
            keys.insert(v.toObject().value("key").toString());
        ++pages;
        if (r.json.value("next").isNull())
            break;
        url = QUrl(r.json.value("next").toString());
    }
    QCOMPARE(keys.size(), 250);
    QCOMPARE(pages, 7);
    QCOMPARE(errors, 1);
    QCOMPARE(getUrl(QUrl(first + "/api/contracts/"), kKey).status, 401); // only the given key

    p.terminate(); // SIGTERM: a clean exit
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
}

QTEST_GUILESS_MAIN(tst_SandboxServer)
#include "tst_SandboxServer.moc"
