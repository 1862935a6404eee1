#!/usr/bin/env bash
# Accuracy of quantc's quantization recipes and outlier passes on the small
# pre-LayerNorm transformer (scripts/transformer/train.py), measured with the
# reference evaluator (no code generation involved).
#
#   bench/accuracy/transformer.sh [BUILD_DIR] [OUT_DIR]
#
# Environment: MODEL_DIR (default models/transformer: model.onnx, calib/,
# eval/, eval-targets.npy as train.py writes them), N_EVAL (evaluation
# windows used, the first N of eval/, default 64 = all), JOBS (parallel
# quant-run processes, default 1).
#
#   1. quantc import                     -> W/fp32.mlir
#   2. quant-opt: the f32 graph after qc-fuse-rotations, after
#      qc-rearrange-outlier-channels (block 32), after both (rotation first),
#      after qc-smooth; each checked against fp32 on the evaluation set.
#   3. the quantized variants: quantc --recipe ... --report (per-layer SQNR
#      on the calibration set) where a recipe expresses them, else quant-opt
#      qc-quantize with the recipe's settings but weight group 32, and
#      block-4-bit activations (qc-fake-quantize-activations, block 32)
#      alone and before int4 g32 GPTQ weights (W4A4);
#      qc-quantize report-errors=true gives each layer's relative output
#      error (tr(dW H dW^T) / tr(W H W^T)) for RTN and GPTQ.
#   4. quant-run --reference on the evaluation windows, scored with
#      scripts/transformer/score.py against the targets and the fp32 logits:
#      next-symbol accuracy, cross-entropy, argmax agreement, logits SQNR.
#   5. qc-act-quant-error on the f32 graphs: SQNR of each matmul input under
#      u8 per-tensor (a8) and 4-bit per-block-of-32 (b4) quantization.
# Prints Markdown tables (also written to OUT/transformer.md); the work files
# are in OUT/transformer/. Needs /usr/bin/python3 with numpy.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
OUT="${2:-$ROOT/build/accuracy}"
MODEL_DIR="${MODEL_DIR:-$ROOT/models/transformer}"
N_EVAL="${N_EVAL:-64}"
JOBS="${JOBS:-1}"
BIN="$BUILD/bin"
PY=/usr/bin/python3
W="$OUT/transformer"
for tool in quantc quant-opt quant-run qc-act-quant-error; do
  [[ -x "$BIN/$tool" ]] || { echo "transformer.sh: error: $BIN/$tool not found (build it first)" >&2; exit 1; }
done
for f in model.onnx calib eval eval-targets.npy; do
  [[ -e "$MODEL_DIR/$f" ]] || { echo "transformer.sh: error: $MODEL_DIR/$f missing (scripts/transformer/train.py)" >&2; exit 1; }
done
START=$(date +%s)
mkdir -p "$W"
CALIB="$MODEL_DIR/calib"

run() { echo "+ $*" >&2; "$@"; }

# The evaluation subset: the first N_EVAL windows and their targets.
rm -rf "$W/eval"; mkdir -p "$W/eval"
"$PY" - "$MODEL_DIR" "$W" "$N_EVAL" <<'PY'
import os, sys
import numpy as np
model, w, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
t = np.load(os.path.join(model, "eval-targets.npy"))
n = min(n, len(t))
np.save(os.path.join(w, "eval-targets.npy"), t[:n])
for i in range(n):
    os.symlink(os.path.join(model, "eval", f"{i:03d}"), os.path.join(w, "eval", f"{i:03d}"))
PY

# evaluate NAME MLIR: reference outputs of every evaluation window.
evaluate() {
  local name=$1 mlir=$2
  rm -rf "$W/out/$name"
  echo "+ quant-run $mlir --reference on $(ls "$W/eval" | wc -l) windows -> $W/out/$name" >&2
  ls "$W/eval" | xargs -P "$JOBS" -I{} "$BIN/quant-run" "$mlir" --reference --num-threads 1 \
    --inputs "$W/eval/{}" --outputs "$W/out/$name/{}" >/dev/null
}

