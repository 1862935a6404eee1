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
# batch 1 and 16, with the W4A16 (RTN, group 128) and W8A8 recipes (each
# also with --cuda-shared-x, timed beside it); and
# the online Hadamard rotation (bench/gpu/fwht.mlir, the FWHT kernel). It
# writes each model's reference outputs (quant-run --reference: the
# evaluator on the same quantized graph) beside its inputs, copies libqrt,
# and compresses the libraries and the larger arrays (DIR defaults to
# build/gpu-check, about 50 MB: a device call carries at most 64 MiB).
#
# run checks every model's outputs against the reference (fp32: relative
# error <= 1e-4; W4A16, whose activations are rounded to f16: <= 2e-3 for a
# GEMM alone, <= 3e-2 for a whole model, where a rounding of one layer's
# input to f16 that goes the other way moves every later layer (measured
# on an H200: rec 1.1e-2 on one page, while the same model's two GEMM
# kernel forms differed by 1.5e-3 and its f32 CPU code by 1.4e-5); W8A8:
# SQNR >= 30 dB, as scripts/check-compiled-ppocr.sh does on the CPU; the
# FWHT: equal to the bit),
# times each model (bench/gpu/qrt_run.py --bench: host to host, through the
# runtime; the GEMMs also per kernel with QRT_PROFILE), times cuBLAS fp16 and
# cuBLASLt int8 on the same GEMM shapes (bench/gpu/cublas_gemm.py: events
# and host to host), and measures the GEMM kernels alone, quantc's and
# cuBLAS's alike, with the L2 cache evicted and not
# (bench/gpu/kernel_bench.py: CUPTI kernel durations), and, where Nsight
# Compute is installed, profiles the W4A16 and cuBLAS fp16 GEMM kernels of
# the last timed shape into DIR/profile-*.txt. It
# writes DIR/gpu-check.md and exits 1 if a check fails. The models come from
# `MODELS` (default "cls rec det"; empty: the GEMMs alone); GEMM_SIZES and
# GEMM_BATCHES replace the timed GEMM shapes, BIN the tools' folder, PYTHON
# the GPU machine's python (test/E2E/gpu-check-dry-run.test runs both steps
# here with a stand-in for it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MODE=${1:-}
DIR=${2:-build/gpu-check}
ARCH=${CUDA_ARCH:-sm_90}
ITERS=${ITERS:-50}
# MODELS="" prepares the GEMMs alone (a kernel change that the PP-OCR
# models do not reach).
MODELS=${MODELS-cls rec det}
declare -A MODEL=([det]=ch_PP-OCRv4_det_infer.onnx [rec]=ch_PP-OCRv4_rec_infer.onnx
                  [cls]=ch_ppocr_mobile_v2.0_cls_infer.onnx)
declare -A SHAPE=([det]=1,3,640,640 [rec]=1,3,48,320 [cls]=1,3,48,192)
# GEMM_SIZES ("KxN ...") and GEMM_BATCHES replace the timed GEMMs' shapes
# (test/E2E/gpu-check-dry-run.test uses a small one); prepare records them
# in DIR for run.
read -ra GEMMS <<<"${GEMM_SIZES:-4096x4096 4096x11008}"
GEMMS=("${GEMMS[@]/x/ }")
read -ra BATCHES <<<"${GEMM_BATCHES:-1 16}"
# Checked, not timed: shapes that exercise the W4A16 kernel's edges (rows
# past M in a 16-row tile, two row tiles, columns past N in a 64-column
# tile, K in few units).
CHECK_GEMMS=("256 72 3" "512 200 40" "128 64 1")

BIN=${BIN:-build/bin}

# One GEMM model of bench/gpu/make_gemm.py (in SRC) with the W4A16 and W8A8
# recipes: library, input and reference outputs; with AB set, also the
# libraries built with --cuda-shared-x (<recipe>-sharex: the block reads x
# once into shared memory, the warps load it with ldmatrix; not the
# default), so that one run compares the two kernels.
gemm_model() {
  local src=$1 name=$2 ab=${3:-} r
  mkdir -p "$DIR/inputs/$name"
  cp -r "$src/inputs/$name" "$DIR/inputs/$name/x"
  for r in w4a16 w8a8; do
    echo "gpu-check: compiling $name $r for $ARCH" >&2
    $BIN/quantc "$src/$name.onnx" --recipe "$r" --algorithm rtn \
      --calib "$src/calib/$name" --emit=quantized -o "$DIR/mlir/$name.$r.mlir"
    $BIN/quantc "$DIR/mlir/$name.$r.mlir" --target=cuda --cuda-arch="$ARCH" \
      -o "$DIR/so/$name.$r.so"
    $BIN/quant-run "$DIR/mlir/$name.$r.mlir" --reference \
      --inputs "$DIR/inputs/$name/x" --outputs "$DIR/ref/$name.$r.x" >/dev/null
    [[ -n $ab ]] || continue
    $BIN/quantc "$DIR/mlir/$name.$r.mlir" --target=cuda --cuda-arch="$ARCH" \
      --cuda-shared-x -o "$DIR/so/$name.$r-sharex.so"
    cp -r "$DIR/ref/$name.$r.x" "$DIR/ref/$name.$r-sharex.x"
  done
}

