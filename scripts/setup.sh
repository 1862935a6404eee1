#!/usr/bin/env bash
# Installs every Debian package quantc needs. Idempotent: quiet and fast when all is present;
# runs `apt-get update` only when something is missing.
#
#   scripts/setup.sh [--transformer]
#
# --transformer also installs PyTorch (Debian's python3-torch, CPU) for
# scripts/transformer/train.py, which trains the transformer of
# docs/accuracy.md; nothing else needs it.
set -euo pipefail

PKGS=(
  # toolchain and build
  cmake ninja-build g++ clang-22 lld-22 clang-format
  # LLVM/MLIR 22 (shared libLLVM.so/libMLIR.so, mlir-tblgen, FileCheck, lit)
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  # ONNX import
  libonnx-dev libprotobuf-dev protobuf-compiler
  # test tooling
  python3 python3-onnx python3-numpy libonnx-testdata
  libgtest-dev libgmock-dev libbenchmark-dev
  # model fetching (npm) and ONNX Runtime comparisons
  nodejs npm
  # realistic model inputs (scripts/make-inputs.py renders text with a TrueType font)
  python3-pil fonts-dejavu-core
  # bench/gpu-check.sh compresses the libraries it carries to a GPU machine
  xz-utils
)
for arg in "$@"; do
  case "$arg" in
    --transformer) PKGS+=(python3-torch libopenblas0-pthread) ;;
    *) echo "setup.sh: unknown option '$arg' (expected --transformer)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# nodejs may come from elsewhere than Debian (e.g. nodesource); accept any working node+npm.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]+"${missing[@]}"}"; do
    [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p")
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