# 1-2. f32 graphs.
run "$BIN/quantc" import "$MODEL_DIR/model.onnx" -o "$W/fp32.mlir"
PREP="qc-fold-constants,canonicalize"
ROT="qc-fuse-rotations"
REA="qc-rearrange-outlier-channels{calib=$CALIB block-size=32}"
SMOOTH="qc-smooth{calib=$CALIB alpha=0.5}"
declare -A F32=(
  [rot]="$PREP,$ROT"
  [rea32]="$PREP,$REA"
  [rot-rea32]="$PREP,$ROT,$REA"
  [smooth]="$PREP,$SMOOTH"
)
F32_ORDER=(rot rea32 rot-rea32 smooth)
evaluate fp32 "$W/fp32.mlir"
for g in "${F32_ORDER[@]}"; do
  run "$BIN/quant-opt" "$W/fp32.mlir" --pass-pipeline="builtin.module(func.func(${F32[$g]}))" \
    -o "$W/$g.f32.mlir" 2> "$W/$g.f32.log" || { cat "$W/$g.f32.log" >&2; exit 1; }
  evaluate "$g.f32" "$W/$g.f32.mlir"
done

# 3. Quantized variants. name|f32 graph|how: "recipe FLAGS" (quantc),
# "opt QC-QUANTIZE-OPTIONS" (quant-opt), or "fq [QC-QUANTIZE-OPTIONS]"
# (quant-opt: qc-fake-quantize-activations, then qc-quantize if given).
FQ="qc-fake-quantize-activations{bits=4 block-size=32 remarks=false}"
Q4="weight-bits=4 weight-granularity=group group-fallback=true act-percentile=99.999 bias-correction=true calib=$CALIB report-errors=true"
VARIANTS=(
  "w8a8|fp32|recipe --recipe w8a8"
  "w8a8+smooth|smooth|recipe --recipe w8a8"
  "w8a8+rot|rot|recipe --recipe w8a8"
  "w4a16-rtn|fp32|recipe --recipe w4a16 --algorithm rtn"
  "w4a16-gptq|fp32|recipe --recipe w4a16 --algorithm gptq"
  "w4a8|fp32|recipe --recipe w4a8"
  "w4a8+rot|rot|recipe --recipe w4a8"
  "w4a8-rtn|fp32|recipe --recipe w4a8 --algorithm rtn"
  "w4a8-rtn+rot|rot|recipe --recipe w4a8 --algorithm rtn"
  "w4a8+smooth|smooth|recipe --recipe w4a8"
  "w4a8-g32|fp32|opt $Q4 group-size=32 algorithm=gptq act-bits=8"
  "w4a8-g32+rea32|rea32|opt $Q4 group-size=32 algorithm=gptq act-bits=8"
  "w4a8-g32+rot|rot|opt $Q4 group-size=32 algorithm=gptq act-bits=8"
  "w4a8-g32+rot+rea32|rot-rea32|opt $Q4 group-size=32 algorithm=gptq act-bits=8"
  "w4a16-g32-rtn|fp32|opt $Q4 group-size=32 algorithm=rtn act-bits=0"
  "w4a16-g32-rtn+rea32|rea32|opt $Q4 group-size=32 algorithm=rtn act-bits=0"
  # Block-4-bit activations (qc-fake-quantize-activations: int4 [-7, 7], one
  # dynamic scale per 32 input channels) with f32 weights, then with int4
  # g32 GPTQ weights (W4A4), on each f32 graph.
  "a4b32|fp32|fq"
  "a4b32+rot|rot|fq"
  "a4b32+rea32|rea32|fq"
  "a4b32+rot+rea32|rot-rea32|fq"
  "w4a4b32|fp32|fq $Q4 group-size=32 algorithm=gptq act-bits=0"
  "w4a4b32+rot|rot|fq $Q4 group-size=32 algorithm=gptq act-bits=0"
  "w4a4b32+rea32|rea32|fq $Q4 group-size=32 algorithm=gptq act-bits=0"
  "w4a4b32+rot+rea32|rot-rea32|fq $Q4 group-size=32 algorithm=gptq act-bits=0"
  # Mixed precision (weight-only, g128, GPTQ): uniform 8 bits with the same
  # settings, then qc-assign-precision at several budgets, with the
  # recipe's widths {4, 8} and with {4, 5, 6, 8}.
  "w8a16-gptq|fp32|opt ${Q4/weight-bits=4/weight-bits=8} group-size=128 algorithm=gptq act-bits=0"
  "mixed-4.5|fp32|recipe --recipe mixed --avg-bits 4.5"
  "mixed-5|fp32|recipe --recipe mixed --avg-bits 5"
  "mixed-6|fp32|recipe --recipe mixed --avg-bits 6"
  "mixed-4.5-4568|fp32|recipe --recipe mixed --avg-bits 4.5 --mixed-bits 4,5,6,8"
  "mixed-5-4568|fp32|recipe --recipe mixed --avg-bits 5 --mixed-bits 4,5,6,8"
)
# The per-layer relative errors of RTN and GPTQ for the W4A16 g128 recipe
# (same settings as the recipe; the graph is not evaluated).
run "$BIN/quant-opt" "$W/fp32.mlir" \
  --pass-pipeline="builtin.module(func.func($PREP,qc-quantize{$Q4 group-size=128 algorithm=gptq act-bits=0}))" \
  -o /dev/null 2> "$W/w4a16-g128-errors.log"
