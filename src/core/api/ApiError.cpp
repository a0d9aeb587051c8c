#include "api/ApiError.h"

#include "api/RateLimitSnapshot.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QSet>
#include <QUrlQuery>

#include <cmath>

namespace tango {

namespace {

QString htmlTitle(const QByteArray &body)
{
    const QByteArray lower = body.left(4096).toLower();
    const qsizetype start = lower.indexOf("<title>");
    if (start < 0)
        return {};
    const qsizetype end = lower.indexOf("</title>", start);
    if (end < 0)
        return {};
    return QString::fromUtf8(body.mid(start + 7, end - start - 7)).simplified().left(200);
}

} // namespace

ApiError::ApiError(Kind kind, int httpStatus)
    : m_kind(kind)
    , m_httpStatus(httpStatus)
{}

QString ApiError::extractServerMessage(const QJsonObject &body)
{
    for (const char *key : {"detail", "message", "error"}) {
        const QJsonValue v = body.value(QLatin1String(key));
        if (v.isString() && !v.toString().trimmed().isEmpty())
            return v.toString().trimmed();
    }
    // QJsonObject iterates in key order, not document order; DRF field errors usually have one
    // key, and for several any of them is a fair first message.
    if (!body.isEmpty()) {
        const QJsonValue first = *body.begin();
        if (first.isArray()) {
            const QJsonArray a = first.toArray();
            if (!a.isEmpty() && a.first().isString()) {
                const QString field = body.begin().key();
                const QString msg = a.first().toString().trimmed();
                if (field == QLatin1String("non_field_errors") || field.isEmpty())
                    return msg;
                return QStringLiteral("%1: %2").arg(field, msg);
            }
        }
    }
    return {};
}

std::optional<qint64> ApiError::parseWaitSeconds(const QJsonValue &value)
{
    double d = std::nan("");
    if (value.isDouble()) {
        d = value.toDouble();
    } else if (value.isString()) {
        bool ok = false;
        d = value.toString().trimmed().toDouble(&ok);
        if (!ok)
            return std::nullopt;
    } else {
        return std::nullopt;
    }
    if (!std::isfinite(d) || d < 0 || d > double(RateLimitSnapshot::kMaxValue))
        return std::nullopt;
    // A fractional wait is rounded up: waking early would only earn another 429.
    return qint64(std::ceil(d));
}

QString ApiError::windowFromText(const QString &text)
{
    const QString t = text.toLower();
    // The API names the window: "Rate limit exceeded for burst. Please try again in 45 seconds."
    // Read that name first, so that a unit later in the sentence ("in 300 minutes") cannot
    // mislead.
    static const QRegularExpression named(
        QStringLiteral("exceeded\\s+for\\s+(?:the\\s+)?([a-z][a-z0-9_-]*)"));
    const QRegularExpressionMatch m = named.match(t);
    if (m.hasMatch()) {
        const QString name = m.captured(1);
        if (name.contains(QLatin1String("burst")) || name.contains(QLatin1String("minute")))
            return QStringLiteral("burst");
        if (name.contains(QLatin1String("day")) || name.contains(QLatin1String("daily")))
            return QStringLiteral("daily");
        if (name != QLatin1String("this") && name != QLatin1String("your"))
            return name;
    }
    if (t.contains(QLatin1String("burst")))
        return QStringLiteral("burst");
    if (t.contains(QLatin1String("daily")))
        return QStringLiteral("daily");
    if (t.contains(QLatin1String("minute")))
        return QStringLiteral("burst");
    if (t.contains(QLatin1String("day")))
        return QStringLiteral("daily");
    return {};
}

bool ApiError::isDailyWindow(const QString &name)
{
    const QString n = name.toLower();
    return n.contains(QLatin1String("daily")) || n.contains(QLatin1String("day"));
}

ApiError ApiError::fromHttp(int status, const QByteArray &body, const QUrl &url)
{
    Kind kind = Kind::HttpError;
    if (status >= 200 && status < 300)
        kind = Kind::BadResponse;
    else if (status == 400)
        kind = Kind::BadRequest;
    else if (status == 401)
        kind = Kind::Unauthorized;
    else if (status == 403)
        kind = Kind::Forbidden;
    else if (status == 404)
        kind = Kind::NotFound;
    else if (status == 408 || (status >= 500 && status < 600))
        kind = Kind::ServerError;
    else if (status == 429)
        kind = Kind::RateLimited;

    ApiError e(kind, status);
    e.setUrl(url);
    e.setRawBody(body);

    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &perr);
    const QJsonObject obj = doc.isObject() ? doc.object() : QJsonObject();
    if (doc.isObject()) {
        e.m_serverMessage = extractServerMessage(obj);
    } else {
        const QString title = htmlTitle(body);
        if (!title.isEmpty())
            e.m_serverMessage = title;
    }
    if (e.m_serverMessage.isEmpty())
        e.m_serverMessage = body.trimmed().isEmpty() ? tr("The server sent no details.")
                                                     : tr("The server sent no readable message.");

