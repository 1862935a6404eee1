#!/usr/bin/env python3
"""Writes and prints small NumPy .npy files for lit tests (standard library
only, so the tests do not need numpy).

  npy.py write FILE DTYPE SHAPE VALUES   e.g. write x.npy f4 2,3 1,2,3,4,5,6
                                         (SHAPE "" is a scalar; VALUES "" none)
  npy.py print FILE                      prints "<f4 (2, 3): 1 2 3 4 5 6"
  npy.py compare FILE EXPECTED.npy [ATOL] exits 1 unless shapes and dtypes
                                         match and values agree within ATOL
  npy.py truncate FILE BYTES             cuts FILE to its first BYTES bytes

DTYPE is one of f4 f8 i8 i4 i2 i1 u1 b1.
"""

import ast
import struct
import sys

CODES = {
    "f4": ("<f4", "f", 4),
    "f8": ("<f8", "d", 8),
    "i8": ("<i8", "q", 8),
    "i4": ("<i4", "i", 4),
    "i2": ("<i2", "h", 2),
    "i1": ("|i1", "b", 1),
    "u1": ("|u1", "B", 1),
    "b1": ("|b1", "?", 1),
}
BY_DESCR = {v[0]: v for v in CODES.values()}


def write(path, code, shape_text, values_text):
    descr, fmt, _ = CODES[code]
    shape = tuple(int(d) for d in shape_text.split(",") if d)
    values = [v for v in values_text.split(",") if v]
    count = 1
    for d in shape:
        count *= d
    if len(values) != count:
        sys.exit(f"npy.py: {len(values)} values for shape {shape}")
    if fmt in "fd":
        data = [float(v) for v in values]
    elif fmt == "?":
        data = [v not in ("0", "false", "False") for v in values]
    else:
        data = [int(v) for v in values]
    shape_repr = "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape_repr)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack("<%d%s" % (count, fmt), *data))


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:6] != b"\x93NUMPY":
        sys.exit(f"npy.py: {path} is not a .npy file")
    if raw[6] == 1:
        (hlen,) = struct.unpack("<H", raw[8:10])
        start = 10
    else:
        (hlen,) = struct.unpack("<I", raw[8:12])
        start = 12
    header = ast.literal_eval(raw[start : start + hlen].decode())
    descr, fmt, size = BY_DESCR[header["descr"]]
    shape = tuple(header["shape"])
    count = 1
    for d in shape:
        count *= d
    data = raw[start + hlen :]
    if len(data) != count * size:
        sys.exit(f"npy.py: {path} holds {len(data)} data bytes, expected {count * size}")
    return descr, shape, list(struct.unpack("<%d%s" % (count, fmt), data))


def show(v):
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        return "%.6g" % v
    return str(v)


def main(argv):
    if len(argv) >= 2 and argv[1] == "write" and len(argv) == 6:
        write(argv[2], argv[3], argv[4], argv[5])
    elif len(argv) == 3 and argv[1] == "print":
        descr, shape, values = read(argv[2])
        print("%s %s: %s" % (descr, shape, " ".join(show(v) for v in values)))
    elif len(argv) in (4, 5) and argv[1] == "compare":
        atol = float(argv[4]) if len(argv) == 5 else 0.0
        got, want = read(argv[2]), read(argv[3])
        if got[:2] != want[:2]:
            sys.exit(f"npy.py: {got[:2]} != expected {want[:2]}")
        for i, (a, b) in enumerate(zip(got[2], want[2])):
            if abs(a - b) > atol:
                sys.exit(f"npy.py: element {i}: {a} != expected {b}")
        print("npy.py: match")
    elif len(argv) == 4 and argv[1] == "truncate":
        with open(argv[2], "rb") as f:
            raw = f.read()
        with open(argv[2], "wb") as f:
            f.write(raw[: int(argv[3])])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