for v in "${VARIANTS[@]}"; do
  IFS='|' read -r name graph how <<< "$v"
  src="$W/$graph.mlir"; [[ $graph == fp32 ]] || src="$W/$graph.f32.mlir"
  rm -f "$W/$name.json" "$W/$name.log"
  case $how in
    recipe*)
      # shellcheck disable=SC2086
      run "$BIN/quantc" "$src" ${how#recipe } --calib "$CALIB" --emit=quantized \
        -o "$W/$name.mlir" --report "$W/$name" 2> "$W/$name.log" || { cat "$W/$name.log" >&2; exit 1; } ;;
    opt*)
      run "$BIN/quant-opt" "$src" --pass-pipeline="builtin.module(func.func($PREP,qc-quantize{${how#opt }}))" \
        -o "$W/$name.mlir" 2> "$W/$name.log" || { cat "$W/$name.log" >&2; exit 1; } ;;
    fq*)
      # Block-rounded layer inputs first, so that GPTQ's Hessian sees them.
      opts=${how#fq}; opts=${opts# }
      pipe="$PREP,$FQ"; [[ -z $opts ]] || pipe="$pipe,qc-quantize{$opts}"
      run "$BIN/quant-opt" "$src" --pass-pipeline="builtin.module(func.func($pipe))" \
        -o "$W/$name.mlir" 2> "$W/$name.log" || { cat "$W/$name.log" >&2; exit 1; } ;;
  esac
  evaluate "$name" "$W/$name.mlir"
done

# 5. Activation quantizability of the f32 graphs.
for g in fp32 "${F32_ORDER[@]}"; do
  src="$W/$g.mlir"; [[ $g == fp32 ]] || src="$W/$g.f32.mlir"
  run "$BIN/qc-act-quant-error" "$src" --calib "$CALIB" --samples "$W/eval" --block 32 \
    --json "$W/$g.aqe.json" > "$W/$g.aqe.txt"
done

END=$(date +%s)
"$PY" - "$W" "$OUT" "$ROOT" "$MODEL_DIR" "$((END - START))" "${VARIANTS[@]}" <<'PY'
import json, math, os, re, subprocess, sys
w, out, root, model_dir, secs = sys.argv[1:6]
variants = [v.split("|") for v in sys.argv[6:]]
score = os.path.join(root, "scripts", "transformer", "score.py")
targets = os.path.join(w, "eval-targets.npy")

def scored(name):
    r = subprocess.run([sys.executable, score, os.path.join(w, "out", name),
                        "--targets", targets, "--reference",
                        os.path.join(w, "out", "fp32"), "--json"],
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout)

def report(name):
    p = os.path.join(w, name + ".json")
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)

def rel_errors(log):
    """(rtn, gptq-or-None) relative output errors, one per quantized layer."""
    errs = []
    with open(log) as f:
        for line in f:
            m = re.search(r"relative output error: rtn ([0-9.e+-]+)(?:, gptq ([0-9.e+-]+))?", line)
            if m:
                errs.append((float(m.group(1)), float(m.group(2)) if m.group(2) else None))
    return errs

# The 17 weight matmuls in graph order (the imported .mlir has no ONNX names).
LAYERS = [f"blocks.{i // 4}.{('qkv', 'proj', 'up', 'down')[i % 4]}" for i in range(16)] + ["head"]
db = lambda e: -10 * math.log10(e) if e > 0 else float("inf")
fmt = lambda x, p=1: "-" if x is None else f"{x:.{p}f}"
lines = []
n_pos = None

