#!/usr/bin/env bash
# Accuracy of quantc's quantization recipes on the PP-OCR models, measured with
# the reference evaluator (no code generation involved).
#
#   bench/accuracy/ppocr.sh [BUILD_DIR] [OUT_DIR]
#
# For each model (det, rec, cls):
#   1. quantc import            -> OUT/<m>.fp32.mlir
#   2. quantc --recipe ... --emit=quantized --report
#                               -> OUT/<m>.<variant>.mlir, OUT/<m>.<variant>.{md,json}
#      (the report has the per-layer SQNR against f32 on the calibration set)
#   3. quant-run --reference on the test inputs (models/inputs/<m>/*) and on
#      the held-out samples (models/heldout/<m>/*, drawn like the calibration
#      set) for the f32 and every quantized graph, and scripts/compare-npy.py
#      against f32:
#      output SQNR, and the task agreement: argmax agreement for rec (per
#      time step) and cls, and for det the fraction of pixels of the
#      probability map on the same side of the 0.3 threshold (PaddleOCR's
#      DBPostProcess thresh) as in f32.
# Prints one table (also written to OUT/summary.md). Needs the models
# (scripts/fetch-models.sh), the inputs (scripts/make-inputs.py) and
# /usr/bin/python3 with numpy.
#
# Environment: MODELS (default "det rec cls") and VARIANTS (names from the
# list below, default: the W8A8 ones) restrict the run, e.g.
#   MODELS=det VARIANTS="w8a8 w8a8-eqrt" bench/accuracy/ppocr.sh
# and CALIB (default models/calib) replaces the calibration sets
# ($CALIB/<model>).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
OUT="${2:-$ROOT/build/accuracy}"
BIN="$BUILD/bin"
PY=/usr/bin/python3
for tool in quantc quant-run; do
  [[ -x "$BIN/$tool" ]] || { echo "ppocr.sh: error: $BIN/$tool not found (build it first)" >&2; exit 1; }
done
mkdir -p "$OUT"
CALIB="${CALIB:-$ROOT/models/calib}"

declare -A MODEL=(
  [det]=ch_PP-OCRv4_det_infer.onnx
  [rec]=ch_PP-OCRv4_rec_infer.onnx
  [cls]=ch_ppocr_mobile_v2.0_cls_infer.onnx
)
declare -A SHAPE=([det]=1,3,640,640 [rec]=1,3,48,320 [cls]=1,3,48,192)
# Variants: name and quantc flags.
ALL_VARIANTS=(
  "w8a8-minmax|--recipe w8a8 --act-method minmax"
  "w8a8-percentile|--recipe w8a8 --act-method percentile"
  "w8a8-entropy|--recipe w8a8 --act-method entropy"
  "w8a8-mse|--recipe w8a8 --act-method mse"
  "w8a8|--recipe w8a8"
  "w8a8-gptq|--recipe w8a8 --algorithm gptq"
  "w8a8-gptq-minmax|--recipe w8a8 --algorithm gptq --act-method minmax"
  "w8a8-eqrt|--recipe w8a8 --equalize-runtime"
  "w8a8-minmax-eqrt|--recipe w8a8 --act-method minmax --equalize-runtime"
  "w8a8-keep8|--recipe w8a8 --keep-float=8"
  "w4a16-rtn|--recipe w4a16 --algorithm rtn"
  "w4a16-gptq|--recipe w4a16 --algorithm gptq"
  "w4a8|--recipe w4a8"
)
MODELS=(${MODELS:-det rec cls})
WANT=(${VARIANTS:-w8a8-minmax w8a8-percentile w8a8-entropy w8a8-mse w8a8-gptq w8a8-eqrt w8a8-minmax-eqrt w8a8-keep8})
VARIANTS=()
for w in "${WANT[@]}"; do
  found=
  for v in "${ALL_VARIANTS[@]}"; do
    [[ ${v%%|*} == "$w" ]] && { VARIANTS+=("$v"); found=1; }
  done
  [[ -n $found ]] || { echo "ppocr.sh: error: unknown variant '$w'" >&2; exit 1; }
done

