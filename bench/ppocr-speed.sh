#!/usr/bin/env bash
# Speed of quantc's compiled PP-OCR models against ONNX Runtime, one table.
#
#   bench/ppocr-speed.sh [ITERS] [ROUNDS]   (default 20 timed runs per
#                                            measurement, 3 rounds)
#
# For PP-OCRv4 det (1x3x640x640), PP-OCRv4 rec (1x3x48x320) and PP-OCR cls
# (1x3x48x192), with 1 and 2 threads, in one run on this machine:
#   quantc fp32, quantc W8A8, quantc W4A16   (quant-run --bench on the .so)
#   ORT fp32                                 (onnxruntime-node 1.30, CPU EP)
#   ORT QDQ     ONNX Runtime on quantc's own W8A8 graph exported with
#               --emit=onnx-qdq (the same quantization, ORT's int8 kernels)
# Each measurement is the median wall time of ITERS runs after 3 warm-up
# runs; the five variants of a row are measured in turn, ROUNDS times, and
# each cell is the median over the rounds (the machine's speed drifts over
# seconds, which would otherwise favour whichever variant ran in a fast
# spell). The ratio columns are ORT fp32 / quantc W8A8 and ORT QDQ / quantc
# W8A8 (> 1: quantc is faster). Writes build/bench/ppocr-speed.md. Needs the models
# (scripts/fetch-models.sh), inputs and calibration sets
# (scripts/make-inputs.py) and a build (scripts/build.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ITERS=${1:-20}
ROUNDS=${2:-3}
BIN=build/bin
OUT=build/bench
mkdir -p "$OUT"
for tool in quantc quant-run; do
  [[ -x $BIN/$tool ]] || { echo "ppocr-speed.sh: error: $BIN/$tool missing (scripts/build.sh)" >&2; exit 1; }
done

declare -A MODEL=([det]=ch_PP-OCRv4_det_infer.onnx [rec]=ch_PP-OCRv4_rec_infer.onnx
                  [cls]=ch_ppocr_mobile_v2.0_cls_infer.onnx)
declare -A SHAPE=([det]=1,3,640,640 [rec]=1,3,48,320 [cls]=1,3,48,192)

median() { awk '/^median/{print $2}'; }
# The median of its arguments.
middle() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
table="$OUT/ppocr-speed.md"
{
  echo "| model | threads | quantc fp32 | quantc W8A8 | quantc W4A16 | ORT fp32 | ORT QDQ (our W8A8) | ORT fp32 / W8A8 | ORT QDQ / W8A8 |"
  echo "|---|---|---|---|---|---|---|---|---|"
} >"$table"

for m in det rec cls; do
  onnx=models/ocr/${MODEL[$m]}
  [[ -f $onnx ]] || { echo "ppocr-speed.sh: error: $onnx missing (scripts/fetch-models.sh)" >&2; exit 1; }
  input=$(ls -d models/inputs/$m/*/ | head -1)
  shape="x=${SHAPE[$m]}"
  echo "== $m: compiling" >&2
  $BIN/quantc "$onnx" --input-shape "$shape" -o "$OUT/$m.fp32.so"
  $BIN/quantc "$onnx" --input-shape "$shape" --recipe w8a8 --calib models/calib/$m -o "$OUT/$m.w8a8.so"
  $BIN/quantc "$onnx" --input-shape "$shape" --recipe w4a16 --calib models/calib/$m -o "$OUT/$m.w4a16.so"
  $BIN/quantc "$onnx" --input-shape "$shape" --recipe w8a8 --calib models/calib/$m \
    --emit=onnx-qdq -o "$OUT/$m.qdq.onnx"
  for t in 1 2; do
    echo "== $m: $t thread(s)" >&2
    F32=() W8=() W4=() ORT=() QDQ=()
    for ((r = 0; r < ROUNDS; r++)); do
      F32+=("$($BIN/quant-run "$OUT/$m.fp32.so" --inputs "$input" --threads $t --bench "$ITERS" | median)")
      W8+=("$($BIN/quant-run "$OUT/$m.w8a8.so" --inputs "$input" --threads $t --bench "$ITERS" | median)")
      W4+=("$($BIN/quant-run "$OUT/$m.w4a16.so" --inputs "$input" --threads $t --bench "$ITERS" | median)")
      ORT+=("$(node bench/ort/run.js "$onnx" --inputs "$input" --threads $t --bench "$ITERS" 2>/dev/null | median)")
      QDQ+=("$(node bench/ort/run.js "$OUT/$m.qdq.onnx" --inputs "$input" --threads $t --bench "$ITERS" 2>/dev/null | median)")
    done
    f32=$(middle "${F32[@]}") w8=$(middle "${W8[@]}") w4=$(middle "${W4[@]}")
    ort=$(middle "${ORT[@]}") qdq=$(middle "${QDQ[@]}")
    echo "   rounds: fp32 ${F32[*]} | w8a8 ${W8[*]} | w4a16 ${W4[*]} | ort ${ORT[*]} | qdq ${QDQ[*]}" >&2
    awk -v m=$m -v t=$t -v a="$f32" -v b="$w8" -v c="$w4" -v d="$ort" -v e="$qdq" 'BEGIN {
      printf "| %s | %d | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2fx | %.2fx |\n",
             m, t, a, b, c, d, e, d / b, e / b }' >>"$table"
  done
done
echo
cat "$table"
