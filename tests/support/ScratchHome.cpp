#include "ScratchHome.h"

void useScratchHome(QProcessEnvironment &env, const QString &home)
{
    env.insert(QStringLiteral("HOME"), home);
    // Set explicitly: an XDG variable inherited from the caller would win over HOME.
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/.local/share"));
    env.insert(QStringLiteral("XDG_STATE_HOME"), home + QStringLiteral("/.local/state"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/.cache"));
}
