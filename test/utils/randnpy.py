#!/usr/bin/env python3
"""Writes a .npy file of reproducible pseudo-random f32 values for lit tests
(standard library only).

  randnpy.py FILE SHAPE SEED [LO HI]     e.g. randnpy.py x.npy 1,3,8,8 7 -1 1
"""

import random
import struct
import sys


def main():
    path, shape, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    lo, hi = (float(sys.argv[4]), float(sys.argv[5])) if len(sys.argv) > 5 else (-1.0, 1.0)
    dims = [int(d) for d in shape.split(",") if d]
    n = 1
    for d in dims:
        n *= d
    rng = random.Random(seed)
    values = [rng.uniform(lo, hi) for _ in range(n)]
    shape_str = "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }" % shape_str
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        f.write(struct.pack("<%df" % n, *values))


if __name__ == "__main__":
    main()
