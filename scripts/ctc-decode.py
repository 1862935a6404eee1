#!/usr/bin/python3
"""Greedy CTC decoding of a PP-OCR recognizer output, as PaddleOCR's CTCLabelDecode does.

    scripts/ctc-decode.py OUTPUT.npy KEYS.txt [--no-space-char] [--json]

OUTPUT.npy: the recognizer's softmax, N x T x C (PP-OCRv4 rec: 1 x 40 x 6625) or T x C.
KEYS.txt:   the character dictionary (models/ocr/ppocr_keys_v1.txt), one character per line.

Classes are: 0 = CTC blank, 1..K = the K lines of KEYS.txt, then " " (PaddleOCR's use_space_char=True,
the default for the PP-OCR models) -- so C must be K + 2 (K + 1 with --no-space-char). Per row:
argmax over classes, merge repeats, drop blanks; the confidence is the mean of the kept steps' max
probabilities (0 when nothing is kept). Prints, per batch row, the text and the confidence:

    Hello World 2026<TAB>0.9975
"""

import argparse
import json
import sys

import numpy as np


def load_keys(path, use_space_char=True):
    """ppocr/postprocess/rec_postprocess.py BaseRecLabelDecode + CTCLabelDecode.add_special_char."""
    chars = []
    with open(path, "rb") as fh:
        for line in fh.readlines():
            chars.append(line.decode("utf-8").strip("\n").strip("\r\n"))
    if use_space_char:
        chars.append(" ")
    return ["blank"] + chars


def ctc_greedy_decode(probs, characters):
    """probs: N x T x C. Returns [(text, confidence)] per batch row."""
    idx = probs.argmax(axis=2)
    prob = probs.max(axis=2)
    results = []
    for b in range(idx.shape[0]):
        keep = np.ones(idx.shape[1], dtype=bool)
        keep[1:] = idx[b][1:] != idx[b][:-1]  # merge repeats
        keep &= idx[b] != 0                   # drop blanks
        text = "".join(characters[i] for i in idx[b][keep])
        conf = prob[b][keep]
        results.append((text, float(np.mean(conf)) if conf.size else 0.0))
    return results


def main():
    ap = argparse.ArgumentParser(description="Greedy CTC decoding of a PP-OCR recognizer output (.npy).")
    ap.add_argument("output", help="recognizer output .npy, N x T x C softmax")
    ap.add_argument("keys", help="character dictionary, e.g. models/ocr/ppocr_keys_v1.txt")
    ap.add_argument("--no-space-char", action="store_true", help="the model was trained with use_space_char=False")
    ap.add_argument("--json", action="store_true", help='print [{"text": ..., "confidence": ...}] instead')
    args = ap.parse_args()

    try:
        probs = np.load(args.output)
    except (OSError, ValueError) as e:
        sys.exit(f"ctc-decode: error: cannot read {args.output}: {e}")
    try:
        characters = load_keys(args.keys, not args.no_space_char)
    except (OSError, UnicodeDecodeError) as e:
        sys.exit(f"ctc-decode: error: cannot read {args.keys}: {e}")
    if probs.ndim == 2:
        probs = probs[None]
    if probs.ndim != 3:
        sys.exit(f"ctc-decode: error: {args.output} has shape {probs.shape}; expected N x T x C or T x C")
    if probs.shape[2] != len(characters):
        sys.exit(f"ctc-decode: error: {args.output} has {probs.shape[2]} classes, but {args.keys} gives "
                 f"{len(characters)} (blank + {len(characters) - 1 - (not args.no_space_char)} keys"
                 f"{'' if args.no_space_char else ' + space'})")
    if not np.issubdtype(probs.dtype, np.floating):
        sys.exit(f"ctc-decode: error: {args.output} has dtype {probs.dtype}; expected probabilities")

    results = ctc_greedy_decode(probs.astype(np.float32), characters)
    if args.json:
        print(json.dumps([{"text": t, "confidence": c} for t, c in results], ensure_ascii=False))
    else:
        for text, conf in results:
            print(f"{text}\t{conf:.4f}")


if __name__ == "__main__":
    main()
