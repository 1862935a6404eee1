#!/usr/bin/env bash
# Sets up, builds and runs every test: the lit suite (FileCheck tests under
# test/) and the gtest unit tests, through the one target check-quantc.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
# The PP-OCR models, ONNX Runtime and the rendered inputs for the tests against
# real models (docs/models.md). Without the network the fetch fails and lit
# reports those tests UNSUPPORTED, saying what is missing.
if scripts/fetch-models.sh; then
  if [ ! -d models/inputs ] || [ ! -d models/calib ] ||
     [ scripts/make-inputs.py -nt models/inputs ]; then
    if scripts/make-inputs.py; then
      touch models/inputs models/calib
    else
      echo "test: scripts/make-inputs.py failed; the tests on real models will be skipped" >&2
    fi
  fi
else
  echo "test: the models could not be fetched; the tests on real models will be skipped" >&2
fi
ninja -C build check-quantc
