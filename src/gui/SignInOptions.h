#pragma once

#include <QString>
#include <QUrl>

namespace tango {

// How the application signs in at start-up: the --sign-in choice and the environment.
struct SignInOptions
{
    enum class Mode
    {
        Auto,   // TANGO_API_KEY, else the keychain, else the dialog
        ApiKey, // --sign-in key: open the dialog on the key page
        OAuth,  // --sign-in oauth: start the browser sign-in at once (with the client ID)
    };

    Mode mode = Mode::Auto;
    QUrl baseUrl;              // empty: the API client's base URL
    QString apiKey;            // TANGO_API_KEY
    QString oauthClientId;     // TANGO_OAUTH_CLIENT_ID
    QString oauthClientSecret; // TANGO_OAUTH_CLIENT_SECRET

    // Mode Auto with the three environment variables read.
    static SignInOptions fromEnvironment();
    // "key" / "api-key" or "oauth" / "browser" (the --sign-in value); false for anything else.
    static bool parseMode(const QString &text, Mode *mode);
};

} // namespace tango
