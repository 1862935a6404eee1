#!/usr/bin/python3
"""Renders realistic text images and preprocesses them exactly as PaddleOCR does for the PP-OCR models.

    scripts/make-inputs.py [--out models/inputs] [--calib-out models/calib] [--heldout-out models/heldout]

Writes one directory per sample, named after the model input ("x"), so that
`node bench/ort/run.js MODEL --inputs DIR/<sample>` can read it:

    <out>/rec/<sample>/x.npy      1x3x48x320 float32  (ch_PP-OCRv4_rec_infer.onnx)
                      text.txt    the rendered text (ground truth)
                      image.png   the rendered crop, before preprocessing
    <out>/cls/<sample>/x.npy      1x3x48x192 float32  (ch_ppocr_mobile_v2.0_cls_infer.onnx)
                      label.txt   "0" (upright) or "180" (upside down), the classes of the model
                      text.txt, image.png
    <out>/det/<sample>/x.npy      1x3x640x640 float32 (ch_PP-OCRv4_det_infer.onnx)
                      boxes.json  each text line: its text and its quadrilateral in x.npy's 640x640 pixels
                      image.png

<calib-out> has the same layout with more, varied samples (fonts, sizes, colours, slight rotation,
noise, blur) for calibration: 8 rec lines, 8 cls lines (some upside down), 4 det pages. Everything is
deterministic (fixed seeds); rerunning rewrites the same files.
<heldout-out> is drawn exactly like <calib-out> (same generators, other seeds): in-distribution samples
the calibration never saw, for accuracy measurements (bench/accuracy/ppocr.sh).

Preprocessing follows PaddleOCR (tools/infer/predict_{rec,cls,det}.py and ppocr/data/imaug):
images are BGR uint8 (as cv2.imread returns them) and resized with OpenCV's INTER_LINEAR semantics
(reimplemented here in numpy; cv2 is not needed):
  rec/cls  resize_norm_img: height 48, width min(W, ceil(48*w/h)), x/255, (x-0.5)/0.5, CHW,
           zero-padded on the right to W (320 for rec, 192 for cls).
  det      DetResizeForTest(image_shape=[640, 640]) (plain resize), NormalizeImage(scale=1/255,
           mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225], order=hwc) applied to the BGR
           channels in that order (as PaddleOCR does), ToCHWImage.
Needs python3-numpy, python3-pil and fonts-dejavu-core (scripts/setup.sh installs them).
"""

import argparse
import json
import math
import os
import random
import shutil
import sys
import zlib

import numpy as np

try:
    from PIL import Image, ImageDraw, ImageFilter, ImageFont
except ImportError:
    sys.exit("make-inputs: error: PIL not found; run scripts/setup.sh (python3-pil) and use /usr/bin/python3")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
# The fonts of fonts-dejavu-core.
FONTS = {
    "sans": "DejaVuSans.ttf",
    "sans-bold": "DejaVuSans-Bold.ttf",
    "serif": "DejaVuSerif.ttf",
    "serif-bold": "DejaVuSerif-Bold.ttf",
    "mono": "DejaVuSansMono.ttf",
    "mono-bold": "DejaVuSansMono-Bold.ttf",
}

REC_SHAPE = (3, 48, 320)  # PP-OCRv4 rec_image_shape
CLS_SHAPE = (3, 48, 192)  # cls_image_shape
DET_SHAPE = (640, 640)    # DetResizeForTest image_shape (h, w)
DET_MEAN = [0.485, 0.456, 0.406]
DET_STD = [0.229, 0.224, 0.225]


def font(name, size):
    path = os.path.join(FONT_DIR, FONTS[name])
    if not os.path.exists(path):
        sys.exit(f"make-inputs: error: {path} not found; run scripts/setup.sh (fonts-dejavu-core)")
    return ImageFont.truetype(path, size)


def seed_of(name):
    return zlib.crc32(name.encode())


