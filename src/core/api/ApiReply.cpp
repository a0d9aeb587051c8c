#include "api/ApiReply.h"

#include "api/ApiClient.h"
#include "api/Pacer.h"
#include "util/Clock.h"
#include "util/JsonReader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QNetworkReply>

#include <algorithm>

namespace tango {

ApiReply::ApiReply(ApiClient *client, const QUrl &url, Expect expect)
    : QObject(client)
    , m_client(client)
    , m_url(ApiError::redactedUrl(url))
    , m_sendUrl(url)
    , m_expect(expect)
{}

ApiReply::~ApiReply()
{
    stopWaiting();
    stopNetwork();
}

void ApiReply::stopWaiting()
{
    if (m_waitTimer && m_client)
        m_client->clock()->cancel(m_waitTimer);
    m_waitTimer = 0;
    disconnect(m_pacerRelease);
}

void ApiReply::stopNetwork()
{
    if (!m_net)
        return;
    QNetworkReply *net = m_net;
    m_net = nullptr;
    net->disconnect(this);
    net->abort();
    net->deleteLater();
    if (m_client)
        m_client->pacer()->noteFinished();
}

QString ApiReply::scrub(QString text) const
{
    // Qt's error strings may quote the URL; and whatever the source, no secret leaves here.
    text.replace(m_sendUrl.toString(), m_url.toString());
    text.replace(m_sendUrl.toString(QUrl::FullyEncoded), m_url.toString(QUrl::FullyEncoded));
    if (m_client && m_client->credentials()) {
        for (const QString &secret : m_client->credentials()->secrets()) {
            if (!secret.isEmpty())
                text.replace(secret, maskSecret(secret));
        }
    }
    return text;
}

void ApiReply::start()
{
    if (m_finished || !m_client)
        return;
    m_startedMs = m_client->clock()->nowMs();
    if (m_refusal.isError()) {
        ApiError e = m_refusal;
        e.setUrl(m_url);
        fail(e);
        return;
    }
    attempt();
}

void ApiReply::attempt()
{
    if (m_finished || !m_client)
        return;
    const Pacer::Decision d = m_client->pacer()->decide();
    switch (d.action) {
    case Pacer::Decision::Action::Go:
        sendNow();
        return;
    case Pacer::Decision::Action::Refuse: {
        ApiError e = d.error;
        e.setUrl(m_url);
        fail(e);
        return;
    }
    case Pacer::Decision::Action::Wait: {
        const QPointer<ApiReply> self(this);
        emitWaiting(d.waitMs, WaitReason::Pacing,
                    d.why.isEmpty() ? tr("rate limit (%1)").arg(d.window) : d.why);
        if (!self || m_finished || !m_client)
            return;
        m_waitTimer = m_client->clock()->callAfter(d.waitMs, this, [this] {
            m_waitTimer = 0;
            stopWaiting();
            attempt();
        });
        // An answer to another request may let this one go sooner: decide again then.
        m_pacerRelease = connect(m_client->pacer(), &Pacer::released, this, [this] {
            if (!m_waitTimer)
                return;
            stopWaiting();
            attempt();
        });
        return;
    }
    }
}

void ApiReply::sendNow()
{
    ++m_attempts;
    const QNetworkRequest request = m_client->buildRequest(m_sendUrl);
    m_net = m_client->networkAccessManager()->get(request);
    m_client->pacer()->noteSent();
    connect(m_net, &QNetworkReply::finished, this, &ApiReply::onNetworkFinished);
}

void ApiReply::onNetworkFinished()
{
    QNetworkReply *net = m_net;
    if (!net || m_finished)
        return;
    m_net = nullptr;
    net->deleteLater();
    ApiClient *client = m_client;
    if (!client)
        return;
    client->pacer()->noteFinished();

    const qint64 now = client->clock()->nowMs();
    const RateLimitSnapshot snapshot =
        RateLimitSnapshot::fromReply(*net, now, client->clock()->utcNow());
    // noteResponse emits a signal whose receivers may abort or even delete us.
    const QPointer<ApiReply> self(this);
    if (!snapshot.isEmpty()) {
        m_snapshot = snapshot;
        client->noteResponse(snapshot);
    }
    if (!self || m_finished || !m_client)
        return;

    const QVariant statusAttr = net->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const int status = statusAttr.isValid() ? statusAttr.toInt() : 0;
    m_httpStatus = status;
    const QByteArray body = net->readAll();
    const QNetworkReply::NetworkError netError = net->error();
    const QByteArray retryAfter = net->rawHeader(QByteArrayLiteral("Retry-After"));

    auto withContext = [&](ApiError e) {
        e.setUrl(m_url);
        e.setApiVersion(snapshot.apiVersion());
        if (client->credentials())
            e.setCredentialsKind(client->credentials()->kind());
        return e;
    };

    if (status == 0) {
        ApiError e(netError == QNetworkReply::OperationCanceledError ||
                           netError == QNetworkReply::TimeoutError
                       ? ApiError::Kind::Timeout
                       : ApiError::Kind::Network);
        if (e.kind() == ApiError::Kind::Timeout)
            e.setDetail(tr("No complete answer within %n second(s).", nullptr,
                           std::max(1, client->transferTimeoutMs() / 1000)));
        else
            e.setDetail(scrub(net->errorString()));
        handleError(withContext(e), snapshot, retryAfter);
        return;
    }
    if (status >= 300 || status < 200) {
        ApiError e = ApiError::fromHttp(status, body, m_url);
        if (status >= 300 && status < 400)
            e.setDetail(tr("The server redirected the request to %1, which was not followed "
                           "because it is on another server.")
                            .arg(ApiError::redactedUrl(
                                     QUrl(QString::fromLatin1(net->rawHeader("Location"))))
                                     .toString()));
        handleError(withContext(e), snapshot, retryAfter);
        return;
    }

    // A 2xx whose body did not arrive whole.
    const QVariant length = net->header(QNetworkRequest::ContentLengthHeader);
    if (netError != QNetworkReply::NoError ||
        (length.isValid() && length.toLongLong() > body.size())) {
        ApiError e(netError == QNetworkReply::OperationCanceledError ? ApiError::Kind::Timeout
                                                                     : ApiError::Kind::BadResponse,
                   status);
        e.setDetail(tr("The answer was cut off (%n byte(s) received).", nullptr, int(body.size())) +
                    (netError != QNetworkReply::NoError
                         ? QStringLiteral(" ") + scrub(net->errorString())
                         : QString()));
        e.setServerMessage(
            tr("The answer was cut off: the connection closed before all of it arrived."));
        e.setRawBody(body);
        handleError(withContext(e), snapshot, retryAfter);
        return;
    }

    // The quick way for a well-formed page; anything else (errors included) goes the full way
    // below, so that the verdicts and messages are those of every other request.
    if (m_expect == Expect::RawListPage && readRawPage(body)) {
        finishOk();
        return;
    }

    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &perr);
    auto badResponse = [&](const QString &message) {
        ApiError e(ApiError::Kind::BadResponse, status);
        e.setServerMessage(message);
        e.setRawBody(body);
        const QByteArray type = net->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        if (!type.isEmpty())
            e.setDetail(tr("Content type: %1").arg(QString::fromLatin1(type.left(100))));
        handleError(withContext(e), snapshot, retryAfter);
    };
    if (body.trimmed().isEmpty()) {
        badResponse(tr("The server sent an empty answer."));
        return;
    }
    if (perr.error != QJsonParseError::NoError) {
        badResponse(tr("The answer is not valid JSON (%1 at byte %2).")
                        .arg(perr.errorString())
                        .arg(perr.offset));
        return;
    }
    if (!doc.isObject()) {
        badResponse(doc.isArray() ? tr("The answer is a JSON array where an object was expected.")
                                  : tr("The answer is not a JSON object."));
        return;
    }
    const QJsonObject obj = doc.object();
    // The API may signal an error inside a 2xx body.
    if (obj.value(QLatin1String("error")).isString()) {
        ApiError e = ApiError::fromHttp(status, body, m_url);
        handleError(withContext(e), snapshot, retryAfter);
        return;
    }
    if (m_expect == Expect::ListPage || m_expect == Expect::RawListPage) {
        QString why;
        const std::optional<ListPage> page = ListPage::fromJson(obj, &why);
        if (!page) {
            badResponse(why);
            return;
        }
        m_page = *page;
    }
    m_json = obj;
    finishOk();
}