# Table 1: end to end.
fp = scored("fp32")
n_pos = fp["positions"]
desc = {
    "w8a8": ("int8 per channel", "u8 per tensor", "-"),
    "w8a8+smooth": ("int8 per channel", "u8 per tensor", "qc-smooth alpha 0.5"),
    "w8a8+rot": ("int8 per channel", "u8 per tensor", "qc-fuse-rotations"),
    "w4a16-rtn": ("int4 g128 RTN", "f32", "-"),
    "w4a16-gptq": ("int4 g128 GPTQ", "f32", "-"),
    "w4a8": ("int4 g128 GPTQ", "u8 per tensor", "-"),
    "w4a8+rot": ("int4 g128 GPTQ", "u8 per tensor", "qc-fuse-rotations"),
    "w4a8-rtn": ("int4 g128 RTN", "u8 per tensor", "-"),
    "w4a8-rtn+rot": ("int4 g128 RTN", "u8 per tensor", "qc-fuse-rotations"),
    "w4a8+smooth": ("int4 g128 GPTQ", "u8 per tensor", "qc-smooth alpha 0.5"),
    "w4a8-g32": ("int4 g32 GPTQ", "u8 per tensor", "-"),
    "w4a8-g32+rea32": ("int4 g32 GPTQ", "u8 per tensor", "qc-rearrange-outlier-channels (block 32)"),
    "w4a8-g32+rot": ("int4 g32 GPTQ", "u8 per tensor", "qc-fuse-rotations"),
    "w4a8-g32+rot+rea32": ("int4 g32 GPTQ", "u8 per tensor", "qc-fuse-rotations, qc-rearrange-outlier-channels (block 32)"),
    "w4a16-g32-rtn": ("int4 g32 RTN", "f32", "-"),
    "w4a16-g32-rtn+rea32": ("int4 g32 RTN", "f32", "qc-rearrange-outlier-channels (block 32)"),
    "w8a16-gptq": ("int8 g128 GPTQ", "f32", "-"),
    "a4b32": ("f32", "int4 block 32 (dynamic)", "-"),
    "a4b32+rot": ("f32", "int4 block 32 (dynamic)", "qc-fuse-rotations"),
    "a4b32+rea32": ("f32", "int4 block 32 (dynamic)", "qc-rearrange-outlier-channels (block 32)"),
    "a4b32+rot+rea32": ("f32", "int4 block 32 (dynamic)", "qc-fuse-rotations, qc-rearrange-outlier-channels (block 32)"),
    "w4a4b32": ("int4 g32 GPTQ", "int4 block 32 (dynamic)", "-"),
    "w4a4b32+rot": ("int4 g32 GPTQ", "int4 block 32 (dynamic)", "qc-fuse-rotations"),
    "w4a4b32+rea32": ("int4 g32 GPTQ", "int4 block 32 (dynamic)", "qc-rearrange-outlier-channels (block 32)"),
    "w4a4b32+rot+rea32": ("int4 g32 GPTQ", "int4 block 32 (dynamic)", "qc-fuse-rotations, qc-rearrange-outlier-channels (block 32)"),
    "mixed-4.5": ("{4, 8} g128 GPTQ, avg 4.5", "f32", "qc-assign-precision"),
    "mixed-5": ("{4, 8} g128 GPTQ, avg 5", "f32", "qc-assign-precision"),
    "mixed-6": ("{4, 8} g128 GPTQ, avg 6", "f32", "qc-assign-precision"),
    "mixed-4.5-4568": ("{4, 5, 6, 8} g128 GPTQ, avg 4.5", "f32", "qc-assign-precision"),
    "mixed-5-4568": ("{4, 5, 6, 8} g128 GPTQ, avg 5", "f32", "qc-assign-precision"),
}
lines += [f"Evaluation: {n_pos} positions ({n_pos // 128} held-out windows of 128 symbols), "
          "reference evaluator. Logits SQNR and argmax agreement are against the fp32 graph; "
          "calib SQNR is the output SQNR of `quantc --report` on the calibration set; "
          "layer error is the mean over the quantized layers of the isolated output error "
          "`-10 log10(tr(dW H dW^T) / tr(W H W^T))` of the chosen algorithm (qc-quantize report-errors).",
          "",
          "| variant | weights | activations | passes | logits SQNR (dB) | argmax agreement | accuracy | cross-entropy (nats) | calib SQNR (dB) | layer error (dB) |",
          "|---|---|---|---|---|---|---|---|---|---|",
          f"| fp32 | f32 | f32 | - | - | - | {fp['accuracy']:.4f} | {fp['cross_entropy']:.4f} | - | - |"]
