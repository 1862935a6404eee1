#!/usr/bin/env bash
# The main job: set up, build, and compile a sample graph with quant-opt.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh quant-opt
echo "== examples/conv_bn_relu.mlir: fold batch normalisation, canonicalize"
build/bin/quant-opt examples/conv_bn_relu.mlir -qc-fold-batchnorm -canonicalize
