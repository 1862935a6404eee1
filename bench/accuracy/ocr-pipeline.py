#!/usr/bin/python3
"""The whole OCR pipeline, detector then recognizer, on the rendered pages.

    ocr-pipeline.py --quant-run BIN --out DIR NAME=DET,REC [NAME=DET,REC ...]

DET and REC are models quant-run runs (`.mlir` with the reference
evaluator, or compiled `.so`): ch_PP-OCRv4_det_infer at 1x3x640x640 and
ch_PP-OCRv4_rec_infer at 1x3x48x320. For every page of models/inputs/det
and models/heldout/det, each variant runs the detector, cuts the text lines
out of the page as PaddleOCR's DB post-processing does (probability > 0.3,
connected regions, mean probability >= 0.6, boxes grown by the unclip ratio
1.5; axis-aligned here, the rendered lines are nearly so), recognizes each
with the recognizer (PaddleOCR's resize to 48 x <= 320, greedy CTC), and
matches the grown boxes to the page's rendered lines (boxes.json, IoU >=
0.5).

Prints a Markdown table (also DIR/ocr-pipeline.md) with, per variant, the
lines found and read exactly on the test page and on the held-out pages,
the lines whose reading equals the first variant's (the f32 pipeline when
it comes first), and the character error rate against the rendered text
(edit distance over the rendered characters; a line not found counts all
its characters). Per-line readings: DIR/<name>.json.
"""

import argparse
import importlib.util
import json
import math
import os
import subprocess
import sys
import tempfile
from collections import deque

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DB_THRESH, BOX_THRESH, UNCLIP = 0.3, 0.6, 1.5
REC_SHAPE = (3, 48, 320)

sys.dont_write_bytecode = True


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


ctc = load_module("ctc_decode", os.path.join(ROOT, "scripts", "ctc-decode.py"))
inputs = load_module("make_inputs", os.path.join(ROOT, "scripts", "make-inputs.py"))


def run(quant_run, model, sample_dir, out_dir):
    cmd = [quant_run, model, "--inputs", sample_dir, "--outputs", out_dir]
    if model.endswith(".mlir"):
        cmd.append("--reference")
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"ocr-pipeline: error: {' '.join(cmd)} failed:\n{p.stderr}")
    files = [f for f in os.listdir(out_dir) if f.endswith(".npy")]
    if len(files) != 1:
        sys.exit(f"ocr-pipeline: error: expected one output in {out_dir}, found {files}")
    return np.load(os.path.join(out_dir, files[0]))


def regions(prob):
    """Boxes (x0, y0, x1, y1), end-exclusive, of the 4-connected regions of prob > DB_THRESH
    whose mean probability is at least BOX_THRESH."""
    mask = prob > DB_THRESH
    h, w = mask.shape
    seen = np.zeros(mask.shape, dtype=bool)
    boxes = []
    for y, x in zip(*np.nonzero(mask)):
        if seen[y, x]:
            continue
        seen[y, x] = True
        queue, pixels = deque([(y, x)]), []
        while queue:
            cy, cx = queue.popleft()
            pixels.append((cy, cx))
            for ny, nx in ((cy - 1, cx), (cy + 1, cx), (cy, cx - 1), (cy, cx + 1)):
                if 0 <= ny < h and 0 <= nx < w and mask[ny, nx] and not seen[ny, nx]:
                    seen[ny, nx] = True
                    queue.append((ny, nx))
        ys, xs = np.array(pixels).T
        if len(pixels) < 9 or prob[ys, xs].mean() < BOX_THRESH:
            continue
        boxes.append((int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1))
    return sorted(boxes, key=lambda b: (b[1], b[0]))


def unclip(box, w, h):
    """Grows a box by area * UNCLIP / perimeter on every side (DB's unclip, for a rectangle)."""
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    d = bw * bh * UNCLIP / (2 * (bw + bh))
    return (max(0.0, x0 - d), max(0.0, y0 - d), min(float(w), x1 + d), min(float(h), y1 + d))


