#!/usr/bin/env bash
# Installs what is missing, builds Tango Explorer with warnings as errors, and runs every test.
#   bash packaging/build-and-test.sh [extra ctest arguments]
# Environment: BUILD_DIR (default: build), JOBS (default: number of cores).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
bash packaging/install-deps.sh --test

build=${BUILD_DIR:-build}
jobs=${JOBS:-$(nproc)}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTANGO_WERROR=ON >/dev/null
cmake --build "$build" -j "$jobs"

# Tests run without a display (offscreen platform) and with a private runtime directory.
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
chmod 700 "$XDG_RUNTIME_DIR"
unset TANGO_API_KEY TANGO_BASE_URL
cd "$build"
ctest --output-on-failure -j "$jobs" "$@"
