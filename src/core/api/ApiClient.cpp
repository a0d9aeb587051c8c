#include "api/ApiClient.h"

#include "api/Pacer.h"
#include "util/Clock.h"

#include <QHostAddress>
#include <QLibraryInfo>
#include <QMetaObject>
#include <QSysInfo>

namespace tango {

namespace {

int effectivePort(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    return url.port(scheme == QLatin1String("https")  ? 443
                    : scheme == QLatin1String("http") ? 80
                                                      : -1);
}

bool isLoopbackHost(const QString &host)
{
    QString h = host.toLower();
    if (h.endsWith(QLatin1Char('.')))
        h.chop(1);
    if (h == QLatin1String("localhost"))
        return true;
    const QHostAddress address(h);
    return !address.isNull() && address.isLoopback();
}

} // namespace

ApiClient::ApiClient(QObject *parent, Clock *clock)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
    , m_clock(clock ? clock : Clock::system())
    , m_pacer(new Pacer(m_clock, this))
    , m_baseUrl(defaultBaseUrl())
    , m_rng(std::random_device{}())
{
    // Credentials travel in headers, which Qt keeps across redirects: never follow one to
    // another origin.
    m_nam->setRedirectPolicy(QNetworkRequest::SameOriginRedirectPolicy);
}

ApiClient::~ApiClient() = default;

QUrl ApiClient::defaultBaseUrl()
{
    const QString env = qEnvironmentVariable("TANGO_BASE_URL").trimmed();
    if (!env.isEmpty())
        return QUrl(env, QUrl::StrictMode);
    return QUrl(QStringLiteral("https://tango.makegov.com"));
}

bool ApiClient::isAcceptableBaseUrl(const QUrl &url, QString *why)
{
    auto refuse = [why](const QString &text) {
        if (why)
            *why = text;
        return false;
    };
    if (!url.isValid() || url.isRelative())
        return refuse(tr("The server address is not a valid absolute URL."));
    if (url.host().isEmpty())
        return refuse(tr("The server address has no host name."));
    if (!url.userInfo().isEmpty())
        return refuse(tr("The server address must not contain a user name or password."));
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("https")) {
        if (why)
            why->clear();
        return true;
    }
    if (scheme == QLatin1String("http")) {
        if (isLoopbackHost(url.host())) {
            if (why)
                why->clear();
            return true;
        }
        return refuse(tr("Plain http:// would send the API key unencrypted; it is allowed only "
                         "for this computer (localhost). Use https:// for %1.")
                          .arg(url.host()));
    }
    return refuse(tr("Unsupported scheme \"%1\": use https://.").arg(url.scheme()));
}

bool ApiClient::setBaseUrl(const QUrl &url, QString *why)
{
    if (!isAcceptableBaseUrl(url, why))
        return false;
    m_baseUrl = url;
    return true;
}

void ApiClient::setCredentials(CredentialsPtr credentials)
{
    m_credentials = std::move(credentials);
}

QByteArray ApiClient::userAgent()
{
    // Worked out once: the OS name comes from reading /etc/os-release, too slow for every request.
    static const QByteArray ua = makeUserAgent();
    return ua;
}

QByteArray ApiClient::makeUserAgent()
{
    QString os = QSysInfo::prettyProductName();
    if (os.isEmpty())
        os = QSysInfo::productType();
    QString ua = QStringLiteral("TangoExplorer/%1 (Qt %2; %3)")
                     .arg(QStringLiteral(TANGO_VERSION), QString::fromLatin1(qVersion()), os);
    // Header values must be plain ASCII; OS names are, but make sure.
    QByteArray out;
    for (QChar c : ua)
        out += (c.unicode() >= 32 && c.unicode() < 127) ? char(c.unicode()) : '?';
    return out;
}

ApiReply *ApiClient::get(const QString &path, const QUrlQuery &query)
{
    QUrl url = m_baseUrl;
    QString basePath = url.path();
    while (basePath.endsWith(QLatin1Char('/')))
        basePath.chop(1);
    QString p = path;
    if (!p.startsWith(QLatin1Char('/')))
        p.prepend(QLatin1Char('/'));
    url.setPath(basePath + p);
    url.setQuery(query.isEmpty() ? QString() : query.query(QUrl::FullyEncoded), QUrl::StrictMode);
    url.setFragment(QString());
    auto *reply = new ApiReply(this, url, ApiReply::Expect::Object);
    QString why;
    if (!isAcceptableBaseUrl(m_baseUrl, &why)) {
        reply->m_refusal = ApiError(ApiError::Kind::InvalidRequest);
        reply->m_refusal.setDetail(why);
    }
    QMetaObject::invokeMethod(reply, &ApiReply::start, Qt::QueuedConnection);
    return reply;
}

ApiReply *ApiClient::getList(const QString &path, const QUrlQuery &query, ApiReply::Expect expect)
{
    ApiReply *reply = get(path, query);
    reply->m_expect = expect == ApiReply::Expect::Object ? ApiReply::Expect::ListPage : expect;
    return reply;
}

ApiReply *ApiClient::getUrl(const QUrl &link, ApiReply::Expect expect)
{
    // A relative link ("/api/contracts/?cursor=...") belongs to the base URL's server.
    const QUrl url = link.isRelative() ? m_baseUrl.resolved(link) : link;
    auto *reply = new ApiReply(this, url, expect);
    QString why;
    if (!isAcceptableBaseUrl(url, &why)) {
        reply->m_refusal = ApiError(ApiError::Kind::InvalidRequest);
        reply->m_refusal.setDetail(why);
    } else if (url.scheme().compare(m_baseUrl.scheme(), Qt::CaseInsensitive) != 0 ||
               url.host().compare(m_baseUrl.host(), Qt::CaseInsensitive) != 0 ||
               effectivePort(url) != effectivePort(m_baseUrl)) {
        reply->m_refusal = ApiError(ApiError::Kind::InvalidRequest);
        reply->m_refusal.setDetail(
            tr("The link points to %1, not to the configured server %2; it was not followed so "
               "that your credentials stay with that server.")
                .arg(url.host(), m_baseUrl.host()));
    }
    QMetaObject::invokeMethod(reply, &ApiReply::start, Qt::QueuedConnection);
    return reply;
}

RateLimitSnapshot ApiClient::lastRateLimit() const
{
    return m_pacer->snapshot();
}

QNetworkRequest ApiClient::buildRequest(const QUrl &url) const
{
    QNetworkRequest request(url);
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader, userAgent());
    request.setTransferTimeout(m_timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::SameOriginRedirectPolicy);
    if (m_credentials)
        m_credentials->apply(request);
    return request;
}

double ApiClient::random01()
{
    return std::uniform_real_distribution<double>(0.0, 1.0)(m_rng);
}

void ApiClient::noteResponse(const RateLimitSnapshot &snapshot)
{
    if (snapshot.isEmpty())
        return;
    m_pacer->update(snapshot);
    Q_EMIT rateLimitChanged(snapshot);
}

} // namespace tango