results = {"fp32": fp}
for name, graph, how in variants:
    s = scored(name)
    results[name] = s
    rep = report(name)
    calib = rep["outputs"][0]["sqnr_db"] if rep and rep.get("outputs") else None
    errs = rel_errors(os.path.join(w, name + ".log"))
    gptq = "algorithm=gptq" in how or ("--algorithm rtn" not in how and "w4" in name and "recipe" in how)
    le = None
    if errs:
        vals = [db(g if (gptq and g is not None) else r) for r, g in errs]
        le = sum(vals) / len(vals)
    wt, act, passes = desc.get(name, ("?", "?", "?"))
    lines.append(f"| {name} | {wt} | {act} | {passes} | {s['sqnr_db']:.1f} | {s['argmax_agreement']:.4f} | "
                 f"{s['accuracy']:.4f} | {s['cross_entropy']:.4f} | {fmt(calib)} | {fmt(le)} |")
lines.append("")

# Table 1b: the outlier passes under block-4-bit activations.
lines += ["Block-4-bit activations (qc-fake-quantize-activations: int4 [-7, 7], one dynamic scale "
          "per 32 input channels of every weight matmul), with f32 weights (a4b32) and with int4 "
          "g32 GPTQ weights (w4a4b32), on each f32 graph; \"CE gap closed\" is the share of the "
          "cross-entropy increase over fp32 that the passes remove:", "",
          "| f32 graph | a4b32 logits SQNR (dB) | a4b32 argmax | a4b32 cross-entropy | w4a4b32 logits SQNR (dB) | w4a4b32 argmax | w4a4b32 cross-entropy | w4a4b32 CE gap closed |",
          "|---|---|---|---|---|---|---|---|"]
base = results.get("w4a4b32")
for g, suffix in (("fp32", ""), ("rot", "+rot"), ("rea32", "+rea32"), ("rot-rea32", "+rot+rea32")):
    a, q = results.get("a4b32" + suffix), results.get("w4a4b32" + suffix)
    if not a or not q or not base:
        continue
    gap = (base["cross_entropy"] - q["cross_entropy"]) / (base["cross_entropy"] - fp["cross_entropy"])
    lines.append(f"| {g} | {a['sqnr_db']:.1f} | {a['argmax_agreement']:.4f} | {a['cross_entropy']:.4f} | "
                 f"{q['sqnr_db']:.1f} | {q['argmax_agreement']:.4f} | {q['cross_entropy']:.4f} | {100 * gap:.0f}% |")
lines.append("")

# Table 2: f32 graphs after the passes (must be unchanged).
lines += ["The f32 graph after each pass, against the original (same evaluation windows):", "",
          "| f32 graph | logits SQNR (dB) | argmax agreement | accuracy | cross-entropy |",
          "|---|---|---|---|---|"]
for g in ("rot", "rea32", "rot-rea32", "smooth"):
    s = scored(g + ".f32")
    lines.append(f"| {g} | {s['sqnr_db']:.1f} | {s['argmax_agreement']:.4f} | {s['accuracy']:.4f} | {s['cross_entropy']:.4f} |")
lines.append("")

# Table 3: per layer, W4A16 g128, GPTQ vs RTN.
r_rtn, r_gptq = report("w4a16-rtn"), report("w4a16-gptq")
iso = rel_errors(os.path.join(w, "w4a16-g128-errors.log"))
ql = lambda r: [l for l in r["layers"] if l["weight"] != "f32"]
L_rtn, L_gptq = ql(r_rtn), ql(r_gptq)
lines += ["Per layer, W4A16 (int4, group 128): output SQNR in the quantized graph against f32 on the "
          "calibration set (`--report`, errors of earlier layers included), and the isolated output "
          "error of the layer's own weights, `-10 log10(tr(dW H dW^T) / tr(W H W^T))` (higher is better):", "",
          "| layer | weight | report SQNR RTN | report SQNR GPTQ | isolated RTN | isolated GPTQ |",
          "|---|---|---|---|---|---|"]
