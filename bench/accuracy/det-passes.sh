#!/usr/bin/env bash
# Which pass gets the W8A8 PP-OCRv4 detector where: the W8A8 recipe built up
# one step at a time, from the plainest min-max quantization to the best
# variant of docs/accuracy.md, each measured with the reference evaluator
# and, exported as a QDQ ONNX model, with ONNX Runtime.
#
#   bench/accuracy/det-passes.sh [BUILD_DIR] [OUT_DIR]
#
# Steps (quant-opt --qc-w8a8-pipeline; int8 per-channel symmetric weights,
# u8 per-tensor activations throughout):
#   minmax       activation ranges min-max, nothing else
#   percentile   + 99.999th-percentile ranges (the recipe's default)
#   equalize     + qc-equalize-channels (cross-layer equalization)
#   biascorr     + empirical bias correction (= quantc --recipe w8a8)
#   gptq         + GPTQ weight rounding
#   blank        + a blank white page in the calibration set
# Each is evaluated on the test page (models/inputs/det) and the held-out
# pages (models/heldout/det): output SQNR of the probability map against
# f32 and the share of its pixels on the same side of 0.3 as in f32. The
# ONNX Runtime columns run `quantc --emit=onnx-qdq` of the same graph with
# bench/ort/run.js (skipped with a note when ONNX Runtime is not installed:
# scripts/fetch-models.sh installs it).
# Prints a Markdown table (also OUT/det-passes.md). About 2 minutes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
OUT="${2:-$ROOT/build/accuracy}/det-passes"
BIN="$BUILD/bin"
PY=/usr/bin/python3
ONNX="$ROOT/models/ocr/ch_PP-OCRv4_det_infer.onnx"
for tool in quantc quant-opt quant-run; do
  [[ -x "$BIN/$tool" ]] || { echo "det-passes.sh: error: $BIN/$tool not found (build it first)" >&2; exit 1; }
done
[[ -f "$ONNX" ]] || { echo "det-passes.sh: error: $ONNX missing (scripts/fetch-models.sh)" >&2; exit 1; }
for d in calib inputs heldout; do
  [[ -d "$ROOT/models/$d/det" ]] || { echo "det-passes.sh: error: models/$d/det missing (scripts/make-inputs.py)" >&2; exit 1; }
done
ORT=1
[[ -d "$ROOT/bench/ort/node_modules/onnxruntime-node" ]] && command -v node >/dev/null || ORT=0
rm -rf "$OUT"; mkdir -p "$OUT"

run() { echo "+ $*" >&2; "$@"; }

# The calibration set with a blank white page: the detector's normalisation
# of RGB 255 everywhere.
mkdir -p "$OUT/calib-blank/blank"
for s in "$ROOT/models/calib/det"/*/; do ln -s "$s" "$OUT/calib-blank/$(basename "$s")"; done
"$PY" -c "import numpy as n, sys; m=n.array([.485,.456,.406],n.float32); s=n.array([.229,.224,.225],n.float32); \
n.save(sys.argv[1], n.broadcast_to(((1-m)/s).reshape(1,3,1,1),(1,3,640,640)).astype(n.float32))" "$OUT/calib-blank/blank/x.npy"

C="$ROOT/models/calib/det"
STEPS=(
  "minmax|calib=$C act-method=minmax equalize=false bias-correction=false"
  "percentile|calib=$C equalize=false bias-correction=false"
  "equalize|calib=$C bias-correction=false"
  "biascorr|calib=$C"
  "gptq|calib=$C algorithm=gptq"
  "blank|calib=$OUT/calib-blank algorithm=gptq"
)

samples() { echo "$ROOT/models/inputs/det/page"; ls -d "$ROOT/models/heldout/det"/*/; }
evaluate() { # NAME MLIR [ONNX]
  local s
  for s in $(samples); do
    "$BIN/quant-run" "$2" --reference --inputs "$s" --outputs "$OUT/out/$1/$(basename "$s")" >/dev/null
    if [[ -n ${3:-} ]]; then
      node "$ROOT/bench/ort/run.js" "$3" --inputs "$s" --outputs "$OUT/ort/$1/$(basename "$s")" 2>/dev/null
    fi
  done
}

run "$BIN/quantc" import "$ONNX" --input-shape x=1,3,640,640 -o "$OUT/fp32.mlir"
evaluate fp32 "$OUT/fp32.mlir"
for step in "${STEPS[@]}"; do
  name=${step%%|*}
  run "$BIN/quant-opt" "$OUT/fp32.mlir" --qc-w8a8-pipeline="${step#*|}" -o "$OUT/$name.mlir"
  onnx=
  if [[ $ORT == 1 ]]; then
    run "$BIN/quantc" "$OUT/$name.mlir" --emit=onnx-qdq -o "$OUT/$name.onnx"
    onnx="$OUT/$name.onnx"
  fi
  evaluate "$name" "$OUT/$name.mlir" "$onnx"
done

"$PY" - "$OUT" "$ORT" "${STEPS[@]%%|*}" <<'PY'
import glob, os, sys
import numpy as np
out, ort, steps = sys.argv[1], sys.argv[2] == "1", sys.argv[3:]
NAME = "sigmoid_0.tmp_0.npy"
DESC = {
    "minmax": "min-max ranges, per-channel int8 weights (RTN), nothing else",
    "percentile": "+ 99.999th-percentile ranges",
    "equalize": "+ qc-equalize-channels",
    "biascorr": "+ bias correction (`quantc --recipe w8a8`)",
    "gptq": "+ GPTQ rounding (`--algorithm gptq`)",
    "blank": "+ a blank page in the calibration set",
}
def sqnr(a, r):
    e = float(np.sum((a.astype(np.float64) - r) ** 2))
    return float("inf") if e == 0 else 10 * np.log10(float(np.sum(r.astype(np.float64) ** 2)) / e)
def metrics(kind, name):
    """(test SQNR, test agreement, held-out min, held-out mean, held-out agreement)."""
    res = {}
    for ref in sorted(glob.glob(os.path.join(out, "out", "fp32", "*", NAME))):
        s = os.path.basename(os.path.dirname(ref))
        a = np.load(os.path.join(out, kind, name, s, NAME))
        r = np.load(ref)
        res[s] = (sqnr(a, r), float(np.mean((a > 0.3) == (r > 0.3))))
    held = [v for s, v in res.items() if s != "page"]
    return (res["page"][0], res["page"][1], min(v[0] for v in held),
            sum(v[0] for v in held) / len(held), sum(v[1] for v in held) / len(held))
head = ("| step | passes | test SQNR (dB) | test agreement | held-out SQNR min / mean (dB) | held-out agreement |"
        + (" ORT test SQNR (dB) | ORT held-out mean (dB) |" if ort else ""))
lines = [head, "|---" * head.count(" | ") + "|---|"]
for name in steps:
    t, ta, hmin, hmean, ha = metrics("out", name)
    row = f"| {name} | {DESC[name]} | {t:.1f} | {ta:.4f} | {hmin:.1f} / {hmean:.1f} | {ha:.4f} |"
    if ort:
        ot, _, _, ohmean, _ = metrics("ort", name)
        row += f" {ot:.1f} | {ohmean:.1f} |"
    lines.append(row)
if not ort:
    lines += ["", "(ONNX Runtime not installed: scripts/fetch-models.sh; its columns are left out.)"]
text = "\n".join(lines) + "\n"
print(text)
with open(os.path.join(out, "det-passes.md"), "w") as f:
    f.write(text)
PY
