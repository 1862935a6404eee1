#!/usr/bin/python3
"""Trains, exports and measures quantc's small pre-LayerNorm transformer.

    scripts/transformer/train.py [--out models/transformer] [--steps N] [--lr LR]
                                 [--max-seconds S] [--threads N] [--seed S]
                                 [--retrain] [--stats-only]

A character-level language model (ASCII, 128 symbols) on the Python 3.11
standard library sources (/usr/lib/python3.11/*.py, present wherever this
script's interpreter is): d_model 256, 4 pre-LN blocks (4 heads of 64, GELU
MLP 256 -> 1024 -> 256), learned positions, a final LayerNorm and a linear
head, sequence length 128 with a BOS symbol (0) in front. Everything is
seeded: the same corpus, seed and step count give the same model.

Writes to --out (default models/transformer, ignored by git):
    model.pt            the trained weights (training is skipped when it exists,
                        unless --retrain)
    model.onnx          opset 17 (LayerNormalization), input ids int64 [1, 128],
                        output logits f32 [1, 128, 128]
    calib/NNN/ids.npy   32 calibration windows from the training files
    eval/NNN/ids.npy    64 evaluation windows from held-out files
    eval-targets.npy    int64 [64, 128]: the next symbol at every position
    torch-metric.json   next-symbol accuracy and cross-entropy of the fp32 model
                        on the evaluation set (what score.py computes from ONNX
                        outputs)
    outliers.json       per-channel max|x| statistics (see below), also printed
    corpus.json         the corpus files and sha256 of the train/held-out text

Training stops early, and the model trained so far is saved and exported as
usual, after --max-seconds of training or on SIGINT / SIGTERM; corpus.json
then records the steps actually taken (steps_done) next to the schedule's
length (steps). OUT/checkpoint.pt is written every --save-every steps (the
weights only; it is not resumed from).

Outlier statistics: for the residual stream entering each LayerNorm, each
LayerNorm output (the activations that feed the linear layers) and the MLP
down-projection input, per-channel max |x| over the calibration set; printed
as the median channel, the top channels, the ratio top/median and the number
of channels above 6x the median.

Needs Debian's python3-torch (scripts/setup.sh --transformer installs it).
Single-threaded by default: on a machine shared with builds, more threads
are slower (OpenBLAS and OpenMP threads spin against the compilers).
"""

import argparse
import glob
import hashlib
import json
import math
import os
import signal
import sys
import time

# Debian's torch uses the libblas.so.3 alternative, which is the (very slow)
# reference BLAS unless OpenBLAS is the default. Run with OpenBLAS when it is
# installed, single-threaded (torch's own threads parallelise).
OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-pthread"
if os.path.isdir(OPENBLAS) and OPENBLAS not in os.environ.get(
        "LD_LIBRARY_PATH", ""):
    os.environ["LD_LIBRARY_PATH"] = ":".join(
        p for p in (OPENBLAS, os.environ.get("LD_LIBRARY_PATH")) if p)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.execv(sys.executable, [sys.executable] + sys.argv)

try:
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:  # pragma: no cover
    sys.exit(f"train.py: {e}; run scripts/setup.sh --transformer "
             "(apt-get install python3-torch libopenblas0-pthread)")

VOCAB = 128
BOS = 0
D_MODEL = 256
N_LAYERS = 4
N_HEADS = 4
D_MLP = 1024
SEQ = 128
CORPUS_GLOB = "/usr/lib/python3.11/*.py"
HELD_OUT_EVERY = 10  # every 10th file (sorted) is held out for evaluation
N_CALIB = 32
N_EVAL = 64


# ----------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------

def encode(raw: bytes) -> np.ndarray:
    a = np.frombuffer(raw, dtype=np.uint8).astype(np.int64)
    a[(a >= VOCAB) | (a == BOS)] = ord("?")
    return a