wins_rep = wins_iso = 0
for i, (a, b) in enumerate(zip(L_rtn, L_gptq)):
    ir, ig = (db(iso[i][0]), db(iso[i][1])) if i < len(iso) and iso[i][1] is not None else (None, None)
    wins_rep += b["sqnr_db"] > a["sqnr_db"]
    wins_iso += ig is not None and ig > ir
    lines.append(f"| {a['name'] or LAYERS[i]} | {a['weight_shape']} | {a['sqnr_db']:.1f} | {b['sqnr_db']:.1f} | {fmt(ir)} | {fmt(ig)} |")
n = len(L_rtn)
lines += ["", f"GPTQ beats RTN on {wins_rep} of {n} layers (report SQNR) and on {wins_iso} of {n} layers "
          f"(isolated error); final output SQNR on the calibration set: RTN "
          f"{r_rtn['outputs'][0]['sqnr_db']:.1f} dB, GPTQ {r_gptq['outputs'][0]['sqnr_db']:.1f} dB; logits SQNR on "
          f"the evaluation windows: RTN {results['w4a16-rtn']['sqnr_db']:.1f} dB, GPTQ "
          f"{results['w4a16-gptq']['sqnr_db']:.1f} dB.", ""]

# Table 4: activation quantizability.
def aqe(g):
    with open(os.path.join(w, g + ".aqe.json")) as f:
        return json.load(f)
lines += ["Quantizability of the inputs of the 17 weight matmuls (qc-act-quant-error on the evaluation "
          "windows): SQNR of u8 per-tensor quantization with calibrated min/max (a8) and of symmetric "
          "4-bit quantization per block of 32 channels (b4, scale max|x|/7); means over activations, "
          "and over the residual-stream readers (qkv, up, head) and the others (attention output "
          "-> proj, GELU output -> down):", "",
          "| f32 graph | a8 mean (dB) | b4 mean (dB) | b4 residual readers | b4 proj/down inputs | worst b4 | largest ch max/median |",
          "|---|---|---|---|---|---|---|"]
aqe_raw = {}
for g in ("fp32", "rot", "rea32", "rot-rea32", "smooth"):
    j = aqe(g)
    aqe_raw[g] = j
    acts = j["activations"] if isinstance(j, dict) and "activations" in j else j
    b4 = [a["b4_sqnr_db"] for a in acts]
    a8 = [a["a8_sqnr_db"] for a in acts]
    # order: per block qkv, proj, up, down; then head
    resid = [b4[i] for i in range(len(b4)) if i == len(b4) - 1 or i % 4 in (0, 2)]
    other = [b4[i] for i in range(len(b4) - 1) if i % 4 in (1, 3)]
    ratio = max(a["channel_max_over_median"] for a in acts)
    mean = lambda v: sum(v) / len(v)
    lines.append(f"| {g} | {mean(a8):.2f} | {mean(b4):.2f} | {mean(resid):.2f} | {mean(other):.2f} | {min(b4):.2f} | {ratio:.1f} |")
lines.append("")
lines += ["Per activation, b4 SQNR (dB) in each f32 graph (a8 in parentheses), and the largest "
          "per-channel max|x| over the median channel in the original graph:", "",
          "| matmul input | fp32 | rot | rea32 | rot-rea32 | smooth | ch max/median |",
          "|---|---|---|---|---|---|---|"]
acts_of = lambda g: aqe_raw[g]["activations"]
for i in range(len(acts_of("fp32"))):
    row = [f"{acts_of(g)[i]['b4_sqnr_db']:.1f} ({acts_of(g)[i]['a8_sqnr_db']:.1f})"
           for g in ("fp32", "rot", "rea32", "rot-rea32", "smooth")]
    lines.append(f"| {LAYERS[i] if i < len(LAYERS) else i} | " + " | ".join(row) +
                 f" | {acts_of('fp32')[i]['channel_max_over_median']:.1f} |")
lines.append("")

# Per layer isolated errors of the group-32 variants.
g32 = ["w4a8-g32", "w4a8-g32+rea32", "w4a8-g32+rot", "w4a8-g32+rot+rea32",
       "w4a16-g32-rtn", "w4a16-g32-rtn+rea32"]