# ----------------------------------------------------------------------------------------------
# OpenCV's cv2.resize(src, (w, h)) with INTER_LINEAR for uint8 images, in numpy, reproducing OpenCV
# 4.6's arithmetic (imgproc/src/resize.cpp): half-pixel centres; 11-bit fixed-point weights; along x
# the taps are clamped to the edge with weight (1, 0), along y only the row indices are clamped (the
# weights are kept); the vertical pass rounds as its SIMD kernel does. Bit-exact with Debian's
# libopencv-imgproc406 on the images this script renders and on random images, up- and downscaling.
def _linear_taps(src_len, dst_len, clamp_weights):
    f = ((np.arange(dst_len) + 0.5) * (src_len / dst_len) - 0.5).astype(np.float32)
    s = np.floor(f).astype(np.int64)
    f = f - s.astype(np.float32)
    if clamp_weights:
        low, high = s < 0, s >= src_len - 1
        f[low], s[low] = 0, 0
        f[high], s[high] = 0, src_len - 1
    w0 = np.rint((1 - f.astype(np.float64)) * 2048).astype(np.int64)
    w1 = np.rint(f.astype(np.float64) * 2048).astype(np.int64)
    return np.clip(s, 0, src_len - 1), np.clip(s + 1, 0, src_len - 1), w0, w1


def cv2_resize_linear(img, size):
    """img: HxWxC uint8; size: (width, height) as in cv2.resize."""
    dst_w, dst_h = size
    h, w = img.shape[:2]
    if (w, h) == (dst_w, dst_h):
        return img.copy()
    x0, x1, a0, a1 = _linear_taps(w, dst_w, clamp_weights=True)
    y0, y1, b0, b1 = _linear_taps(h, dst_h, clamp_weights=False)
    src = img.astype(np.int64)
    rows = src[:, x0] * a0[None, :, None] + src[:, x1] * a1[None, :, None]  # H x dst_w x C, scale 2^11
    # VResizeLinearVec_32s8u: ((r0 >> 4) * b0 >> 16) + ((r1 >> 4) * b1 >> 16), then (t + 2) >> 2.
    t = ((rows[y0] >> 4) * b0[:, None, None] >> 16) + ((rows[y1] >> 4) * b1[:, None, None] >> 16)
    return np.clip((t + 2) >> 2, 0, 255).astype(np.uint8)


# ----------------------------------------------------------------------------------------------
# PaddleOCR preprocessing. `bgr` is an HxWx3 uint8 image in BGR order.
def resize_norm_img(bgr, image_shape):
    """ppocr/data/imaug/rec_img_aug.py resize_norm_img (also tools/infer/predict_cls.py)."""
    img_c, img_h, img_w = image_shape
    h, w = bgr.shape[:2]
    ratio = w / float(h)
    resized_w = img_w if math.ceil(img_h * ratio) > img_w else int(math.ceil(img_h * ratio))
    resized = cv2_resize_linear(bgr, (resized_w, img_h)).astype("float32")
    resized = resized.transpose((2, 0, 1)) / 255
    resized -= 0.5
    resized /= 0.5
    padded = np.zeros((img_c, img_h, img_w), dtype=np.float32)
    padded[:, :, 0:resized_w] = resized
    return padded[None]  # 1 x C x H x W


def det_preprocess(bgr):
    """DetResizeForTest(image_shape=[640, 640]) + NormalizeImage(order='hwc') + ToCHWImage."""
    resize_h, resize_w = DET_SHAPE
    img = cv2_resize_linear(bgr, (resize_w, resize_h))
    scale = np.float32(1.0 / 255.0)
    mean = np.array(DET_MEAN).reshape((1, 1, 3)).astype("float32")
    std = np.array(DET_STD).reshape((1, 1, 3)).astype("float32")
    img = (img.astype("float32") * scale - mean) / std
    return np.ascontiguousarray(img.transpose((2, 0, 1))[None])  # 1 x 3 x 640 x 640


