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
#   3. quant-run --reference on the test inputs (models/inputs/<m>/*) for the
#      f32 and every quantized graph, and scripts/compare-npy.py against f32:
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

for m in "${MODELS[@]}"; do
  onnx="$ROOT/models/ocr/${MODEL[$m]}"
  [[ -f "$onnx" ]] || { echo "ppocr.sh: error: $onnx missing (scripts/fetch-models.sh)" >&2; exit 1; }
  run "$BIN/quantc" import "$onnx" --input-shape "x=${SHAPE[$m]}" -o "$OUT/$m.fp32.mlir"
  for dir in "$ROOT/models/inputs/$m"/*/; do
    s=$(basename "$dir")
    run "$BIN/quant-run" "$OUT/$m.fp32.mlir" --reference --inputs "$dir" --outputs "$OUT/out/$m/fp32/$s" >/dev/null
  done
  for v in "${VARIANTS[@]}"; do
    name=${v%%|*}; flags=${v#*|}
    # shellcheck disable=SC2086
    run "$BIN/quantc" "$onnx" --input-shape "x=${SHAPE[$m]}" $flags --calib "$ROOT/models/calib/$m" \
      --emit=quantized -o "$OUT/$m.$name.mlir" --report "$OUT/$m.$name"
    for dir in "$ROOT/models/inputs/$m"/*/; do
      s=$(basename "$dir")
      run "$BIN/quant-run" "$OUT/$m.$name.mlir" --reference --inputs "$dir" --outputs "$OUT/out/$m/$name/$s" >/dev/null
    done
  done
done

"$PY" - "$OUT" "$ROOT" "${MODELS[@]}" -- "${WANT[@]}" <<'PY'
import glob, json, os, re, subprocess, sys
import numpy as np
out, root = sys.argv[1:3]
sep = sys.argv.index("--")
models, wanted = sys.argv[3:sep], sys.argv[sep + 1:]
compare = os.path.join(root, "scripts", "compare-npy.py")
rows = []
for m in models:
    base = os.path.join(out, "out", m)
    for name in wanted:
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
        with open(os.path.join(out, f"{m}.{name}.json")) as f:
            rep = json.load(f)
        calib = rep["outputs"][0]["sqnr_db"] if rep["outputs"] else None
        rows.append((m, name, min(sqnrs), sum(sqnrs) / len(sqnrs),
                     (sum(agrees) / len(agrees)) if agrees else None, calib))
lines = ["| model | variant | test SQNR min (dB) | test SQNR mean (dB) | agreement (det: p > 0.3; rec, cls: argmax) | calib-set SQNR (dB) |",
         "|---|---|---|---|---|---|"]
for m, name, mn, mean, ag, calib in rows:
    lines.append(f"| {m} | {name} | {mn:.1f} | {mean:.1f} | "
                 f"{'-' if ag is None else f'{ag:.4f}'} | {'-' if calib is None else f'{calib:.1f}'} |")
text = "\n".join(lines) + "\n"
print(text)
with open(os.path.join(out, "summary.md"), "w") as f:
    f.write(text)
PY