def edits(a, b):
    """Levenshtein distance between strings a and b."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def read_page(args, det, rec, page, tmp, characters):
    """[(rendered text, read text or None)] for the page's lines."""
    prob = run(args.quant_run, det, page, os.path.join(tmp, "det"))[0, 0]
    boxes = regions(prob)
    meta = json.load(open(os.path.join(page, "boxes.json")))
    image = np.asarray(Image.open(os.path.join(page, "image.png")).convert("RGB"))
    ih, iw = image.shape[:2]
    dh, dw = prob.shape
    sx, sy = iw / dw, ih / dh
    boxes = [unclip(b, dw, dh) for b in boxes]
    readings = []
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        crop = image[int(round(y0 * sy)):int(math.ceil(y1 * sy)), int(round(x0 * sx)):int(math.ceil(x1 * sx))]
        sample = os.path.join(tmp, f"line{i}")
        os.makedirs(sample, exist_ok=True)
        np.save(os.path.join(sample, "x.npy"), inputs.resize_norm_img(inputs.rgb_to_bgr(crop), REC_SHAPE))
        probs = run(args.quant_run, rec, sample, os.path.join(tmp, f"rec{i}"))
        readings.append(ctc.ctc_greedy_decode(probs.astype(np.float32), characters)[0][0])
    result = []
    for line in meta["lines"]:
        xs, ys = [p[0] for p in line["quad"]], [p[1] for p in line["quad"]]
        truth = (min(xs), min(ys), max(xs), max(ys))
        best = max(range(len(boxes)), key=lambda j: iou(truth, boxes[j]), default=None)
        found = best is not None and iou(truth, boxes[best]) >= 0.5
        result.append((line["text"], readings[best] if found else None))
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quant-run", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--test-page-only", action="store_true",
                    help="read only the test page (models/inputs/det/page)")
    ap.add_argument("--show", action="store_true", help="print every line's reading")
    ap.add_argument("variants", nargs="+", metavar="NAME=DET,REC")
    args = ap.parse_args()
    variants = []
    for v in args.variants:
        name, _, models = v.partition("=")
        det, _, rec = models.partition(",")
        if not (name and det and rec):
            sys.exit(f"ocr-pipeline: error: expected NAME=DET,REC, found '{v}'")
        variants.append((name, det, rec))
    pages = [os.path.join(ROOT, "models", "inputs", "det", "page")]
    held = os.path.join(ROOT, "models", "heldout", "det")
    if not args.test_page_only:
        pages += [os.path.join(held, d) for d in sorted(os.listdir(held))]
    characters = ctc.load_keys(os.path.join(ROOT, "models", "ocr", "ppocr_keys_v1.txt"))
    os.makedirs(args.out, exist_ok=True)

    results = {}
    for name, det, rec in variants:
        per_page = {}
        for page in pages:
            with tempfile.TemporaryDirectory() as tmp:
                per_page[os.path.basename(page)] = read_page(args, det, rec, page, tmp, characters)
        results[name] = per_page
        with open(os.path.join(args.out, f"{name}.json"), "w") as f:
            json.dump(per_page, f, indent=1, ensure_ascii=False)

    first = variants[0][0]
    if args.show:
        for name, per_page in results.items():
            for page, lines in per_page.items():
                for text, got in lines:
                    mark = "ok  " if got == text else "MISS" if got is None else "DIFF"
                    read = "(not found)" if got is None else repr(got)
                    print(f"{mark} {name} {page}: {read:34} rendered {text!r}")

    def counts(name, test):
        found = exact = same = total = chars = wrong = 0
        for page, lines in results[name].items():
            if (page == "page") != test:
                continue
            for (text, got), (_, ref) in zip(lines, results[first][page]):
                total += 1
                found += got is not None
                exact += got == text
                same += got == ref
                chars += len(text)
                wrong += edits(text, got or "")
        return f"{found} / {exact} / {same} of {total} | {100 * wrong / chars:.1f} %"

    head = ("| variant | det | rec | test page: lines found / read exactly / read as " + first +
            " | test CER |")
    if not args.test_page_only:
        head += (" held-out pages: lines found / read exactly / read as " + first +
                 " | held-out CER |")
    lines = [head, "|---" * head.count(" | ") + "|---|"]
    for name, det, rec in variants:
        row = f"| {name} | {os.path.basename(det)} | {os.path.basename(rec)} | {counts(name, True)} |"
        if not args.test_page_only:
            row += f" {counts(name, False)} |"
        lines.append(row)
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(args.out, "ocr-pipeline.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