def rgb_to_bgr(rgb):
    return np.ascontiguousarray(rgb[:, :, ::-1])


# ----------------------------------------------------------------------------------------------
# Rendering.
def degrade(img, rng, noise=0.0, blur=0.0):
    """img: PIL RGB image. Gaussian blur (radius `blur`) then additive Gaussian noise (sigma `noise`)."""
    if blur > 0:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    a = np.asarray(img).astype(np.float32)
    if noise > 0:
        a = a + np.random.default_rng(rng.getrandbits(32)).normal(0.0, noise, a.shape).astype(np.float32)
    return np.clip(np.rint(a), 0, 255).astype(np.uint8)


def render_line(text, font_name="sans", size=32, fg=(0, 0, 0), bg=(255, 255, 255), pad=None, angle=0.0,
                noise=0.0, blur=0.0, rng=None):
    """A text-line crop as the detector would cut it: the text's ink box plus a margin. Returns RGB uint8."""
    f = font(font_name, size)
    left, top, right, bottom = f.getbbox(text)
    # Margin: about a quarter of the font size vertically, a bit more horizontally.
    px, py = pad if pad is not None else (max(4, round(0.3 * size)), max(3, round(0.25 * size)))
    img = Image.new("RGB", (right - left + 2 * px, bottom - top + 2 * py), bg)
    ImageDraw.Draw(img).text((px - left, py - top), text, font=f, fill=fg)
    if angle:
        img = img.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=bg)
    return degrade(img, rng or random.Random(0), noise, blur)


def render_page(size, lines, bg=(255, 255, 255), angle=0.0, noise=0.0, blur=0.0, rng=None):
    """size: (w, h); lines: [(text, font_name, font_size, (x, y), fg)]. Returns (RGB uint8, quads):
    quads[i] is the ink box of line i as 4 corner points (x, y), in page pixels, after rotation."""
    img = Image.new("RGB", size, bg)
    draw = ImageDraw.Draw(img)
    quads = []
    for text, font_name, font_size, (x, y), fg in lines:
        f = font(font_name, font_size)
        draw.text((x, y), text, font=f, fill=fg)
        l, t, r, b = draw.textbbox((x, y), text, font=f)
        quads.append([(l, t), (r, t), (r, b), (l, b)])
    if angle:
        # PIL rotates counter-clockwise (as seen) about the centre; map the corners the same way.
        img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=bg)
        cx, cy = size[0] / 2.0, size[1] / 2.0
        c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        quads = [[(cx + (px - cx) * c + (py - cy) * s, cy - (px - cx) * s + (py - cy) * c) for px, py in q]
                 for q in quads]
    return degrade(img, rng or random.Random(0), noise, blur), quads


def check_fits(text, font_name, size, x, page_w):
    l, _, r, _ = font(font_name, size).getbbox(text)
    return x + r - l < page_w - 8


# ----------------------------------------------------------------------------------------------
# Text for the calibration set.
WORDS = ("the quick brown fox jumps over lazy dog model tensor layer quantized integer float scale "
         "zero point weight activation kernel compiler runtime batch channel image text line page "
         "invoice total amount date order number price item quantity street city account balance "
         "report summary table figure section chapter version release update build test check "
         "hello world data value error result input output north south east west market coffee").split()


def random_token(rng):
    k = rng.random()
    if k < 0.55:
        w = rng.choice(WORDS)
        return w.capitalize() if rng.random() < 0.25 else (w.upper() if rng.random() < 0.05 else w)
    if k < 0.65:
        return str(rng.randint(0, 9999))
    if k < 0.72:
        return f"${rng.randint(1, 999)}.{rng.randint(0, 99):02d}"
    if k < 0.78:
        return f"{rng.randint(2019, 2031)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if k < 0.83:
        return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
    if k < 0.88:
        return f"{rng.randint(1, 99)}%"
    if k < 0.93:
        return f"#{rng.randint(100, 99999)}"
    return rng.choice(WORDS) + rng.choice([",", ".", ":", ";", "!", "?"])


