#!/usr/bin/env bash
# Checks quantc's import and reference evaluator against ONNX Runtime on the PP-OCR models:
# imports det (1x3x640x640), rec (1x3x48x320) and cls (1x3x48x192) with `quantc import`,
# evaluates every rendered sample of models/inputs/{det,rec,cls} with `quant-run --reference`,
# runs ONNX Runtime (bench/ort/run.js, all graph optimizations) on the same x.npy and compares
# each output with scripts/compare-npy.py. The relative error of an output is norm-wise,
#
#     rel err = ||quantc - ort|| / ||ort||    (2-norms over the whole output)
#
# and must be <= --max-rel-error (default 1e-4); the largest single error, measured against the
# output's scale, rel max = max|quantc - ort| / max|ort|, must be <= --max-rel-max (default 1e-3).
# (ONNX Runtime's results themselves move by rel max 3.6e-4 on the detector between its graph
# optimization levels `extended` and `all`, which reorder the convolutions' float sums.)
#
#   scripts/compare-ocr-with-ort.sh [--bin DIR] [--out DIR] [--max-rel-error E] [--max-rel-max E]
#                                   [--threads N]
#
# --bin is the directory of quantc and quant-run (default build/bin), --out receives the imported
# models and every output (default a temporary directory, removed afterwards). Prints one line per
# output and a summary; exits 1 when an output is off, 2 when models, inputs or ONNX Runtime are
# missing (run scripts/fetch-models.sh and scripts/make-inputs.py). See docs/models.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/build/bin"
OUT=""
MAX_REL=1e-4
MAX_REL_MAX=1e-3
THREADS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) BIN="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --max-rel-error) MAX_REL="$2"; shift 2 ;;
    --max-rel-max) MAX_REL_MAX="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare-ocr-with-ort: error: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

die() { echo "compare-ocr-with-ort: error: $*" >&2; exit 2; }
for tool in quantc quant-run; do
  [ -x "$BIN/$tool" ] || die "$BIN/$tool not found (build quantc, or pass --bin)"
done
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import numpy' 2>/dev/null ||
  die "/usr/bin/python3 with numpy is needed (scripts/setup.sh)"
command -v node >/dev/null 2>&1 || die "node not found (scripts/setup.sh)"
[ -d "$ROOT/bench/ort/node_modules/onnxruntime-node" ] ||
  die "ONNX Runtime is missing in bench/ort/node_modules (scripts/fetch-models.sh)"

if [ -z "$OUT" ]; then
  OUT="$(mktemp -d)"
  trap 'rm -rf "$OUT"' EXIT
fi
mkdir -p "$OUT"

# model  file  input shape
MODELS=(
  "det ch_PP-OCRv4_det_infer.onnx 1,3,640,640"
  "rec ch_PP-OCRv4_rec_infer.onnx 1,3,48,320"
  "cls ch_ppocr_mobile_v2.0_cls_infer.onnx 1,3,48,192"
)

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

checked=0
failed=0
worst=0
for entry in "${MODELS[@]}"; do
  read -r name file shape <<<"$entry"
  onnx="$ROOT/models/ocr/$file"
  [ -f "$onnx" ] || die "models/ocr/$file not found (scripts/fetch-models.sh)"
  samples=("$ROOT/models/inputs/$name"/*/)
  [ -f "${samples[0]}x.npy" ] || die "no samples in models/inputs/$name (scripts/make-inputs.py)"

  t0=$(now)
  "$BIN/quantc" import "$onnx" --input-shape "x=$shape" -o "$OUT/$name.mlir"
  t1=$(now)
  echo "$name: imported in $(elapsed "$t0" "$t1") s"

  for dir in "${samples[@]}"; do
    sample="$(basename "$dir")"
    res="$OUT/$name/$sample"
    t0=$(now)
    "$BIN/quant-run" "$OUT/$name.mlir" --reference --inputs "$dir" --outputs "$res/quantc" \
      --num-threads "$THREADS"
    t1=$(now)
    node "$ROOT/bench/ort/run.js" "$onnx" --inputs "$dir" --outputs "$res/ort" --threads "$THREADS" \
      2>"$res.ort.log" || { cat "$res.ort.log" >&2; die "ONNX Runtime failed on $dir"; }
    for ref in "$res/ort"/*.npy; do
      out="$(basename "$ref")"
      report="$(/usr/bin/python3 "$ROOT/scripts/compare-npy.py" "$res/quantc/$out" "$ref" \
        --max-rel-error "$MAX_REL" --max-rel-max "$MAX_REL_MAX")" && status=PASS || status=FAIL
      rel="$(sed -n 's/^rel err  *//p' <<<"$report")"
      relmax="$(sed -n 's/^rel max  *//p' <<<"$report")"
      abs="$(sed -n 's/^max abs  *//p' <<<"$report")"
      echo "$name $sample ${out%.npy}: rel err $rel, rel max $relmax, max abs $abs (evaluated in $(elapsed "$t0" "$t1") s): $status"
      checked=$((checked + 1))
      if [ "$status" = FAIL ]; then
        failed=$((failed + 1))
        sed 's/^/  /' <<<"$report"
      fi
      worst="$(awk -v a="$worst" -v b="$rel" 'BEGIN { print (b + 0 > a + 0) ? b : a }')"
    done
  done
done

if [ "$failed" -gt 0 ]; then
  echo "compare-ocr-with-ort: $failed of $checked outputs differ from ONNX Runtime by more than rel err $MAX_REL or rel max $MAX_REL_MAX (largest rel err $worst)"
  exit 1
fi
echo "compare-ocr-with-ort: all $checked outputs within rel err $MAX_REL and rel max $MAX_REL_MAX of ONNX Runtime (largest rel err $worst)"
