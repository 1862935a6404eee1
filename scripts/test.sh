#!/usr/bin/env bash
# Sets up, builds and runs every test: the lit suite (FileCheck tests under
# test/) and the gtest unit tests, through the one target check-quantc.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
ninja -C build check-quantc
