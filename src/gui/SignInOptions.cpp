#include "SignInOptions.h"

namespace tango {

SignInOptions SignInOptions::fromEnvironment()
{
    SignInOptions o;
    o.apiKey = qEnvironmentVariable("TANGO_API_KEY").trimmed();
    o.oauthClientId = qEnvironmentVariable("TANGO_OAUTH_CLIENT_ID").trimmed();
    o.oauthClientSecret = qEnvironmentVariable("TANGO_OAUTH_CLIENT_SECRET");
    return o;
}

bool SignInOptions::parseMode(const QString &text, Mode *mode)
{
    const QString t = text.trimmed().toLower();
    Mode m;
    if (t == QLatin1String("key") || t == QLatin1String("api-key"))
        m = Mode::ApiKey;
    else if (t == QLatin1String("oauth") || t == QLatin1String("browser"))
        m = Mode::OAuth;
    else
        return false;
    if (mode)
        *mode = m;
    return true;
}

} // namespace tango
