#!/usr/bin/env bash
# The CUDA target on a real GPU, in two steps (the GPU machine has CUDA,
# PyTorch and numpy, but no MLIR, so everything is compiled here first):
#
#   bench/gpu-check.sh prepare [DIR]   (here; needs a build, the models and
#                                       inputs: scripts/fetch-models.sh,
#                                       scripts/make-inputs.py)
#   bench/gpu-check.sh run [DIR]       (on the GPU machine)
#
# prepare compiles, for --cuda-arch (default sm_90): PP-OCRv4 det, rec and
# PP-OCR cls with the fp32, W8A8 and W4A16 recipes; cls fp32 also for sm_80
# (the driver compiles its PTX on a newer GPU: forward compatibility); and
# the GEMM benchmark models y = x @ W for W of 4096x4096 and 4096x11008,
# batch 1 and 16, with the W4A16 (RTN, group 128) and W8A8 recipes. It
# writes each model's reference outputs (quant-run --reference: the
# evaluator on the same quantized graph) beside its inputs, copies libqrt,
# and compresses the libraries (DIR defaults to build/gpu-check, about 55
# MB).
#
# run checks every model's outputs against the reference (fp32 and W4A16:
# relative error <= 1e-4; W8A8: SQNR >= 30 dB, as scripts/check-compiled-
# ppocr.sh does on the CPU), times each model (bench/gpu/qrt_run.py
# --bench: host to host, through the runtime), and times cuBLAS fp16 and
# cuBLASLt int8 on the same GEMM shapes (bench/gpu/cublas_gemm.py). It
# writes DIR/gpu-check.md and exits 1 if a check fails.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MODE=${1:-}
DIR=${2:-build/gpu-check}
ARCH=${CUDA_ARCH:-sm_90}
ITERS=${ITERS:-50}
declare -A MODEL=([det]=ch_PP-OCRv4_det_infer.onnx [rec]=ch_PP-OCRv4_rec_infer.onnx
                  [cls]=ch_ppocr_mobile_v2.0_cls_infer.onnx)
declare -A SHAPE=([det]=1,3,640,640 [rec]=1,3,48,320 [cls]=1,3,48,192)
GEMMS=("4096 4096" "4096 11008")
BATCHES=(1 16)