def load_corpus():
    files = sorted(glob.glob(CORPUS_GLOB))
    if not files:
        sys.exit(f"train.py: no corpus files match {CORPUS_GLOB}")
    train, held = [], []
    for i, f in enumerate(files):
        with open(f, "rb") as fh:
            (held if i % HELD_OUT_EVERY == 0 else train).append(fh.read())
    train_raw, held_raw = b"\n".join(train), b"\n".join(held)
    info = {
        "glob": CORPUS_GLOB,
        "files": len(files),
        "train_bytes": len(train_raw),
        "held_out_bytes": len(held_raw),
        "train_sha256": hashlib.sha256(train_raw).hexdigest(),
        "held_out_sha256": hashlib.sha256(held_raw).hexdigest(),
    }
    return encode(train_raw), encode(held_raw), info


def windows(text: np.ndarray, n: int, rng: np.random.Generator):
    """n windows of SEQ symbols: inputs [BOS, t0..t126], targets [t0..t127]."""
    starts = rng.integers(0, len(text) - SEQ, size=n)
    tgt = np.stack([text[s:s + SEQ] for s in starts])
    inp = np.concatenate([np.full((n, 1), BOS, np.int64), tgt[:, :-1]], axis=1)
    return inp, tgt


# ----------------------------------------------------------------------------
# Model
# ----------------------------------------------------------------------------

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(D_MODEL)
        self.qkv = nn.Linear(D_MODEL, 3 * D_MODEL)
        self.proj = nn.Linear(D_MODEL, D_MODEL)
        self.ln2 = nn.LayerNorm(D_MODEL)
        self.up = nn.Linear(D_MODEL, D_MLP)
        self.act = nn.GELU()
        self.down = nn.Linear(D_MLP, D_MODEL)
        self.register_buffer(
            "mask", torch.triu(torch.full((SEQ, SEQ), -1e4), diagonal=1))

    def forward(self, x):
        b, t, _ = x.shape
        dh = D_MODEL // N_HEADS
        q, k, v = self.qkv(self.ln1(x)).split(D_MODEL, dim=-1)
        q = q.view(b, t, N_HEADS, dh).transpose(1, 2)
        k = k.view(b, t, N_HEADS, dh).transpose(1, 2)
        v = v.view(b, t, N_HEADS, dh).transpose(1, 2)
        s = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(dh)) + self.mask
        a = torch.softmax(s, dim=-1) @ v
        x = x + self.proj(a.transpose(1, 2).reshape(b, t, D_MODEL))
        return x + self.down(self.act(self.up(self.ln2(x))))


class CharLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, D_MODEL)
        self.pos = nn.Parameter(torch.randn(SEQ, D_MODEL) * 0.02)
        self.blocks = nn.ModuleList(Block() for _ in range(N_LAYERS))
        self.lnf = nn.LayerNorm(D_MODEL)
        self.head = nn.Linear(D_MODEL, VOCAB)
        nn.init.normal_(self.emb.weight, std=0.02)

    def forward(self, ids):
        h = self.emb(ids) + self.pos
        for blk in self.blocks:
            h = blk(h)
        return self.head(self.lnf(h))


# ----------------------------------------------------------------------------
# Training
# ----------------------------------------------------------------------------

