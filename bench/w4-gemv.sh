#!/usr/bin/env bash
# W4A16 matrix products of decode shapes (M = 1 and 16 rows of activations
# times 4-bit weights in blocks of 128) compiled by quantc, against ONNX
# Runtime's own int4 kernel on the same weights (com.microsoft.MatMulNBits,
# as its quantizer writes it, at the default accuracy level (f32 compute) and
# at accuracy_level 4 (activations quantized to int8)) and against f32
# MatMuls on the dequantized weights (quantc and ONNX Runtime). One table.
#
#   bench/w4-gemv.sh [ITERS]      (default 50; writes build/bench/w4-gemv.md)
#
# Cells are medians of ITERS runs after 3 warm-up runs (quant-run --bench,
# bench/ort/run.js --bench); "GB/s" is the bytes of quantc's packed weights
# and scales read per run over its median time. Needs the build,
# /usr/bin/python3 with numpy and onnx, and bench/ort (scripts/fetch-models.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN=$ROOT/build/bin
OUT=$ROOT/build/bench/w4
ITERS=${1:-50}
SHAPES=(4096x4096 4096x11008)
for tool in quantc quant-run; do
  [[ -x $BIN/$tool ]] || { echo "w4-gemv.sh: $BIN/$tool missing: run scripts/build.sh" >&2; exit 1; }
done
[[ -d bench/ort/node_modules/onnxruntime-node ]] ||
  { echo "w4-gemv.sh: bench/ort not installed: run scripts/fetch-models.sh" >&2; exit 1; }
mkdir -p "$OUT"
/usr/bin/python3 bench/w4/make-models.py "$OUT" "${SHAPES[@]}"

median() { sed -n 's/^median \([0-9.]*\) ms.*/\1/p'; }
table=$OUT/../w4-gemv.md
{
  echo "| K x N | M | threads | quantc W4 | GB/s | quantc fp32 | ORT MatMulNBits | ORT MatMulNBits int8 | ORT fp32 | ORT MatMulNBits / quantc W4 | quantc fp32 / quantc W4 |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} > "$table"
for shape in "${SHAPES[@]}"; do
  k=${shape%x*} n=${shape#*x}
  for m in 1 16; do
    in=$OUT/in_${k}_$m
    mkdir -p "$in"
    /usr/bin/python3 -c "import numpy as np, sys; np.save(sys.argv[1], np.random.default_rng(0).standard_normal(($m, $k)).astype(np.float32))" "$in/a.npy"
    for v in nbits fp32; do
      "$BIN/quantc" "$OUT/${v}_$shape.onnx" --input-shape "a=$m,$k" -o "$OUT/${v}_${shape}_$m.so"
    done
    # Packed bytes: 4-bit weights and f32 scales (qrt_ukernel_pack_w4 layout).
    bytes=$(( (n + 3) / 4 * 4 * (k / 2 + k / 128 * 4) ))
    for t in 1 2; do
      w4=$("$BIN/quant-run" "$OUT/nbits_${shape}_$m.so" --inputs "$in" --threads $t --bench "$ITERS" | median)
      f32=$("$BIN/quant-run" "$OUT/fp32_${shape}_$m.so" --inputs "$in" --threads $t --bench "$ITERS" | median)
      ort=()
      for v in nbits nbits-int8 fp32; do
        ort+=("$(node bench/ort/run.js "$OUT/${v}_$shape.onnx" --inputs "$in" --threads $t --bench "$ITERS" 2>/dev/null | median)")
      done
      row=$(/usr/bin/python3 -c "
import sys
w4, f32, on, o8, of, b = map(float, sys.argv[1:])
print('| %s | $m | $t | %.3f ms | %.1f | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.2fx | %.2fx |' % ('$shape', w4, b / w4 / 1e6, f32, on, o8, of, on / w4, f32 / w4))
" "$w4" "$f32" "${ort[@]}" "$bytes")
      echo "$row"
      echo "$row" >> "$table"
    done
  done
done
echo "w4-gemv.sh: table in $table"
