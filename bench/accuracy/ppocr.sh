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
#      output SQNR, and argmax agreement for rec (per time step) and cls.
# Prints one table (also written to OUT/summary.md). Needs the models
# (scripts/fetch-models.sh), the inputs (scripts/make-inputs.py) and
# /usr/bin/python3 with numpy.
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
VARIANTS=(
  "w8a8-minmax|--recipe w8a8 --act-method minmax"
  "w8a8-percentile|--recipe w8a8 --act-method percentile"
  "w8a8-entropy|--recipe w8a8 --act-method entropy"
  "w8a8-mse|--recipe w8a8 --act-method mse"
  "w8a8|--recipe w8a8"
  "w4a16-rtn|--recipe w4a16 --algorithm rtn"
  "w4a16-gptq|--recipe w4a16 --algorithm gptq"
  "w4a8|--recipe w4a8"
)

run() { echo "+ $*" >&2; "$@"; }

for m in det rec cls; do
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

"$PY" - "$OUT" "$ROOT" <<'PY'
import glob, json, os, re, subprocess, sys
out, root = sys.argv[1:3]
compare = os.path.join(root, "scripts", "compare-npy.py")
rows = []
for m in ("det", "rec", "cls"):
    base = os.path.join(out, "out", m)
    for name in sorted(d for d in os.listdir(base) if d != "fp32"):
        sqnrs, agrees = [], []
        for ref in sorted(glob.glob(os.path.join(base, "fp32", "*", "*.npy"))):
            s = os.path.basename(os.path.dirname(ref))
            a = os.path.join(base, name, s, os.path.basename(ref))
            r = subprocess.run([sys.executable, compare, a, ref, "--min-sqnr", "-1000"],
                               capture_output=True, text=True)
            t = r.stdout
            mm = re.search(r"sqnr\s+(\S+) dB", t)
            sqnrs.append(float(mm.group(1)))
            ma = re.search(r"argmax\s+([0-9.]+)%", t)
            if ma:
                agrees.append(float(ma.group(1)) / 100)
        with open(os.path.join(out, f"{m}.{name}.json")) as f:
            rep = json.load(f)
        calib = rep["outputs"][0]["sqnr_db"] if rep["outputs"] else None
        rows.append((m, name, min(sqnrs), sum(sqnrs) / len(sqnrs),
                     (sum(agrees) / len(agrees)) if agrees else None, calib))
lines = ["| model | variant | test SQNR min (dB) | test SQNR mean (dB) | argmax agreement | calib-set SQNR (dB) |",
         "|---|---|---|---|---|---|"]
for m, name, mn, mean, ag, calib in rows:
    lines.append(f"| {m} | {name} | {mn:.1f} | {mean:.1f} | "
                 f"{'-' if ag is None else f'{ag:.4f}'} | {'-' if calib is None else f'{calib:.1f}'} |")
text = "\n".join(lines) + "\n"
print(text)
with open(os.path.join(out, "summary.md"), "w") as f:
    f.write(text)
PY
