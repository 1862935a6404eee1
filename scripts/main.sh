#!/usr/bin/env bash
# The main job: set up, build, fetch PP-OCR, compile PP-OCRv4 rec to a W8A8
# shared library with calibration, run it on a rendered text line, print the
# recognised text, its agreement with fp32, then read a whole rendered page
# with the W8A8 detector and recognizer, and time rec against ONNX Runtime on
# this machine (same run, 1 thread).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh quantc quant-run qrt >/dev/null
scripts/fetch-models.sh
[ -d models/inputs/rec ] || /usr/bin/python3 scripts/make-inputs.py >/dev/null

OUT=build/main
mkdir -p "$OUT"
MODEL=models/ocr/ch_PP-OCRv4_rec_infer.onnx
KEYS=models/ocr/ppocr_keys_v1.txt
SAMPLE=models/inputs/rec/hello_world_2026
ITERS=${ITERS:-20}

echo "== compile PP-OCRv4 rec (1x3x48x320): W8A8 (calibrated on models/calib/rec) and fp32"
build/bin/quantc "$MODEL" --input-shape x=1,3,48,320 --recipe w8a8 \
  --calib models/calib/rec -o "$OUT/rec.w8a8.so"
build/bin/quantc "$MODEL" --input-shape x=1,3,48,320 -o "$OUT/rec.fp32.so"

echo "== run on a rendered text line: '$(cat "$SAMPLE/text.txt")'"
build/bin/quant-run "$OUT/rec.w8a8.so" --inputs "$SAMPLE" --outputs "$OUT/w8a8" --threads 1
build/bin/quant-run "$OUT/rec.fp32.so" --inputs "$SAMPLE" --outputs "$OUT/fp32" --threads 1
printf 'recognised (W8A8): '
/usr/bin/python3 scripts/ctc-decode.py "$OUT"/w8a8/*.npy "$KEYS"
printf 'recognised (fp32): '
/usr/bin/python3 scripts/ctc-decode.py "$OUT"/fp32/*.npy "$KEYS"
echo "== agreement of W8A8 with fp32"
/usr/bin/python3 scripts/compare-npy.py "$OUT"/w8a8/*.npy "$OUT"/fp32/*.npy | grep -E "sqnr|argmax" || true

echo "== read a whole rendered page: PP-OCRv4 det (W8A8) finds the lines, rec (W8A8) reads them"
build/bin/quantc models/ocr/ch_PP-OCRv4_det_infer.onnx --input-shape x=1,3,640,640 --recipe w8a8 \
  --calib models/calib/det -o "$OUT/det.w8a8.so"
/usr/bin/python3 bench/accuracy/ocr-pipeline.py --quant-run build/bin/quant-run --out "$OUT/page" \
  --test-page-only --show "w8a8=$OUT/det.w8a8.so,$OUT/rec.w8a8.so" | grep -v '^|'

echo "== speed, 1 thread, $ITERS runs each (median / p90)"
w8=$(build/bin/quant-run "$OUT/rec.w8a8.so" --inputs "$SAMPLE" --threads 1 --bench "$ITERS" | awk '/^median/{m=$2} /^p90/{p=$2} END{print m, p}')
f32=$(build/bin/quant-run "$OUT/rec.fp32.so" --inputs "$SAMPLE" --threads 1 --bench "$ITERS" | awk '/^median/{m=$2} /^p90/{p=$2} END{print m, p}')
ort=$(node bench/ort/run.js "$MODEL" --inputs "$SAMPLE" --outputs "$OUT/ort" --threads 1 --bench "$ITERS" 2>/dev/null | awk '/^median/{m=$2} /^p90/{p=$2} END{print m, p}')
printf '%-26s %8s %8s\n' "" "median" "p90"
printf '%-26s %8s %8s\n' "quantc W8A8" $w8
printf '%-26s %8s %8s\n' "quantc fp32" $f32
printf '%-26s %8s %8s\n' "ONNX Runtime 1.30 fp32" $ort
awk -v a="${w8%% *}" -v b="${ort%% *}" 'BEGIN { printf "quantc W8A8 is %.2fx the speed of ONNX Runtime fp32\n", b / a }'