bool ApiReply::readRawPage(const QByteArray &body)
{
    // Reads the envelope, checks the "results" array without building it, and remembers
    // where it is.
    JsonReader r(body.constData(), body.constData() + body.size());
    if (!r.beginObject())
        return false;
    QJsonObject envelope;
    qsizetype begin = -1;
    qsizetype end = -1;
    bool first = true;
    for (;;) {
        std::string_view key;
        const JsonReader::Step s = r.nextMember(&first, &key);
        if (s == JsonReader::Step::Error)
            return false;
        if (s == JsonReader::Step::End)
            break;
        const QString name = QString::fromUtf8(key.data(), qsizetype(key.size()));
        if (key == "results" && r.peek() == '[') {
            begin = qsizetype(r.offset());
            if (!r.skipValue())
                return false;
            end = qsizetype(r.offset());
            envelope.insert(name, QJsonArray());
            continue;
        }
        QJsonValue v;
        if (!r.readValue(&v))
            return false;
        envelope.insert(name, v);
        if (key == "results") // not an array after all
            begin = end = -1;
    }
    if (!r.finish() || begin < 0 || envelope.value(QLatin1String("error")).isString())
        return false;
    std::optional<ListPage> page = ListPage::fromJson(envelope);
    if (!page)
        return false;
    m_page = std::move(*page);
    m_json = envelope;
    m_body = body;
    m_rawBegin = begin;
    m_rawEnd = end;
    return true;
}

