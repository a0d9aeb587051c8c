#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace tango {

// A failed request, classified. Carries everything a dialog needs to explain it; the GUI layer
// decides how to show it.
class ApiError
{
    Q_DECLARE_TR_FUNCTIONS(ApiError)
public:
    enum class Kind
    {
        None,
        Unauthorized,   // 401
        Forbidden,      // 403
        RateLimited,    // 429 of a short window (burst): wait and retry
        QuotaExhausted, // daily window spent (429 naming it, or refused locally by the pacer)
        BadRequest,     // 400
        NotFound,       // 404
        ServerError,    // 5xx, 408
        HttpError,      // any other 4xx
        Timeout,        // transfer timeout
        Network,        // refused, DNS, TLS, dropped connection
        BadResponse,    // not JSON, truncated, wrong shape, or a 2xx carrying {"error": ...}
        InvalidRequest, // refused before sending (bad base URL, plain http to a non-loopback host)
        Aborted,        // cancelled by the caller
    };

    ApiError() = default;
    ApiError(Kind kind, int httpStatus = 0);

    // Builds the error for an HTTP response (status >= 400, or a 2xx with {"error": ...}).
    // The body is kept capped; the server's own message is extracted as the API's SDKs do.
    static ApiError fromHttp(int status, const QByteArray &body, const QUrl &url);

    bool isError() const { return m_kind != Kind::None; }
    Kind kind() const { return m_kind; }
    int httpStatus() const { return m_httpStatus; }
    // Whether an idempotent GET may be retried automatically after this error.
    bool isTransient() const;

    QString serverMessage() const { return m_serverMessage; }
    void setServerMessage(const QString &m) { m_serverMessage = m; }
    QByteArray rawBody() const { return m_rawBody; }
    void setRawBody(const QByteArray &body); // capped at kMaxBody
    QUrl url() const { return m_url; }       // secrets already removed
    void setUrl(const QUrl &url);
    QString method() const { return m_method; }
    void setMethod(const QString &m) { m_method = m; }
    QString apiVersion() const { return m_apiVersion; }
    void setApiVersion(const QString &v) { m_apiVersion = v; }
    QString detail() const { return m_detail; } // technical detail (Qt's network error text)
    void setDetail(const QString &d) { m_detail = d; }

    // 400: shape issues ("path (reason)") and the server's available_fields, when sent.
    QStringList issues() const { return m_issues; }
    void setIssues(const QStringList &i) { m_issues = i; }
    QJsonObject availableFields() const { return m_availableFields; }
    void setAvailableFields(const QJsonObject &f) { m_availableFields = f; }

    // "api-key" (default) or "bearer": lets a 401 say which kind of secret was rejected.
    QString credentialsKind() const { return m_credentialsKind; }
    void setCredentialsKind(const QString &k) { m_credentialsKind = k; }

    // 429 / quota: which window ("burst", "daily", another name, or "" if unknown) and how long
    // to wait.
    QString rateLimitWindow() const { return m_window; }
    void setRateLimitWindow(const QString &w) { m_window = w; }
    std::optional<qint64> waitSeconds() const { return m_waitSeconds; }
    void setWaitSeconds(std::optional<qint64> s) { m_waitSeconds = s; }
    // For QuotaExhausted: when the window resets (UTC), when known.
    QDateTime resetsAtUtc() const { return m_resetsAtUtc; }
    void setResetsAtUtc(const QDateTime &t) { m_resetsAtUtc = t; }

    // Plain-language texts, translated. title() names the status, e.g. "API key rejected (401)".
    QString title() const;
    QString explanation() const;
    QStringList likelyCauses() const;
    QStringList whatToDo() const;
    // One line for logs and the command line: title plus server message; never a secret.
    QString summary() const;

    static constexpr int kMaxBody = 64 * 1024;

    // Removes credentials from a URL's query (api_key, apikey, token, access_token, ...) and
    // its user info. "key" is left alone: it is a legitimate contract filter.
    static QUrl redactedUrl(const QUrl &url);

    // The server's own message in an error body (REFERENCE 8.1): the first string among
    // "detail", "message", "error"; else the first element of a leading array of strings
    // (DRF field errors); else empty.
    static QString extractServerMessage(const QJsonObject &body);
    // wait_in_seconds as an integer or a numeric string; nullopt when missing or garbage.
    static std::optional<qint64> parseWaitSeconds(const QJsonValue &value);
    // The window a 429 message names: "burst" (burst, minute), "daily" (daily, day), another
    // window's own name when the message says "exceeded for <name>", or "" when none.
    static QString windowFromText(const QString &text);
    // True for the daily window's name (or any name mentioning a day).
    static bool isDailyWindow(const QString &name);

private:
    Kind m_kind = Kind::None;
    int m_httpStatus = 0;
    QString m_serverMessage;
    QByteArray m_rawBody;
    QUrl m_url;
    QString m_method = QStringLiteral("GET");
    QString m_apiVersion;
    QString m_detail;
    QStringList m_issues;
    QJsonObject m_availableFields;
    QString m_window;
    std::optional<qint64> m_waitSeconds;
    QDateTime m_resetsAtUtc;
    QString m_credentialsKind;
};

} // namespace tango

Q_DECLARE_METATYPE(tango::ApiError)
