#include "auth/Credentials.h"

namespace tango {

QString maskSecret(const QString &secret)
{
    static const QString dots = QStringLiteral("\u2022\u2022\u2022\u2022");
    if (secret.isEmpty())
        return {};
    // Showing four characters of a short secret would give away half of it or more.
    if (secret.size() < 8)
        return dots;
    return dots + secret.right(4);
}

} // namespace tango