def random_text(rng, lo=2, hi=4, max_chars=24):
    while True:
        t = " ".join(random_token(rng) for _ in range(rng.randint(lo, hi)))
        if len(t) <= max_chars:
            return t


def random_ink(rng):
    if rng.random() < 0.6:
        g = rng.randint(0, 50)
        return (g, g, g)
    return rng.choice([(20, 30, 110), (110, 20, 20), (10, 70, 30), (60, 40, 20)])


def random_paper(rng):
    if rng.random() < 0.5:
        return (255, 255, 255)
    base = rng.randint(215, 250)
    return (base, min(255, base + rng.randint(-4, 6)), max(0, base - rng.randint(0, 25)))


# ----------------------------------------------------------------------------------------------
# Output.
def slug(text):
    s = "".join(c.lower() if c.isalnum() else "_" for c in text)
    return "_".join(p for p in s.split("_") if p)


def write_sample(d, x, image_rgb, files):
    """x.npy (the model input), image.png (the rendered image) and the text files {name: content}."""
    os.makedirs(d, exist_ok=True)
    np.save(os.path.join(d, "x.npy"), np.ascontiguousarray(x, dtype=np.float32))
    Image.fromarray(image_rgb).save(os.path.join(d, "image.png"))
    for name, content in files.items():
        with open(os.path.join(d, name), "w", encoding="utf-8") as fh:
            fh.write(content)


def det_boxes_json(page_size, lines, quads):
    sx, sy = DET_SHAPE[1] / page_size[0], DET_SHAPE[0] / page_size[1]
    return json.dumps({
        "input_size": [DET_SHAPE[1], DET_SHAPE[0]],
        "page_size": list(page_size),
        "lines": [{"text": ln[0], "quad": [[round(px * sx, 2), round(py * sy, 2)] for px, py in q]}
                  for ln, q in zip(lines, quads)],
    }, indent=1) + "\n"


def line_sample(out, model, name, text, rgb, label=None):
    shape = REC_SHAPE if model == "rec" else CLS_SHAPE
    files = {"text.txt": text + "\n"}
    if label is not None:
        files["label.txt"] = label + "\n"
    write_sample(os.path.join(out, model, name), resize_norm_img(rgb_to_bgr(rgb), shape), rgb, files)


def page_sample(out, name, size, lines, **kw):
    rgb, quads = render_page(size, lines, **kw)
    write_sample(os.path.join(out, "det", name), det_preprocess(rgb_to_bgr(rgb)), rgb,
                 {"boxes.json": det_boxes_json(size, lines, quads)})


# The evaluation samples: clean black text on white.
TEST_LINES = [
    ("Hello World 2026", "sans", 32),
    ("quantized OCR test", "sans", 32),
    ("The quick brown fox 42", "sans", 28),
    ("Total: 12.50, due 03/14!", "serif", 28),
]

TEST_PAGE = ((800, 800), [
    ("quantc OCR benchmark", "sans-bold", 44, (60, 40), (0, 0, 0)),
    ("Hello World 2026", "sans", 32, (120, 150), (0, 0, 0)),
    ("The quick brown fox 42", "serif", 28, (60, 240), (0, 0, 0)),
    ("jumps over the lazy dog.", "serif", 28, (60, 285), (0, 0, 0)),
    ("quantized OCR test", "sans-bold", 36, (200, 420), (0, 0, 0)),
    ("Invoice #1234: 56.78 EUR", "mono", 24, (330, 560), (0, 0, 0)),
    ("small print, v1.30.0", "sans", 18, (450, 730), (0, 0, 0)),
])