run() { echo "+ $*" >&2; "$@"; }
# The sample sets: the test samples and the held-out ones (drawn like the
# calibration samples, never calibrated on).
SETS=(test heldout)
declare -A SETDIR=([test]=inputs [heldout]=heldout)
evaluate() { # MODEL MLIR NAME: quant-run on the model's test and held-out samples
  local set dir
  for set in "${SETS[@]}"; do
    for dir in "$ROOT/models/${SETDIR[$set]}/$1"/*/; do
      run "$BIN/quant-run" "$2" --reference --inputs "$dir" --outputs "$OUT/$set/$1/$3/$(basename "$dir")" >/dev/null
    done
  done
}

for m in "${MODELS[@]}"; do
  onnx="$ROOT/models/ocr/${MODEL[$m]}"
  [[ -f "$onnx" ]] || { echo "ppocr.sh: error: $onnx missing (scripts/fetch-models.sh)" >&2; exit 1; }
  [[ -d "$ROOT/models/heldout/$m" ]] || { echo "ppocr.sh: error: models/heldout/$m missing (scripts/make-inputs.py)" >&2; exit 1; }
  run "$BIN/quantc" import "$onnx" --input-shape "x=${SHAPE[$m]}" -o "$OUT/$m.fp32.mlir"
  evaluate "$m" "$OUT/$m.fp32.mlir" fp32
  for v in "${VARIANTS[@]}"; do
    name=${v%%|*}; flags=${v#*|}
    # shellcheck disable=SC2086
    run "$BIN/quantc" "$onnx" --input-shape "x=${SHAPE[$m]}" $flags --calib "$CALIB/$m" \
      --emit=quantized -o "$OUT/$m.$name.mlir" --report "$OUT/$m.$name"
    evaluate "$m" "$OUT/$m.$name.mlir" "$name"
  done
done

"$PY" - "$OUT" "$ROOT" "${MODELS[@]}" -- "${WANT[@]}" <<'PY'
import glob, json, os, re, subprocess, sys
import numpy as np
out, root = sys.argv[1:3]
sep = sys.argv.index("--")
models, wanted = sys.argv[3:sep], sys.argv[sep + 1:]
compare = os.path.join(root, "scripts", "compare-npy.py")
def measure(m, name, sample_set):
    """(min SQNR, mean SQNR, mean agreement) of variant `name` against f32 on one sample set."""
    base = os.path.join(out, sample_set, m)
    sqnrs, agrees = [], []
    for ref in sorted(glob.glob(os.path.join(base, "fp32", "*", "*.npy"))):
        s = os.path.basename(os.path.dirname(ref))
        a = os.path.join(base, name, s, os.path.basename(ref))
        r = subprocess.run([sys.executable, compare, a, ref, "--min-sqnr", "-1000"],
                           capture_output=True, text=True)
        t = r.stdout
        mm = re.search(r"sqnr\s+(\S+) dB", t)
        sqnrs.append(float(mm.group(1)))
        if m == "det":
            # Pixels on the same side of DBPostProcess's threshold.
            agrees.append(float(np.mean((np.load(a) > 0.3) == (np.load(ref) > 0.3))))
            continue
        ma = re.search(r"argmax\s+([0-9.]+)%", t)
        if ma:
            agrees.append(float(ma.group(1)) / 100)
    return min(sqnrs), sum(sqnrs) / len(sqnrs), (sum(agrees) / len(agrees)) if agrees else None

rows = []
for m in models:
    for name in wanted:
        with open(os.path.join(out, f"{m}.{name}.json")) as f:
            rep = json.load(f)
        calib = rep["outputs"][0]["sqnr_db"] if rep["outputs"] else None
        rows.append((m, name, measure(m, name, "test"), measure(m, name, "heldout"), calib))
fmt = lambda v, spec: "-" if v is None else format(v, spec)
lines = ["| model | variant | test SQNR min (dB) | test SQNR mean (dB) | test agreement | "
         "held-out SQNR min (dB) | held-out SQNR mean (dB) | held-out agreement | calib-set SQNR (dB) |",
         "|---|---|---|---|---|---|---|---|---|"]
for m, name, test, held, calib in rows:
    cells = [m, name]
    for mn, mean, ag in (test, held):
        cells += [fmt(mn, ".1f"), fmt(mean, ".1f"), fmt(ag, ".4f")]
    cells.append(fmt(calib, ".1f"))
    lines.append("| " + " | ".join(cells) + " |")
text = "\n".join(lines) + "\n"
print(text)
with open(os.path.join(out, "summary.md"), "w") as f:
    f.write(text)
PY