prepare() {
  local BIN=build/bin
  for tool in quantc quant-run; do
    [[ -x $BIN/$tool ]] || { echo "gpu-check: error: $BIN/$tool missing (scripts/build.sh)" >&2; exit 1; }
  done
  [[ -d models/inputs/rec ]] || { echo "gpu-check: error: models/inputs missing (scripts/make-inputs.py)" >&2; exit 1; }
  rm -rf "$DIR"
  mkdir -p "$DIR"/{so,mlir,inputs,ref}
  cp -L build/lib/libqrt.so "$DIR/libqrt.so"
  local m r s
  for m in cls rec det; do
    for r in fp32 w8a8 w4a16; do
      local flags=()
      [[ $r == fp32 ]] || flags=(--recipe "$r" --calib "models/calib/$m")
      echo "gpu-check: compiling $m $r for $ARCH" >&2
      $BIN/quantc "models/ocr/${MODEL[$m]}" --input-shape "x=${SHAPE[$m]}" \
        "${flags[@]}" --emit=quantized -o "$DIR/mlir/$m.$r.mlir"
      $BIN/quantc "$DIR/mlir/$m.$r.mlir" --target=cuda --cuda-arch="$ARCH" \
        -o "$DIR/so/$m.$r.so"
      # rec: two samples (its outputs are 1 MB each; the whole folder must
      # stay under the 64 MiB a device call carries).
      local samples=(models/inputs/$m/*/)
      [[ $m != rec ]] || samples=("${samples[@]:0:2}")
      for d in "${samples[@]}"; do
        s=$(basename "$d")
        mkdir -p "$DIR/inputs/$m"
        cp -r "$d" "$DIR/inputs/$m/$s"
        $BIN/quant-run "$DIR/mlir/$m.$r.mlir" --reference --inputs "$d" \
          --outputs "$DIR/ref/$m.$r.$s" >/dev/null
      done
    done
  done
  $BIN/quantc "$DIR/mlir/cls.fp32.mlir" --target=cuda --cuda-arch=sm_80 \
    -o "$DIR/so/cls.fp32-sm_80.so"
  for s in "$DIR"/ref/cls.fp32.*; do
    cp -r "$s" "${s/cls.fp32./cls.fp32-sm_80.}"
  done

  local gemm=$DIR/gemm-src k n b
  for kn in "${GEMMS[@]}"; do
    read -r k n <<<"$kn"
    /usr/bin/python3 bench/gpu/make_gemm.py "$gemm" "$k" "$n" "${BATCHES[@]}"
    for b in "${BATCHES[@]}"; do
      local name=gemm_${k}x${n}_b$b
      mkdir -p "$DIR/inputs/$name"
      cp -r "$gemm/inputs/$name" "$DIR/inputs/$name/x"
      for r in w4a16 w8a8; do
        echo "gpu-check: compiling $name $r for $ARCH" >&2
        $BIN/quantc "$gemm/$name.onnx" --recipe "$r" --algorithm rtn \
          --calib "$gemm/calib/$name" --emit=quantized -o "$DIR/mlir/$name.$r.mlir"
        $BIN/quantc "$DIR/mlir/$name.$r.mlir" --target=cuda --cuda-arch="$ARCH" \
          -o "$DIR/so/$name.$r.so"
        $BIN/quant-run "$DIR/mlir/$name.$r.mlir" --reference \
          --inputs "$DIR/inputs/$name/x" --outputs "$DIR/ref/$name.$r.x" >/dev/null
      done
    done
  done
  rm -rf "$gemm" "$DIR/mlir"
  xz -1 -T2 "$DIR"/so/*.so
  du -sh "$DIR" >&2
}

run() {
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
  local PY=${PYTHON:-python3} fail=0
  "$PY" -c 'import lzma, sys
for f in sys.argv[1:]:
    open(f[:-3], "wb").write(lzma.open(f).read())' "$DIR"/so/*.so.xz
  local md=$DIR/gpu-check.md
  {
    echo "| model | recipe | check against the reference | quantc CUDA median (ms) | p90 (ms) |"
    echo "|---|---|---|---:|---:|"
  } >"$md"
  local so name m r verdict t
  for so in "$DIR"/so/*.so; do
    name=$(basename "$so" .so)
    m=${name%%.*}
    r=${name#*.}
    local first="" total=0 passed=0 worst="" err=""
    for inp in "$DIR"/inputs/$m/*/; do
      local s; s=$(basename "$inp")
      [[ -d $DIR/ref/$name.$s ]] || continue
      [[ -n $first ]] || first=$inp
      total=$((total + 1))
      if ! $PY bench/gpu/qrt_run.py "$DIR/libqrt.so" "$so" --inputs "$inp" \
          --outputs "$DIR/out/$name.$s" 2>"$DIR/err.txt"; then
        err=$(head -c 300 "$DIR/err.txt" | tr '\n' ' ')
        [[ -n $err ]] || err="the runner crashed"
        fail=1
        break
      fi
      # One number per sample, the worst over the outputs: SQNR in dB for
      # W8A8 (higher is better), relative error otherwise.
      verdict=$($PY - "$DIR/out/$name.$s" "$DIR/ref/$name.$s" "$r" <<'PY'
import os, sys, numpy as np
out, ref, recipe = sys.argv[1:4]
vals = []
for f in sorted(os.listdir(ref)):
    a = np.load(os.path.join(out, f)).astype(np.float64)
    b = np.load(os.path.join(ref, f)).astype(np.float64)
    if recipe.startswith("w8a8"):
        vals.append(min(999.0, 10 * np.log10((b ** 2).sum() / max(((a - b) ** 2).sum(), 1e-300))))
    else:
        vals.append(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-30))
if recipe.startswith("w8a8"):
    v = min(vals); print("%s %.1f" % ("ok" if v >= 30 else "FAIL", v))
else:
    v = max(vals); print("%s %.2e" % ("ok" if v <= 1e-4 else "FAIL", v))
PY
) || verdict="FAIL nan"
      [[ $verdict == ok* ]] && passed=$((passed + 1)) || fail=1
      worst+="${verdict#* } "
    done
    local checks
    if [[ -n $err ]]; then
      checks="FAIL: $err"
    elif [[ $r == w8a8* ]]; then
      checks="$passed/$total ok, min SQNR $(tr ' ' '\n' <<<"$worst" | sort -g | grep . | head -1 || true) dB"
    else
      checks="$passed/$total ok, max rel err $(tr ' ' '\n' <<<"$worst" | sort -g | grep . | tail -1 || true)"
    fi
    t=failed
    [[ -n $err ]] || t=$($PY bench/gpu/qrt_run.py "$DIR/libqrt.so" "$so" --inputs "$first" --bench "$ITERS" 2>&1 | tail -1) || t="failed"
    local med p90
    med=$(awk '{print $2}' <<<"$t"); p90=$(awk '{print $5}' <<<"$t")
    echo "| $m | $r | $checks | $med | $p90 |" >>"$md"
  done
  {
    echo
    echo "| GEMM K x N | batch | quantc W4A16 (ms) | quantc W8A8 (ms) | cuBLAS fp16 kernel / host to host (ms) | cuBLASLt int8 kernel / host to host (ms) | cuBLAS fp16 host / quantc W4A16 |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
  } >>"$md"
  local kn k n b
  for kn in "${GEMMS[@]}"; do
    read -r k n <<<"$kn"
    for b in "${BATCHES[@]}"; do
      local nm=gemm_${k}x${n}_b$b q4 q8 base
      q4=$($PY bench/gpu/qrt_run.py "$DIR/libqrt.so" "$DIR/so/$nm.w4a16.so" --inputs "$DIR/inputs/$nm/x" --bench "$ITERS" | awk '{print $2}') || q4=NA
      q8=$($PY bench/gpu/qrt_run.py "$DIR/libqrt.so" "$DIR/so/$nm.w8a8.so" --inputs "$DIR/inputs/$nm/x" --bench "$ITERS" | awk '{print $2}') || q8=NA
      base=$($PY bench/gpu/cublas_gemm.py "$k" "$n" "$b") || base="NA NA NA NA"
      read -r f16k f16h i8k i8h <<<"$base"
      echo "| ${k} x ${n} | $b | $q4 | $q8 | $f16k / $f16h | $i8k / $i8h | $(awk -v a="$f16h" -v b="$q4" 'BEGIN {printf "%.2fx", a / b}') |" >>"$md"
    done
  done
  cat "$md"
  return $fail
}

case $MODE in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: $0 prepare|run [DIR]" >&2; exit 2 ;;
esac