qint64 ApiReply::rateLimitDelayMs(const ApiError &error, const RateLimitSnapshot &snapshot,
                                  const QByteArray &retryAfter)
{
    if (error.waitSeconds())
        return *error.waitSeconds() * 1000;
    if (auto ms = RetryPolicy::parseRetryAfterMs(retryAfter, m_client->clock()->utcNow()))
        return *ms;
    const RateLimitWindow *w =
        error.rateLimitWindow().isEmpty() ? nullptr : snapshot.window(error.rateLimitWindow());
    if (!w && snapshot.overall().resetSeconds)
        w = &snapshot.overall();
    if (w && w->resetSeconds)
        return *w->resetSeconds * 1000;
    return m_client->retryPolicy().backoffMs(m_rateLimitRetries, m_client->random01());
}

void ApiReply::handleError(const ApiError &input, const RateLimitSnapshot &snapshot,
                           const QByteArray &retryAfter)
{
    ApiError error = input;
    ApiClient *client = m_client;
    const RetryPolicy policy = client->retryPolicy();
    if (error.kind() == ApiError::Kind::RateLimited && error.rateLimitWindow().isEmpty()) {
        // The body named no window: the headers tell whether the daily one is spent.
        for (const RateLimitWindow &w : snapshot.windows()) {
            if (ApiError::isDailyWindow(w.name) && w.isExhausted()) {
                error = ApiError(ApiError::Kind::QuotaExhausted, error.httpStatus());
                error.setServerMessage(input.serverMessage());
                error.setRawBody(input.rawBody());
                error.setUrl(m_url);
                error.setApiVersion(input.apiVersion());
                error.setWaitSeconds(input.waitSeconds());
                error.setRateLimitWindow(QStringLiteral("daily"));
                break;
            }
        }
    }
    if (error.kind() == ApiError::Kind::QuotaExhausted && !error.resetsAtUtc().isValid()) {
        const RateLimitWindow *daily = nullptr;
        for (const RateLimitWindow &w : snapshot.windows()) {
            if (ApiError::isDailyWindow(w.name))
                daily = &w;
        }
        if (daily && daily->resetSeconds)
            error.setResetsAtUtc(client->clock()->utcNow().addSecs(*daily->resetSeconds));
        else if (error.waitSeconds())
            error.setResetsAtUtc(client->clock()->utcNow().addSecs(*error.waitSeconds()));
    }

    switch (error.kind()) {
    case ApiError::Kind::Unauthorized: {
        CredentialsPtr creds = client->credentials();
        if (!m_renewed && creds && creds->canRenew()) {
            m_renewed = true;
            QPointer<ApiReply> self(this);
            emitWaiting(0, WaitReason::Backoff, tr("renewing the sign-in"));
            creds->renew([self, error](bool ok) {
                if (!self || self->m_finished)
                    return;
                if (ok) {
                    Q_EMIT self->retrying(self->m_attempts + 1, error);
                    self->attempt();
                } else {
                    if (self->m_client)
                        Q_EMIT self->m_client->credentialsRejected(error);
                    if (self)
                        self->fail(error);
                }
            });
            return;
        }
        const QPointer<ApiReply> self(this);
        Q_EMIT client->credentialsRejected(error);
        if (self && !m_finished)
            fail(error);
        return;
    }
    case ApiError::Kind::RateLimited:
        if (m_rateLimitRetries < policy.maxRateLimitRetries) {
            ++m_rateLimitRetries;
            const qint64 delay = rateLimitDelayMs(error, snapshot, retryAfter);
            const QPointer<ApiReply> self(this);
            Q_EMIT retrying(m_attempts + 1, error);
            if (!self || m_finished)
                return;
            const QString window = error.rateLimitWindow().isEmpty()
                                       ? tr("rate limit")
                                       : tr("rate limit (%1)").arg(error.rateLimitWindow());
            scheduleRetry(delay, WaitReason::RateLimit, window);
            return;
        }
        break;
    case ApiError::Kind::ServerError:
    case ApiError::Kind::Timeout:
    case ApiError::Kind::Network:
    case ApiError::Kind::BadResponse:
        if (m_retries < policy.maxRetries) {
            ++m_retries;
            const qint64 delay = policy.backoffMs(m_retries, client->random01());
            const QPointer<ApiReply> self(this);
            Q_EMIT retrying(m_attempts + 1, error);
            if (!self || m_finished)
                return;
            scheduleRetry(delay, WaitReason::Backoff, error.title());
            return;
        }
        break;
    default:
        break;
    }
    fail(error);
}

