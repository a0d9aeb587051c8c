#!/usr/bin/env bash
# Installs what is missing, builds Tango Explorer and starts it. Arguments go to the app:
#   bash packaging/build-and-run.sh --demo        synthetic data, no key or network needed
#   TANGO_API_KEY=... bash packaging/build-and-run.sh
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
bash packaging/install-deps.sh

build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTANGO_BUILD_TESTS=OFF -DTANGO_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target tango-explorer tango-sandbox
exec "$build/src/app/tango-explorer" "$@"
