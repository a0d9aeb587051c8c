#pragma once

#include <QNetworkRequest>
#include <QString>

#include <functional>
#include <memory>

namespace tango {

// How requests are authenticated. ApiClient applies the current credentials to every request,
// so callers never deal with headers.
class Credentials
{
public:
    virtual ~Credentials() = default;

    virtual void apply(QNetworkRequest &request) const = 0;
    // What to show the user: a masked key ("••••1a2b") or "OAuth: client …". Never the secret.
    virtual QString displayName() const = 0;
    // "api-key" or "bearer".
    virtual QString kind() const = 0;
    virtual bool isValid() const = 0;

    // Called once after a 401 before the error is reported. Credentials that can renew
    // themselves (OAuth refresh) start doing so and call done(true) when a retry makes sense.
    virtual bool canRenew() const { return false; }
    virtual void renew(std::function<void(bool ok)> done) { done(false); }

    // The secrets this object holds, so that tests and log filters can look for them.
    virtual QStringList secrets() const = 0;
};

using CredentialsPtr = std::shared_ptr<Credentials>;

// Masks a secret for display: "••••" followed by its last four characters.
QString maskSecret(const QString &secret);

} // namespace tango
