#pragma once

#include <QProcessEnvironment>
#include <QString>

// Points a child process's home and XDG folders at `home` (a QTemporaryDir's path), so that a
// real binary started by a test keeps its settings, data and cache there instead of in the
// user's ~/.config, ~/.local and ~/.cache.
void useScratchHome(QProcessEnvironment &env, const QString &home);