prepare() {
  for tool in quantc quant-run; do
    [[ -x $BIN/$tool ]] || { echo "gpu-check: error: $BIN/$tool missing (scripts/build.sh)" >&2; exit 1; }
  done
  [[ -z $MODELS || -d models/inputs/rec ]] || { echo "gpu-check: error: models/inputs missing (scripts/make-inputs.py)" >&2; exit 1; }
  rm -rf "$DIR"
  mkdir -p "$DIR"/{so,mlir,inputs,ref}
  cp -L "$BIN/../lib/libqrt.so" "$DIR/libqrt.so"
  local m r s
  for m in $MODELS; do
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
  if [[ -f $DIR/mlir/cls.fp32.mlir ]]; then
    $BIN/quantc "$DIR/mlir/cls.fp32.mlir" --target=cuda --cuda-arch=sm_80 \
      -o "$DIR/so/cls.fp32-sm_80.so"
    for s in "$DIR"/ref/cls.fp32.*; do
      cp -r "$s" "${s/cls.fp32./cls.fp32-sm_80.}"
    done
  fi

  # The FWHT kernel on 256 x 4096 random values.
  mkdir -p "$DIR/inputs/fwht/x"
  /usr/bin/python3 -c 'import sys, numpy as n
n.save(sys.argv[1], n.random.default_rng(5).standard_normal((256, 4096)).astype(n.float32))' \
    "$DIR/inputs/fwht/x/arg0.npy"
  $BIN/quantc bench/gpu/fwht.mlir --target=cuda --cuda-arch="$ARCH" -o "$DIR/so/fwht.exact.so"
  $BIN/quant-run bench/gpu/fwht.mlir --reference --inputs "$DIR/inputs/fwht/x" \
    --outputs "$DIR/ref/fwht.exact.x" >/dev/null

  local gemm=$DIR/gemm-src k n b
  for kn in "${GEMMS[@]}"; do
    read -r k n <<<"$kn"
    /usr/bin/python3 bench/gpu/make_gemm.py "$gemm" "$k" "$n" "${BATCHES[@]}"
    for b in "${BATCHES[@]}"; do
      gemm_model "$gemm" "gemm_${k}x${n}_b$b" ab
    done
  done
  for kn in "${CHECK_GEMMS[@]}"; do
    read -r k n b <<<"$kn"
    /usr/bin/python3 bench/gpu/make_gemm.py "$gemm" "$k" "$n" "$b"
    gemm_model "$gemm" "gemm_${k}x${n}_b$b"
  done
  printf '%s\n' "${GEMMS[@]}" >"$DIR/gemms"
  echo "${BATCHES[@]}" >"$DIR/batches"
  rm -rf "$gemm" "$DIR/mlir"
  xz -1 -T2 "$DIR"/so/*.so
  find "$DIR/ref" "$DIR/inputs" -name '*.npy' -size +64k -exec xz -1 -T2 {} +
  du -sh "$DIR" >&2
}

# QRT_PROFILE of one GEMM model: the slowest kernel's mean in us (the GEMM)
# and the GPU time of all kernels per run (the GEMM's launches count the
# runs).
kernel_times() {
  QRT_PROFILE=1 $PY bench/gpu/qrt_run.py "$DIR/libqrt.so" "$1" --inputs "$2" --bench "$ITERS" 2>&1 >/dev/null |
    awk '/CUDA kernels:/ {for (i = 1; i <= NF; ++i) if ($i == "launches,") total = $(i + 1)}
         /^\[qrt\]   #/ && !top {top = 1; launches = $3; mean = $5}
         END {if (top) printf "%.1f %.1f\n", mean, 1e3 * total / launches; else print "NA NA"}'
}

run() {
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
  local PY=${PYTHON:-python3} fail=0
  # The timed GEMMs prepare built.
  [[ ! -f $DIR/gemms ]] || mapfile -t GEMMS <"$DIR/gemms"
  [[ ! -f $DIR/batches ]] || read -ra BATCHES <"$DIR/batches"
  # What prepare compressed (the arrays' .xz files go: the checks read
  # every file of a reference folder).
  find "$DIR" -name '*.xz' -print0 | xargs -0 -r "$PY" -c 'import lzma, os, sys
for f in sys.argv[1:]:
    open(f[:-3], "wb").write(lzma.open(f).read())
    if f.endswith(".npy.xz"):
        os.remove(f)'
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
      verdict=$($PY - "$DIR/out/$name.$s" "$DIR/ref/$name.$s" "$r" "$m" <<'PY'
import os, sys, numpy as np
out, ref, recipe, model = sys.argv[1:5]
vals = []
for f in sorted(os.listdir(ref)):
    a = np.load(os.path.join(out, f)).astype(np.float64)
    b = np.load(os.path.join(ref, f)).astype(np.float64)
    if recipe.startswith("w8a8"):
        vals.append(min(999.0, 10 * np.log10((b ** 2).sum() / max(((a - b) ** 2).sum(), 1e-300))))
    else:
        vals.append(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-30))
if recipe.startswith("w8a8"):
    # A GEMM alone sums exact integers like the reference evaluator: only
    # the rounding of the f32 epilogue and of x's quantization may differ.
    # Whole models compound single flipped roundings.
    v = min(vals); print("%s %.1f" % ("ok" if v >= (60 if model.startswith("gemm_") else 30) else "FAIL", v))
else:
    # W4A16 rounds activations to f16 (unit roundoff 4.9e-4) for the
    # tensor cores, once in a GEMM alone, at every layer in a whole model
    # (see the file comment); fp32 matches to float rounding; "exact" (the
    # FWHT) does the evaluator's operations in its order.
    tol = ((2e-3 if model.startswith("gemm_") else 3e-2) if recipe.startswith("w4a16")
           else 0 if recipe == "exact" else 1e-4)
    v = max(vals); print("%s %.2e" % ("ok" if v <= tol else "FAIL", v))
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
    echo "| GEMM K x N | batch | quantc W4A16 kernel (us) / GPU per run (us) / host to host (ms) | quantc W8A8 kernel (us) / GPU per run (us) / host to host (ms) | cuBLAS fp16 kernel (us) / host to host (ms) | cuBLASLt int8 kernel (us) / host to host (ms) | cuBLAS fp16 kernel / quantc W4A16 kernel | cuBLASLt int8 kernel / quantc W8A8 kernel |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  } >>"$md"
  local kn k n b
  for kn in "${GEMMS[@]}"; do
    read -r k n <<<"$kn"
    for b in "${BATCHES[@]}"; do
      local nm=gemm_${k}x${n}_b$b q4 q8 base
      q4=$($PY bench/gpu/qrt_run.py "$DIR/libqrt.so" "$DIR/so/$nm.w4a16.so" --inputs "$DIR/inputs/$nm/x" --bench "$ITERS" | awk '{print $2}') || q4=NA
      read -r k4 g4 < <(kernel_times "$DIR/so/$nm.w4a16.so" "$DIR/inputs/$nm/x") || { k4=NA; g4=NA; }
      q8=$($PY bench/gpu/qrt_run.py "$DIR/libqrt.so" "$DIR/so/$nm.w8a8.so" --inputs "$DIR/inputs/$nm/x" --bench "$ITERS" | awk '{print $2}') || q8=NA
      read -r k8 g8 < <(kernel_times "$DIR/so/$nm.w8a8.so" "$DIR/inputs/$nm/x") || { k8=NA; g8=NA; }
      base=$($PY bench/gpu/cublas_gemm.py "$k" "$n" "$b") || base="NA NA NA NA"
      read -r f16k f16h i8k i8h <<<"$base"
      echo "| ${k} x ${n} | $b | $k4 / $g4 / $q4 | $k8 / $g8 / $q8 | $(awk -v a="$f16k" 'BEGIN {printf "%.1f", 1e3 * a}') / $f16h | $(awk -v a="$i8k" 'BEGIN {printf "%.1f", 1e3 * a}') / $i8h | $(awk -v a="$f16k" -v b="$k4" 'BEGIN {if (b + 0 > 0) printf "%.2fx", 1e3 * a / b; else printf "NA"}') | $(awk -v a="$i8k" -v b="$k8" 'BEGIN {if (b + 0 > 0) printf "%.2fx", 1e3 * a / b; else printf "NA"}') |" >>"$md"
    done
  done
  if [[ -f $DIR/so/fwht.exact.so ]]; then
    local kf gf
    read -r kf gf < <(kernel_times "$DIR/so/fwht.exact.so" "$DIR/inputs/fwht/x") || { kf=NA; gf=NA; }
    {
      echo
      echo "FWHT (bench/gpu/fwht.mlir, 256 x 4096 f32 in blocks of 4096 and of 64, two kernels): slowest kernel $kf us, GPU per run $gf us, $(awk -v g="$gf" 'BEGIN {if (g + 0 > 0) printf "%.0f", 16.8e6 / (1e3 * g); else printf "NA"}') GB/s moved (4 MB read and 4 MB written per kernel)."
    } >>"$md"
  fi
  # The kernels alone, quantc's and cuBLAS's measured alike (CUPTI).
  {
    echo
    echo "Kernels alone (bench/gpu/kernel_bench.py: CUPTI kernel durations, the GPU time of one call, median of 30 calls; cold: the L2 cache evicted before each call, warm: calls back to back), in us, cold / warm:"
    echo
    echo "| GEMM K x N | batch | quantc W4A16 | cuBLAS fp16 | cuBLAS fp16 / quantc W4A16, cold | quantc W8A8 | cuBLASLt int8 (32 rows; W row- or column-major, the faster) | cuBLASLt int8 / quantc W8A8, cold | x shared: W4A16 / W8A8, cold | quantc W4A16 / W8A8 kernels, cold |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  } >>"$md"
  local kb
  # field LABEL N: field N of LABEL's line in kb (2 cold, 3 warm, 5 kernels).
  field() { awk -v l="$1" -v f="$2" '$1 == l {v = $f} END {print (v == "" ? "NA" : v)}' <<<"$kb"; }
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else printf "NA"}'; }
  for kn in "${GEMMS[@]}"; do
    read -r k n <<<"$kn"
    for b in "${BATCHES[@]}"; do
      local nm=gemm_${k}x${n}_b$b
      kb=$($PY bench/gpu/kernel_bench.py "$DIR/libqrt.so" "$k" "$n" "$b" "$DIR/inputs/$nm/x" \
        "$DIR"/so/$nm.{w4a16,w8a8,w4a16-sharex,w8a8-sharex}.so) || kb=""
      local q4=$nm.w4a16.so q8=$nm.w8a8.so i8
      # cuBLASLt int8: the faster of W row-major and column-major.
      i8=$(awk '$1 ~ /^cublaslt-int8-w/ && $2 != "NA" && (best == "" || $2 + 0 < best + 0) {best = $2; l = $1} END {print (l == "" ? "none" : l)}' <<<"$kb")
      echo "| ${k} x ${n} | $b | $(field "$q4" 2) / $(field "$q4" 3) | $(field cublas-fp16 2) / $(field cublas-fp16 3) | $(ratio "$(field cublas-fp16 2)" "$(field "$q4" 2)") | $(field "$q8" 2) / $(field "$q8" 3) | $(field "$i8" 2) / $(field "$i8" 3) ${i8#cublaslt-int8-} | $(ratio "$(field "$i8" 2)" "$(field "$q8" 2)") | $(field "$nm.w4a16-sharex.so" 2) / $(field "$nm.w8a8-sharex.so" 2) | $(field "$q4" 5) / $(field "$q8" 5) |" >>"$md"
    done
  done
  # Where Nsight Compute is installed: the W4A16 GEMM of the last timed
  # shape at each batch, and cuBLAS's fp16 GEMM on it, profiled (throughput,
  # memory, warp stalls, occupancy) into DIR/profile-*.txt for the next
  # kernel change: the kernel streams about half of cuBLAS's bandwidth
  # (docs/performance.md), and these say why.
  if command -v ncu >/dev/null; then
    local sections=(--section SpeedOfLight --section MemoryWorkloadAnalysis
                    --section WarpStateStats --section Occupancy
                    --section LaunchStats --section SchedulerStats)
    read -r k n <<<"${GEMMS[-1]}"
    for b in "${BATCHES[@]}"; do
      local nm=gemm_${k}x${n}_b$b
      timeout 300 ncu "${sections[@]}" "$PY" bench/gpu/qrt_run.py "$DIR/libqrt.so" \
        "$DIR/so/$nm.w4a16.so" --inputs "$DIR/inputs/$nm/x" >"$DIR/profile-$nm.w4a16.txt" 2>&1 || true
      timeout 300 ncu "${sections[@]}" "$PY" -c "import torch
w = torch.randn($k, $n, device='cuda', dtype=torch.float16)
x = torch.randn($b, $k, device='cuda', dtype=torch.float16)
torch.matmul(x, w)
torch.cuda.synchronize()" >"$DIR/profile-$nm.cublas-fp16.txt" 2>&1 || true
    done
    {
      echo
      echo "Nsight Compute profiles (W4A16 GEMM and cuBLAS fp16, kernel by kernel): $(cd "$DIR" && ls profile-*.txt | tr '\n' ' ')"
    } >>"$md"
  fi
  cat "$md"
  return $fail
}

case $MODE in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: $0 prepare|run [DIR]" >&2; exit 2 ;;
esac
