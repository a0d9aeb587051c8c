#include "util/Clock.h"
#include "util/SystemClock.h"

namespace tango {

Clock *Clock::system()
{
    // Intentionally leaked: it must outlive every object that may still schedule on it.
    static auto *clock = new SystemClock;
    return clock;
}

} // namespace tango
