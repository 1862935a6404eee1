#!/usr/bin/env bash
# The online Hadamard rotation (qc.hadamard) compiled for the CPU, as the
# fast Walsh-Hadamard transform of convert-qc-to-linalg, against the same
# rotation as a product with the normalised block x block Sylvester matrix
# (what it lowered to before), in one script on one machine. Both are
# checked against the reference evaluator first.
#
#   bench/hadamard.sh [BUILD [DIR]]     (defaults: build, build/bench-hadamard)
set -euo pipefail
BUILD=${1:-build}
DIR=${2:-$BUILD/bench-hadamard}
Q=$BUILD/bin
ITERS=${ITERS:-200}
mkdir -p "$DIR/in"
/usr/bin/python3 test/utils/randnpy.py "$DIR/in/arg0.npy" 16,4096 3 -1 1

for bs in 4096 64; do
  /usr/bin/python3 - "$DIR" "$bs" <<'PY'
import struct, sys
import numpy as np
d, n = sys.argv[1], int(sys.argv[2])
i = np.arange(n)
bits = np.bitwise_and.outer(i, i)
parity = np.zeros_like(bits)
while bits.any():
    parity ^= bits & 1
    bits >>= 1
h = np.where(parity == 1, -1.0, 1.0).astype(np.float32) / np.float32(np.sqrt(n))
rows = 16 * 4096 // n
blob = (struct.pack("<I", 4) + h.tobytes()).hex().upper()
with open("%s/matrix%d.mlir" % (d, n), "w") as f:
    f.write(f"""func.func @m(%x: tensor<16x4096xf32>) -> tensor<16x4096xf32> {{
  %h = arith.constant dense_resource<hmat> : tensor<{n}x{n}xf32>
  %r = qc.reshape %x : (tensor<16x4096xf32>) -> tensor<{rows}x{n}xf32>
  %0 = qc.matmul %r, %h : (tensor<{rows}x{n}xf32>, tensor<{n}x{n}xf32>) -> tensor<{rows}x{n}xf32>
  %1 = qc.reshape %0 : (tensor<{rows}x{n}xf32>) -> tensor<16x4096xf32>
  return %1 : tensor<16x4096xf32>
}}
{{-#
  dialect_resources: {{ builtin: {{ hmat: "0x{blob}" }} }}
#-}}
""")
with open("%s/fwht%d.mlir" % (d, n), "w") as f:
    f.write(f"""func.func @m(%x: tensor<16x4096xf32>) -> tensor<16x4096xf32> {{
  %0 = qc.hadamard %x {{block_size = {n}}} : tensor<16x4096xf32>
  return %0 : tensor<16x4096xf32>
}}
""")
PY
  for v in fwht matrix; do
    "$Q/quantc" "$DIR/$v$bs.mlir" -o "$DIR/$v$bs.so"
    "$Q/quant-run" "$DIR/$v$bs.so" --inputs "$DIR/in" --outputs "$DIR/out-$v$bs" >/dev/null
  done
  "$Q/quant-run" "$DIR/fwht$bs.mlir" --reference --inputs "$DIR/in" --outputs "$DIR/ref$bs" >/dev/null
  for v in fwht matrix; do
    /usr/bin/python3 test/utils/npy.py compare "$DIR/out-$v$bs/out0.npy" "$DIR/ref$bs/out0.npy" 1e-5 >/dev/null
  done
  # Alternate the two, three times each; report the medians (ms per run,
  # one thread) and their ratio.
  f=() m=()
  for _ in 1 2 3; do
    f+=("$("$Q/quant-run" "$DIR/fwht$bs.so" --inputs "$DIR/in" --bench "$ITERS" --threads 1 | awk '/per run/ {print $2}')")
    m+=("$("$Q/quant-run" "$DIR/matrix$bs.so" --inputs "$DIR/in" --bench "$ITERS" --threads 1 | awk '/per run/ {print $2}')")
  done
  fm=$(printf '%s\n' "${f[@]}" | sort -g | sed -n 2p)
  mm=$(printf '%s\n' "${m[@]}" | sort -g | sed -n 2p)
  echo "16 x 4096, blocks of $bs: FWHT $fm ms, matrix product $mm ms, $(awk -v a="$mm" -v b="$fm" 'BEGIN {printf "%.1fx", a / b}')"
done
