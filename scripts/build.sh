#!/usr/bin/env bash
# Sets up the machine (scripts/setup.sh), configures build/ once, and builds
# the given targets (default: everything). Tools land in build/bin/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ ! -f build/build.ninja ]; then
  cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C build "$@"
