#pragma once

#include <QDir>
#include <QString>

// The shared folder holding recorded API responses (TANGO_SHARED_DIR, set by CTest), or an
// empty string when it is not there; tests that need it skip cleanly.
inline QString sharedDir()
{
    const QString dir = qEnvironmentVariable("TANGO_SHARED_DIR");
    return (!dir.isEmpty() && QDir(dir).exists()) ? QDir(dir).absolutePath() : QString();
}

// Where the build put the executables (for QProcess tests).
inline QString binaryDir()
{
    return qEnvironmentVariable("TANGO_TEST_BINARY_DIR");
}
