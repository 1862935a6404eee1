#!/usr/bin/env bash
# check-pass-order.sh TOOLS SRC OUT NAME PASSES
#
# Runs the f32-exact passes PASSES (a comma-separated func.func pipeline)
# on OUT/fp32.mlir (the imported PP-OCRv4 recognizer, after
# qc-fold-batchnorm and constant folding), then the W8A8 recipe on the
# result, and evaluates both on every sample of SRC/models/inputs/rec with
# the reference evaluator against OUT/fp32/<sample>:
#   - the transformed f32 graph must compute the same function: every
#     softmax probability within 5e-4 (float rounding: measured at most
#     8.4e-5) and every argmax equal;
#   - the quantized graph must still read the text: argmax agreement with
#     f32 >= 90% per sample (measured 95-100%).
# Prints "NAME: <ops> f32 ok, w8a8 ok"; exits non-zero on any failure.
set -euo pipefail
TOOLS=$1 SRC=$2 OUT=$3 NAME=$4 PASSES=$5
PY=/usr/bin/python3
"$TOOLS/quant-opt" "$OUT/fp32.mlir" --pass-pipeline="builtin.module(func.func($PASSES))" \
  -o "$OUT/$NAME.mlir" 2> "$OUT/$NAME.log"
"$TOOLS/quant-opt" "$OUT/$NAME.mlir" --qc-w8a8-pipeline="calib=$SRC/models/calib/rec" \
  -o "$OUT/$NAME.w8a8.mlir" 2> "$OUT/$NAME.w8a8.log"
for dir in "$SRC"/models/inputs/rec/*/; do
  s=$(basename "$dir")
  for g in "$NAME" "$NAME.w8a8"; do
    "$TOOLS/quant-run" "$OUT/$g.mlir" --reference --inputs "$dir" --outputs "$OUT/$g/$s" >/dev/null
  done
  "$PY" "$SRC/scripts/compare-npy.py" "$OUT/$NAME/$s/softmax_11.tmp_0.npy" \
    "$OUT/fp32/$s/softmax_11.tmp_0.npy" --rtol 0 --atol 5e-4 --min-argmax 1 >/dev/null ||
    { echo "$NAME: $s: the f32 function changed" >&2; exit 1; }
  "$PY" "$SRC/scripts/compare-npy.py" "$OUT/$NAME.w8a8/$s/softmax_11.tmp_0.npy" \
    "$OUT/fp32/$s/softmax_11.tmp_0.npy" --rtol 1 --atol 1 --min-argmax 0.9 >/dev/null ||
    { echo "$NAME: $s: W8A8 after the passes lost the text" >&2; exit 1; }
done
# What the passes left in the graph, so that a pass that silently did
# nothing shows: online rotations, permuted, smoothed and equalized
# constants.
marks=
grep -q 'qc\.hadamard' "$OUT/$NAME.mlir" && marks+="rotated "
grep -q 'dense_resource<permuted' "$OUT/$NAME.mlir" && marks+="rearranged "
grep -q 'dense_resource<smooth_' "$OUT/$NAME.mlir" && marks+="smoothed "
grep -q 'dense_resource<equalized' "$OUT/$NAME.mlir" && marks+="equalized "
echo "$NAME: ${marks}f32 ok, w8a8 ok"