    if (status == 400) {
        const QJsonArray issues = obj.value(QLatin1String("issues")).toArray();
        for (const QJsonValue &v : issues) {
            if (v.isObject()) {
                const QJsonObject i = v.toObject();
                const QString path = i.value(QLatin1String("path")).toString();
                const QString reason = i.value(QLatin1String("reason")).toString();
                if (path.isEmpty() && reason.isEmpty())
                    continue;
                e.m_issues << (reason.isEmpty() ? path
                                                : QStringLiteral("%1 (%2)").arg(path, reason));
            } else if (v.isString()) {
                e.m_issues << v.toString();
            }
        }
        const QJsonValue fields = obj.value(QLatin1String("available_fields"));
        if (fields.isObject()) {
            e.m_availableFields = fields.toObject();
        } else if (fields.isArray()) {
            // Layout undocumented: keep a list under "fields" so callers see one form.
            e.m_availableFields.insert(QStringLiteral("fields"), fields);
        }
    } else if (status == 429) {
        e.m_waitSeconds = parseWaitSeconds(obj.value(QLatin1String("wait_in_seconds")));
        e.m_window = windowFromText(obj.value(QLatin1String("detail")).toString());
        if (e.m_window.isEmpty())
            e.m_window = windowFromText(e.m_serverMessage);
        if (e.m_window == QLatin1String("daily"))
            e.m_kind = Kind::QuotaExhausted;
    }
    return e;
}

bool ApiError::isTransient() const
{
    switch (m_kind) {
    case Kind::ServerError:
    case Kind::Timeout:
    case Kind::Network:
    case Kind::BadResponse:
    case Kind::RateLimited:
        return true;
    default:
        return false;
    }
}

void ApiError::setRawBody(const QByteArray &body)
{
    m_rawBody = body.left(kMaxBody);
}

void ApiError::setUrl(const QUrl &url)
{
    m_url = redactedUrl(url);
}

QUrl ApiError::redactedUrl(const QUrl &url)
{
    static const QSet<QString> secretNames = {
        QStringLiteral("api_key"),       QStringLiteral("apikey"),
        QStringLiteral("access_token"),  QStringLiteral("token"),
        QStringLiteral("refresh_token"), QStringLiteral("client_secret"),
        QStringLiteral("code"),          QStringLiteral("code_verifier"),
        QStringLiteral("x-api-key"),     QStringLiteral("password"),
    };
    QUrl out = url;
    out.setUserInfo(QString());
    if (out.hasQuery()) {
        QUrlQuery q(out);
        const auto items = q.queryItems(QUrl::FullyEncoded);
        QUrlQuery kept;
        for (const auto &item : items) {
            const QString name =
                QUrl::fromPercentEncoding(item.first.toLatin1()).trimmed().toLower();
            if (!secretNames.contains(name))
                kept.addQueryItem(item.first, item.second);
        }
        if (kept.isEmpty())
            out.setQuery(QString());
        else
            out.setQuery(kept.query(QUrl::FullyEncoded), QUrl::StrictMode);
    }
    if (out.hasFragment()) {
        // OAuth implicit flows put tokens in the fragment; no API URL needs one.
        out.setFragment(QString());
    }
    return out;
}