def train(model, text, args, probe):
    rng = np.random.default_rng(args.seed)
    decay = [p for n, p in model.named_parameters()
             if p.dim() == 2 and not n.startswith(("emb", "pos"))]
    no_decay = [p for n, p in model.named_parameters()
                if not (p.dim() == 2 and not n.startswith(("emb", "pos")))]
    opt = torch.optim.AdamW([{"params": decay,
                              "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))
    warmup = max(1, args.steps // 20)

    def lr_at(step):
        if step < warmup:
            return args.lr * (step + 1) / warmup
        p = (step - warmup) / max(1, args.steps - warmup)
        return args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * p)))

    stop = []

    def on_signal(signum, frame):
        print(f"signal {signum}: stopping after this step", flush=True)
        stop.append(signum)

    old = {s: signal.signal(s, on_signal)
           for s in (signal.SIGINT, signal.SIGTERM)}
    model.train()
    t0 = time.time()
    avg = None
    done = 0
    for step in range(args.steps):
        if stop or (args.max_seconds and time.time() - t0 > args.max_seconds):
            print(f"stopping early after {step} of {args.steps} steps "
                  f"({time.time() - t0:.0f} s)", flush=True)
            break
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        inp, tgt = windows(text, args.batch, rng)
        logits = model(torch.from_numpy(inp))
        loss = F.cross_entropy(logits.reshape(-1, VOCAB),
                               torch.from_numpy(tgt).reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        avg = loss.item() if avg is None else 0.98 * avg + 0.02 * loss.item()
        done = step + 1
        if args.save_every and done % args.save_every == 0:
            torch.save(model.state_dict(),
                       os.path.join(args.out, "checkpoint.pt"))
        if step % 50 == 0 or step == args.steps - 1:
            el = time.time() - t0
            print(f"step {step:5d}  loss {avg:.3f}  lr {lr_at(step):.2e}  "
                  f"{el:6.0f} s", flush=True)
        if step % 500 == 499:
            model.eval()
            st = outlier_stats(model, probe)
            model.train()
            worst = lambda kind: max((v["ratio"], k) for k, v in st.items()
                                     if kind in k)
            print("  max/median channel: residual %.1f (%s), LN out %.1f (%s)"
                  % (*worst("residual"), *worst("ln")), flush=True)
    for sig, h in old.items():
        signal.signal(sig, h)
    model.eval()
    return time.time() - t0, done


# ----------------------------------------------------------------------------
# Measurements
# ----------------------------------------------------------------------------

@torch.no_grad()
def metric(model, inp, tgt):
    logits = model(torch.from_numpy(inp))
    ce = F.cross_entropy(logits.reshape(-1, VOCAB),
                         torch.from_numpy(tgt).reshape(-1)).item()
    acc = (logits.argmax(-1).numpy() == tgt).mean()
    return {"accuracy": float(acc), "cross_entropy": ce,
            "bits_per_symbol": ce / math.log(2), "positions": int(tgt.size)}


def channel_stats(absmax: np.ndarray):
    med = float(np.median(absmax))
    order = np.argsort(-absmax)
    return {
        "median": med,
        "max": float(absmax[order[0]]),
        "ratio": float(absmax[order[0]] / med),
        "above_6x_median": int((absmax > 6 * med).sum()),
        "top": [[int(c), float(absmax[c])] for c in order[:5]],
    }


@torch.no_grad()
def outlier_stats(model, inp):
    acts = {}

    def hook(name, which):
        def fn(mod, args, out):
            t = args[0] if which == "in" else out
            m = t.reshape(-1, t.shape[-1]).abs().amax(0).numpy()
            acts[name] = np.maximum(acts.get(name, 0), m)
        return fn

    hs = []
    for i, blk in enumerate(model.blocks):
        hs.append(blk.ln1.register_forward_hook(hook(f"block{i}.residual_in", "in")))
        hs.append(blk.ln1.register_forward_hook(hook(f"block{i}.ln1_out", "out")))
        hs.append(blk.ln2.register_forward_hook(hook(f"block{i}.residual_mid", "in")))
        hs.append(blk.ln2.register_forward_hook(hook(f"block{i}.ln2_out", "out")))
        hs.append(blk.down.register_forward_hook(hook(f"block{i}.down_in", "in")))
    hs.append(model.lnf.register_forward_hook(hook("final.residual_out", "in")))
    hs.append(model.lnf.register_forward_hook(hook("final.lnf_out", "out")))
    for s in range(0, len(inp), 8):
        model(torch.from_numpy(inp[s:s + 8]))
    for h in hs:
        h.remove()
    return {k: channel_stats(v) for k, v in acts.items()}


def print_stats(stats):
    print(f"{'tensor':22s} {'median':>8s} {'max':>9s} {'max/med':>8s} "
          f"{'>6x':>4s}  top channels (index: max|x|)")
    for k, s in stats.items():
        top = ", ".join(f"{c}: {v:.1f}" for c, v in s["top"][:4])
        print(f"{k:22s} {s['median']:8.3f} {s['max']:9.2f} {s['ratio']:8.1f} "
              f"{s['above_6x_median']:4d}  {top}")


# ----------------------------------------------------------------------------
# Export
# ----------------------------------------------------------------------------

def write_samples(root, inp):
    os.makedirs(root, exist_ok=True)
    for i, row in enumerate(inp):
        d = os.path.join(root, f"{i:03d}")
        os.makedirs(d, exist_ok=True)
        np.save(os.path.join(d, "ids.npy"), row[None, :].astype(np.int64))


def export(model, path):
    dummy = torch.zeros(1, SEQ, dtype=torch.int64)
    torch.onnx.export(model, (dummy,), path, opset_version=17,
                      input_names=["ids"], output_names=["logits"],
                      do_constant_folding=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="models/transformer")
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--max-seconds", type=float, default=0,
                    help="stop training after this many seconds (0: no limit)")
    ap.add_argument("--save-every", type=int, default=100,
                    help="write OUT/checkpoint.pt every N steps (0: never)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--retrain", action="store_true",
                    help="train even if OUT/model.pt exists")
    ap.add_argument("--stats-only", action="store_true",
                    help="print the outlier statistics of OUT/model.pt and stop")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    train_text, held_text, corpus = load_corpus()
    rng = np.random.default_rng(args.seed + 1)
    calib_inp, _ = windows(train_text, N_CALIB, rng)
    eval_inp, eval_tgt = windows(held_text, N_EVAL, rng)

    model = CharLM()
    ckpt = os.path.join(args.out, "model.pt")
    if os.path.exists(ckpt) and not args.retrain:
        model.load_state_dict(torch.load(ckpt))
        model.eval()
        print(f"loaded {ckpt}")
    elif args.stats_only:
        sys.exit(f"train.py: {ckpt} does not exist; train first")
    else:
        print(f"training {sum(p.numel() for p in model.parameters())} "
              f"parameters for {args.steps} steps of {args.batch}x{SEQ} "
              f"symbols on {args.threads} thread(s)", flush=True)
        secs, done = train(model, train_text, args, calib_inp)
        torch.save(model.state_dict(), ckpt)
        corpus.update({"steps": args.steps, "steps_done": done,
                       "batch": args.batch, "lr": args.lr,
                       "weight_decay": args.weight_decay,
                       "seed": args.seed, "train_seconds": round(secs)})
        with open(os.path.join(args.out, "corpus.json"), "w") as f:
            json.dump(corpus, f, indent=1)

    stats = outlier_stats(model, calib_inp)
    print_stats(stats)
    with open(os.path.join(args.out, "outliers.json"), "w") as f:
        json.dump(stats, f, indent=1)
    if args.stats_only:
        return

    m = metric(model, eval_inp, eval_tgt)
    print(f"torch fp32 on {m['positions']} held-out positions: accuracy "
          f"{m['accuracy']:.4f}, cross-entropy {m['cross_entropy']:.4f} nats "
          f"({m['bits_per_symbol']:.3f} bits/symbol)")
    with open(os.path.join(args.out, "torch-metric.json"), "w") as f:
        json.dump(m, f, indent=1)

    export(model, os.path.join(args.out, "model.onnx"))
    write_samples(os.path.join(args.out, "calib"), calib_inp)
    write_samples(os.path.join(args.out, "eval"), eval_inp)
    np.save(os.path.join(args.out, "eval-targets.npy"), eval_tgt)
    print(f"wrote {args.out}/model.onnx, calib/ ({N_CALIB}), eval/ ({N_EVAL}), "
          "eval-targets.npy")


if __name__ == "__main__":
    main()
