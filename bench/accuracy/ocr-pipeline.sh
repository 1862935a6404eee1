#!/usr/bin/env bash
# The W8A8 PP-OCR pipeline end to end: does the quantized detector followed
# by the quantized recognizer read the rendered pages as the f32 pipeline
# does? (bench/accuracy/ocr-pipeline.py does the reading; this builds the
# graphs.)
#
#   bench/accuracy/ocr-pipeline.sh [BUILD_DIR] [OUT_DIR]
#
# Detectors: the f32 graph and the steps of bench/accuracy/det-passes.sh
# (run first when OUT/det-passes is missing): min-max only, the W8A8 recipe
# (`biascorr`) and GPTQ with a blank calibration page (`blank`).
# Recognizers: f32 and `quant-opt --qc-w8a8-pipeline` (the W8A8 recipe,
# models/calib/rec). Everything runs on the reference evaluator. Prints a
# Markdown table (also OUT/ocr-pipeline/ocr-pipeline.md). About 5 minutes,
# with det-passes.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
OUT_ROOT="${2:-$ROOT/build/accuracy}"
OUT="$OUT_ROOT/ocr-pipeline"
BIN="$BUILD/bin"
DET="$OUT_ROOT/det-passes"
for tool in quantc quant-opt quant-run; do
  [[ -x "$BIN/$tool" ]] || { echo "ocr-pipeline.sh: error: $BIN/$tool not found (build it first)" >&2; exit 1; }
done
REC_ONNX="$ROOT/models/ocr/ch_PP-OCRv4_rec_infer.onnx"
[[ -f "$REC_ONNX" ]] || { echo "ocr-pipeline.sh: error: $REC_ONNX missing (scripts/fetch-models.sh)" >&2; exit 1; }

[[ -f "$DET/blank.mlir" && -f "$DET/minmax.mlir" ]] || "$ROOT/bench/accuracy/det-passes.sh" "$BUILD" "$OUT_ROOT"
rm -rf "$OUT"; mkdir -p "$OUT"
run() { echo "+ $*" >&2; "$@"; }
run "$BIN/quantc" import "$REC_ONNX" --input-shape x=1,3,48,320 -o "$OUT/rec.fp32.mlir"
run "$BIN/quant-opt" "$OUT/rec.fp32.mlir" --qc-w8a8-pipeline="calib=$ROOT/models/calib/rec" -o "$OUT/rec.w8a8.mlir"

F="$DET/fp32.mlir" R="$OUT/rec.fp32.mlir" Q="$OUT/rec.w8a8.mlir"
/usr/bin/python3 "$ROOT/bench/accuracy/ocr-pipeline.py" --quant-run "$BIN/quant-run" --out "$OUT" \
  "f32=$F,$R" \
  "det-minmax=$DET/minmax.mlir,$R" \
  "det-w8a8=$DET/biascorr.mlir,$R" \
  "det-w8a8-blank=$DET/blank.mlir,$R" \
  "rec-w8a8=$F,$Q" \
  "w8a8=$DET/biascorr.mlir,$Q" \
  "w8a8-blank=$DET/blank.mlir,$Q"