QString ApiError::title() const
{
    switch (m_kind) {
    case Kind::None:
        return tr("No error");
    case Kind::Unauthorized:
        if (m_credentialsKind == QLatin1String("bearer"))
            return tr("Access token rejected (401)");
        return tr("API key rejected (401)");
    case Kind::Forbidden:
        return tr("Not permitted (403)");
    case Kind::RateLimited:
        return tr("Rate limit reached (429)");
    case Kind::QuotaExhausted:
        return tr("Daily quota used up");
    case Kind::BadRequest:
        return tr("Bad request (400)");
    case Kind::NotFound:
        return tr("Not found (404)");
    case Kind::ServerError:
        if (m_httpStatus == 408)
            return tr("Request timed out on the server (408)");
        return tr("Server error (%1)").arg(m_httpStatus);
    case Kind::HttpError:
        return tr("Request failed (%1)").arg(m_httpStatus);
    case Kind::Timeout:
        return tr("Request timed out");
    case Kind::Network:
        return tr("Network error");
    case Kind::BadResponse:
        return tr("Unexpected response");
    case Kind::InvalidRequest:
        return tr("Request refused");
    case Kind::Aborted:
        return tr("Cancelled");
    }
    return tr("Error");
}

QString ApiError::explanation() const
{
    switch (m_kind) {
    case Kind::None:
        return {};
    case Kind::Unauthorized:
        if (m_credentialsKind == QLatin1String("bearer"))
            return tr("Tango did not accept the access token of this sign-in, so it answered "
                      "nothing.");
        return tr("Tango did not accept the API key sent with the request, so it answered "
                  "nothing.");
    case Kind::Forbidden:
        return tr("Tango recognised you, but your account may not use this data or feature.");
    case Kind::RateLimited:
        if (m_window.isEmpty())
            return tr("Too many requests were sent in a short time. Tango asks to wait before "
                      "sending more.");
        return tr("Too many requests were sent within the \"%1\" window. Tango asks to wait "
                  "before sending more.")
            .arg(m_window);
    case Kind::QuotaExhausted:
        if (m_resetsAtUtc.isValid())
            return tr("Your account has used every request it may send today. The quota "
                      "resets at %1.")
                .arg(m_resetsAtUtc.toLocalTime().toString(Qt::TextDate));
        return tr("Your account has used every request it may send today. The quota resets "
                  "later; Tango reports when.");
    case Kind::BadRequest:
        return tr("Tango could not accept the request as it was phrased: a filter, an "
                  "ordering or a field is not valid.");
    case Kind::NotFound:
        return tr("Tango has no record or page at this address.");
    case Kind::ServerError:
        return tr("Tango had a problem answering. This is usually temporary.");
    case Kind::HttpError:
        return tr("Tango refused the request with status %1.").arg(m_httpStatus);
    case Kind::Timeout:
        return tr("No complete answer arrived in time.");
    case Kind::Network:
        return tr("Tango could not be reached, or the connection broke.");
    case Kind::BadResponse:
        return tr("The answer from Tango could not be read as the expected data.");
    case Kind::InvalidRequest:
        return tr("The request was not sent because its address is not allowed.");
    case Kind::Aborted:
        return tr("The request was cancelled.");
    }
    return {};
}

