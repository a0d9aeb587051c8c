#pragma once

#include <QtGlobal>

// A loopback port that was free a moment ago and is closed now, so connections to it are
// refused (another process may own any fixed number). 0 when no port could be had.
quint16 closedPort();
