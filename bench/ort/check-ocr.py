#!/usr/bin/python3
"""End-to-end check of the PP-OCR models, the rendered inputs and ONNX Runtime on this machine.

    bench/ort/check-ocr.py [--threads N] [--out DIR] [--bench ITERS]

Runs bench/ort/run.js (ONNX Runtime, CPU) on every sample that scripts/make-inputs.py wrote to
models/inputs (evaluation), models/calib (calibration) and models/heldout (drawn like the
calibration set), writes the outputs to <out>/{inputs,calib,heldout}/{rec,cls,det}/<sample>/
(default models/outputs/ort) and checks them:
  rec  the greedy CTC decoding (scripts/ctc-decode.py) equals the rendered text (text.txt)
  cls  the argmax class is the rendered orientation (label.txt: 0 -> class 0, 180 -> class 1)
  det  inside each rendered line's box at least 20% of the probability map is > 0.3 (PaddleOCR's
       DB threshold), and outside all boxes (dilated by 4 px) at most 0.5% is
Exits 1 if any evaluation sample fails; calibration and held-out samples are degraded on purpose
(noise, blur, rotation), so their misses are reported but do not fail the check. With --bench
ITERS, also times det and rec on one evaluation sample each (run.js --bench ITERS) and prints the
medians.
Run scripts/fetch-models.sh and scripts/make-inputs.py first.
"""

import argparse
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OCR = os.path.join(ROOT, "models", "ocr")
RUN_JS = os.path.join(ROOT, "bench", "ort", "run.js")
MODELS = {
    "rec": "ch_PP-OCRv4_rec_infer.onnx",
    "cls": "ch_ppocr_mobile_v2.0_cls_infer.onnx",
    "det": "ch_PP-OCRv4_det_infer.onnx",
}
DB_THRESH = 0.3

sys.dont_write_bytecode = True  # no scripts/__pycache__
_spec = importlib.util.spec_from_file_location("ctc_decode", os.path.join(ROOT, "scripts", "ctc-decode.py"))
ctc_decode = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ctc_decode)


def run_ort(model, inputs, outputs, threads, bench=0):
    cmd = ["node", RUN_JS, os.path.join(OCR, MODELS[model]), "--inputs", inputs, "--outputs", outputs,
           "--threads", str(threads)]
    if bench:
        cmd += ["--bench", str(bench)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"check-ocr: error: {' '.join(cmd)} failed:\n{p.stderr}")
    return p.stdout


def only_npy(d):
    files = [f for f in os.listdir(d) if f.endswith(".npy")]
    if len(files) != 1:
        sys.exit(f"check-ocr: error: expected one output in {d}, found {files}")
    return np.load(os.path.join(d, files[0]))


def check_rec(sample, out, characters):
    text = open(os.path.join(sample, "text.txt"), encoding="utf-8").read().rstrip("\n")
    got, conf = ctc_decode.ctc_greedy_decode(only_npy(out).astype(np.float32), characters)[0]
    return got == text, f"{conf:.4f}  rendered {text!r:30} recognized {got!r}"


def check_cls(sample, out, _):
    label = open(os.path.join(sample, "label.txt")).read().strip()
    p = only_npy(out)[0]
    want = {"0": 0, "180": 1}[label]
    return int(np.argmax(p)) == want, f"label {label:>3}  p(0)={p[0]:.5f} p(180)={p[1]:.5f}"


def check_det(sample, out, _):
    prob = only_npy(out)[0, 0]
    boxes = json.load(open(os.path.join(sample, "boxes.json")))
    h, w = prob.shape
    union = Image.new("L", (w, h), 0)
    cover = []
    for line in boxes["lines"]:
        quad = [tuple(pt) for pt in line["quad"]]
        m = Image.new("L", (w, h), 0)
        ImageDraw.Draw(m).polygon(quad, fill=1)
        ImageDraw.Draw(union).polygon(quad, fill=1)
        m = np.asarray(m, dtype=bool)
        cover.append(float(np.mean(prob[m] > DB_THRESH)) if m.any() else 0.0)
    outside = ~np.asarray(union.filter(ImageFilter.MaxFilter(9)), dtype=bool)
    false_pos = float(np.mean(prob[outside] > DB_THRESH))
    ok = min(cover) >= 0.2 and false_pos <= 0.005
    return ok, (f"{len(cover)} lines, coverage (p>{DB_THRESH}) in boxes min {min(cover):.2f} "
                f"mean {np.mean(cover):.2f}; outside boxes {false_pos:.4%}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "outputs", "ort"))
    ap.add_argument("--bench", type=int, default=0, metavar="ITERS")
    args = ap.parse_args()
    for f in MODELS.values():
        if not os.path.exists(os.path.join(OCR, f)):
            sys.exit(f"check-ocr: error: models/ocr/{f} missing; run scripts/fetch-models.sh")
    characters = ctc_decode.load_keys(os.path.join(OCR, "ppocr_keys_v1.txt"))
    checks = {"rec": check_rec, "cls": check_cls, "det": check_det}
    failed = 0
    for kind in ("inputs", "calib", "heldout"):
        base = os.path.join(ROOT, "models", kind)
        if not os.path.isdir(base):
            sys.exit(f"check-ocr: error: models/{kind} missing; run scripts/make-inputs.py")
        for model in ("rec", "cls", "det"):
            for name in sorted(os.listdir(os.path.join(base, model))):
                sample = os.path.join(base, model, name)
                out = os.path.join(args.out, kind, model, name)
                run_ort(model, sample, out, args.threads)
                ok, msg = checks[model](sample, out, characters)
                if not ok and kind == "inputs":
                    failed += 1
                status = "ok  " if ok else ("FAIL" if kind == "inputs" else "miss")
                print(f"{status} {kind + '/' + model + '/' + name:44} {msg}")
    if args.bench:
        for model, name in (("det", "page"), ("rec", "hello_world_2026")):
            sample = os.path.join(ROOT, "models", "inputs", model, name)
            res = run_ort(model, sample, os.path.join(args.out, "bench", model), args.threads, args.bench)
            print(f"bench {model} ({MODELS[model]}, threads={args.threads}, {args.bench} iters): "
                  + ", ".join(res.split("\n")).strip(", "))
    if failed:
        print(f"check-ocr: {failed} evaluation sample(s) FAILED")
        sys.exit(1)
    print("check-ocr: all evaluation samples passed")


if __name__ == "__main__":
    main()