errs32 = {}
for name in g32:
    e = rel_errors(os.path.join(w, name + ".log"))
    errs32[name] = [db(g if "rtn" not in name else r) for r, g in e]
lines += ["Per layer, isolated output error of the int4 group-32 weights (dB, "
          "`-10 log10(tr(dW H dW^T) / tr(W H W^T))`, H from each graph's own calibration activations):", "",
          "| layer | " + " | ".join(g32) + " |", "|---" * (len(g32) + 1) + "|"]
for i in range(len(errs32[g32[0]])):
    lines.append(f"| {LAYERS[i] if i < len(LAYERS) else i} | " +
                 " | ".join(f"{errs32[n][i]:.1f}" if i < len(errs32[n]) else "-" for n in g32) + " |")
for a, b in (("w4a8-g32", "w4a8-g32+rea32"), ("w4a8-g32+rot", "w4a8-g32+rot+rea32"),
             ("w4a16-g32-rtn", "w4a16-g32-rtn+rea32"), ("w4a8-g32", "w4a8-g32+rot")):
    wins = sum(y > x for x, y in zip(errs32[a], errs32[b]))
    lines.append(f"\n{b} vs {a}: better on {wins} of {len(errs32[a])} layers.")
lines.append("")

# Mixed precision against uniform widths (weight-only, g128, GPTQ).
mixed = [n for n, _, _ in variants if n.startswith("mixed")]
if mixed and "w8a16-gptq" in results:
    lines += ["Mixed precision (`quantc --recipe mixed`, weight-only, group 128, GPTQ, bias correction; "
              "qc-assign-precision chooses each layer's width by its measured output error), between "
              "uniform 4 and 8 bits with the same settings. \"gap closed\" is the share of the dB "
              "between uniform 4 and uniform 8 bits that the mixed assignment recovers:", "",
              "| weights | avg bits used | layers per width | logits SQNR (dB) | gap closed | argmax agreement | cross-entropy (nats) |",
              "|---|---|---|---|---|---|---|"]
    lo, hi = results["w4a16-gptq"]["sqnr_db"], results["w8a16-gptq"]["sqnr_db"]
    def row(label, name, avg, widths):
        s = results[name]
        gap = (s["sqnr_db"] - lo) / (hi - lo) if hi != lo else float("nan")
        lines.append(f"| {label} | {avg} | {widths} | {s['sqnr_db']:.1f} | {100 * gap:.0f}% | "
                     f"{s['argmax_agreement']:.4f} | {s['cross_entropy']:.4f} |")
    row("uniform 4 (w4a16-gptq)", "w4a16-gptq", "4.00", "17 at 4")
    for n in mixed:
        rep = report(n)
        counts = {}
        for l in rep["layers"]:
            if l["bits"]:
                counts[l["bits"]] = counts.get(l["bits"], 0) + 1
        widths = ", ".join(f"{c} at {b}" for b, c in sorted(counts.items()))
        row(f"{desc[n][0]}", n, f"{rep['avg_weight_bits']:.2f}", widths)
    row("uniform 8 (w8a16-gptq)", "w8a16-gptq", "8.00", "17 at 8")
    lines.append("")

# Rearrangement remarks.
lines += ["qc-rearrange-outlier-channels (block 32) remarks:", ""]
for g in ("rea32", "rot-rea32"):
    with open(os.path.join(w, g + ".f32.log")) as f:
        rem = [re.sub(r"^.*?remark: qc-rearrange-outlier-channels: ", "", l.strip())
               for l in f if "qc-rearrange-outlier-channels:" in l]
    perm = [r for r in rem if r.startswith("permuted")]
    lines.append(f"- {g}: {len(perm)} of {len(rem)} consumers permuted" +
                 (f"; e.g. `{perm[0]}`" if perm else ""))
    for r in sorted(set(re.sub(r" at loc\(.*?\)\)", ")", x) for x in rem if not x.startswith("permuted"))):
        lines.append(f"  - not permuted: `{r}`")
lines += ["", f"Total wall time of bench/accuracy/transformer.sh: {int(secs)} s.", ""]

text = "\n".join(lines)
print(text)
with open(os.path.join(out, "transformer.md"), "w") as f:
    f.write(text)
with open(os.path.join(w, "results.json"), "w") as f:
    json.dump(results, f, indent=1)
PY