def make_test(out):
    for text, fname, size in TEST_LINES:
        rgb = render_line(text, fname, size)
        line_sample(out, "rec", slug(text), text, rgb)
        line_sample(out, "cls", slug(text), text, rgb, "0")
        line_sample(out, "cls", slug(text) + "_rot180", text, np.ascontiguousarray(rgb[::-1, ::-1]), "180")
    size, lines = TEST_PAGE
    for text, fname, fsize, (x, _), _ in lines:
        assert check_fits(text, fname, fsize, x, size[0]), text
    page_sample(out, "page", size, lines)


def random_line(rng, min_size=20, max_size=48):
    text = random_text(rng)
    kw = dict(font_name=rng.choice(sorted(FONTS)), size=rng.randint(min_size, max_size), fg=random_ink(rng),
              bg=random_paper(rng), angle=rng.uniform(-2.0, 2.0), noise=rng.choice([0.0, 2.0, 4.0, 6.0]),
              blur=rng.choice([0.0, 0.0, 0.5, 0.8]), rng=rng)
    return text, render_line(text, **kw)


def make_random(out, prefix, n_rec=8, n_cls=8, n_det=4):
    """Random samples, each seeded by f"{prefix}-{model}-{i}": the calibration set (prefix "calib") and
    the held-out set (prefix "heldout") drawn the same way."""
    for i in range(n_rec):
        rng = random.Random(seed_of(f"{prefix}-rec-{i}"))
        text, rgb = random_line(rng)
        line_sample(out, "rec", f"{i:03d}", text, rgb)
    for i in range(n_cls):
        rng = random.Random(seed_of(f"{prefix}-cls-{i}"))
        text, rgb = random_line(rng)
        flip = i % 3 == 2  # about a third upside down
        if flip:
            rgb = np.ascontiguousarray(rgb[::-1, ::-1])
        line_sample(out, "cls", f"{i:03d}", text, rgb, "180" if flip else "0")
    page_sizes = [(800, 800), (1024, 768), (720, 960), (960, 720)]
    for i in range(n_det):
        rng = random.Random(seed_of(f"{prefix}-det-{i}"))
        size = page_sizes[i % len(page_sizes)]
        lines, y = [], rng.randint(20, 60)
        while True:
            fname, fsize = rng.choice(sorted(FONTS)), rng.randint(16, 44)
            text = random_text(rng, 2, 5, 30)
            x = rng.randint(20, size[0] // 3)
            while not check_fits(text, fname, fsize, x, size[0]) and fsize > 14:
                fsize -= 2
            if y + fsize * 1.3 > size[1] - 20 or not check_fits(text, fname, fsize, x, size[0]):
                break
            lines.append((text, fname, fsize, (x, y), random_ink(rng)))
            y += int(fsize * rng.uniform(1.4, 3.0))
        page_sample(out, f"{i:03d}", size, lines, bg=random_paper(rng), angle=rng.uniform(-2.0, 2.0),
                    noise=rng.choice([0.0, 3.0, 5.0]), blur=rng.choice([0.0, 0.6]), rng=rng)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "inputs"),
                    help="evaluation samples (default: models/inputs)")
    ap.add_argument("--calib-out", default=os.path.join(ROOT, "models", "calib"),
                    help="calibration samples (default: models/calib)")
    ap.add_argument("--heldout-out", default=os.path.join(ROOT, "models", "heldout"),
                    help="held-out samples drawn like the calibration ones (default: models/heldout)")
    args = ap.parse_args()
    dirs = (args.out, args.calib_out, args.heldout_out)
    for d in dirs:
        for model in ("rec", "cls", "det"):
            shutil.rmtree(os.path.join(d, model), ignore_errors=True)  # no stale samples
    make_test(args.out)
    make_random(args.calib_out, "calib")
    make_random(args.heldout_out, "heldout")
    for d in dirs:
        counts = ", ".join(f"{m} {len(os.listdir(os.path.join(d, m)))}" for m in ("rec", "cls", "det"))
        print(f"make-inputs: {os.path.relpath(d, os.getcwd())}: {counts} samples")


if __name__ == "__main__":
    main()