QStringList ApiError::likelyCauses() const
{
    switch (m_kind) {
    case Kind::Unauthorized:
        if (m_credentialsKind == QLatin1String("bearer"))
            return {tr("The access token has expired or was revoked."),
                    tr("The sign-in was withdrawn on the Tango website.")};
        return {tr("No API key was sent."), tr("The API key is mistyped or not valid."),
                tr("The API key has expired."), tr("The API key is not active.")};
    case Kind::Forbidden:
        return {tr("Your account lacks permission for the requested resource."),
                tr("Your account type does not include this feature.")};
    case Kind::RateLimited:
        return {tr("Many requests in a short time (for example a large export or fast "
                   "paging)."),
                tr("Other programs using the same account share its limits.")};
    case Kind::QuotaExhausted:
        return {tr("Every request allowed for today has been used."),
                tr("Other programs using the same account share its quota.")};
    case Kind::BadRequest:
        return {tr("A filter value or date range is not valid."),
                tr("An ordering or a field asked for does not exist for this data.")};
    case Kind::NotFound:
        return {tr("The record does not exist or was removed."), tr("The address is mistyped.")};
    case Kind::ServerError:
        return {tr("A temporary fault or overload on Tango's side."),
                tr("A proxy between you and Tango failed.")};
    case Kind::Timeout:
        return {tr("A slow or unstable connection."), tr("Tango is under heavy load.")};
    case Kind::Network:
        return {tr("No internet connection, or a firewall or proxy blocks the way."),
                tr("The server name could not be found."),
                tr("The secure connection could not be verified.")};
    case Kind::BadResponse:
        return {tr("A proxy or captive portal answered instead of Tango."),
                tr("The connection broke while the answer was arriving.")};
    case Kind::InvalidRequest:
        return {tr("The server address uses plain http:// to a host other than this "
                   "computer."),
                tr("A link pointed to a different server than the one configured.")};
    default:
        return {};
    }
}

QStringList ApiError::whatToDo() const
{
    switch (m_kind) {
    case Kind::Unauthorized:
        if (m_credentialsKind == QLatin1String("bearer"))
            return {tr("Sign in again."),
                    tr("Or use an API key from https://tango.makegov.com/accounts/profile/.")};
        return {
            tr("Check that an API key is set in the settings, so it is sent with every "
               "request."),
            tr("Verify the key: copy it again from your Tango profile."),
            tr("Make sure the key is active."),
            tr("If needed, generate a new key on https://tango.makegov.com/accounts/profile/.")};
    case Kind::Forbidden:
        return {tr("Check your account type and its permissions on the Tango website."),
                tr("Contact Tango support to upgrade your account if you need this feature.")};
    case Kind::RateLimited: {
        QStringList out;
        if (m_waitSeconds)
            out << tr("Wait %n second(s); the request is retried automatically.", nullptr,
                      int(std::min<qint64>(*m_waitSeconds, 1'000'000'000)));
        else
            out << tr("Wait for the window to reset; the request is retried automatically.");
        out << tr("Send fewer requests: use larger pages or narrower filters.")
            << tr("Consider upgrading your account for higher limits.");
        return out;
    }
    case Kind::QuotaExhausted:
        return {tr("Wait until the daily quota resets."),
                tr("Consider upgrading your account for a larger quota.")};
    case Kind::BadRequest:
        return {tr("Correct the filters, ordering or fields, then try again.")};
    case Kind::NotFound:
        return {tr("Check the record's key or the address.")};
    case Kind::ServerError:
    case Kind::Timeout:
    case Kind::Network:
    case Kind::BadResponse:
        return {tr("Try again in a moment."),
                tr("Check your internet connection and any proxy settings.")};
    case Kind::InvalidRequest:
        return {tr("Use an https:// address (plain http:// is only for this computer).")};
    default:
        return {};
    }
}

QString ApiError::summary() const
{
    QString s = title();
    if (!m_serverMessage.isEmpty())
        s += QStringLiteral(": ") + m_serverMessage;
    else if (!m_detail.isEmpty())
        s += QStringLiteral(": ") + m_detail;
    if (!m_issues.isEmpty())
        s += QStringLiteral(" [") + m_issues.join(QStringLiteral("; ")) + QLatin1Char(']');
    if (m_url.isValid() && !m_url.isEmpty())
        s += QStringLiteral(" \u2014 ") + m_method + QLatin1Char(' ') +
             m_url.toDisplayString(QUrl::RemoveUserInfo);
    // One line, always: server messages may carry newlines.
    s.replace(QLatin1Char('\n'), QLatin1Char(' ')).replace(QLatin1Char('\r'), QLatin1Char(' '));
    return s;
}

} // namespace tango