void ApiReply::emitWaiting(qint64 delayMs, WaitReason reason, const QString &why)
{
    Q_EMIT waiting((std::max<qint64>(0, delayMs) + 999) / 1000, reason, why);
}

void ApiReply::scheduleRetry(qint64 delayMs, WaitReason reason, const QString &why)
{
    const QPointer<ApiReply> self(this);
    emitWaiting(delayMs, reason, why);
    if (!self || m_finished || !m_client)
        return;
    m_waitTimer = m_client->clock()->callAfter(delayMs, this, [this] {
        m_waitTimer = 0;
        attempt();
    });
}

void ApiReply::abort()
{
    if (m_finished)
        return;
    stopWaiting();
    stopNetwork();
    ApiError e(ApiError::Kind::Aborted);
    e.setUrl(m_url);
    finishError(e);
}

void ApiReply::finishOk()
{
    m_finished = true;
    m_error = ApiError();
    if (m_client && m_startedMs >= 0)
        m_elapsedMs = m_client->clock()->nowMs() - m_startedMs;
    // Receivers may delete us (they should use deleteLater, but must not crash us if not).
    const QPointer<ApiReply> self(this);
    Q_EMIT succeeded(m_json);
    if (self && (m_expect == Expect::ListPage || m_expect == Expect::RawListPage))
        Q_EMIT pageReady(m_page);
    if (self)
        Q_EMIT finished();
}

void ApiReply::fail(const ApiError &error)
{
    if (m_finished)
        return;
    const QPointer<ApiClient> client = m_client;
    finishError(error);
    if (client)
        Q_EMIT client->requestFailed(error);
}

void ApiReply::finishError(const ApiError &error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_error = error;
    if (m_client && m_startedMs >= 0)
        m_elapsedMs = m_client->clock()->nowMs() - m_startedMs;
    const QPointer<ApiReply> self(this);
    Q_EMIT failed(m_error);
    if (self)
        Q_EMIT finished();
}

} // namespace tango
