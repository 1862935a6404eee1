#!/usr/bin/env python3
"""Writes and prints small NumPy .npy files for lit tests (standard library
only, so the tests do not need numpy).

  npy.py write FILE DTYPE SHAPE VALUES   e.g. write x.npy f4 2,3 1,2,3,4,5,6
                                         (SHAPE "" is a scalar; VALUES "" none)
  npy.py print FILE                      prints "<f4 (2, 3): 1 2 3 4 5 6"
  npy.py compare FILE EXPECTED.npy [ATOL] exits 1 unless shapes and dtypes
                                         match and values agree within ATOL
  npy.py truncate FILE BYTES             cuts FILE to its first BYTES bytes
  npy.py writepb FILE DTYPE SHAPE VALUES [NAME]
                                         writes an ONNX TensorProto (.pb, raw
                                         data), as in ONNX's test data

DTYPE is one of f4 f8 i8 i4 i2 i1 u1 b1. print and compare also read
TensorProto .pb files (by extension), shown with the .npy dtype.
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


# TensorProto data types and the .npy codes they correspond to.
PB_TYPES = {1: "f4", 2: "u1", 3: "i1", 5: "i2", 6: "i4", 7: "i8", 9: "b1", 11: "f8"}
PB_CODES = {v: k for k, v in PB_TYPES.items()}


def varint(n):
    n &= (1 << 64) - 1
    out = b""
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def write_pb(path, code, shape_text, values_text, name=""):
    _, fmt, _ = CODES[code]
    shape = [int(d) for d in shape_text.split(",") if d]
    values = [v for v in values_text.split(",") if v]
    if fmt in "fd":
        data = [float(v) for v in values]
    elif fmt == "?":
        data = [v not in ("0", "false", "False") for v in values]
    else:
        data = [int(v) for v in values]
    out = b""
    for d in shape:
        out += b"\x08" + varint(d)
    out += b"\x10" + varint(PB_CODES[code])
    if name:
        out += b"\x42" + varint(len(name)) + name.encode()
    raw = struct.pack("<%d%s" % (len(data), fmt), *data)
    out += b"\x4a" + varint(len(raw)) + raw
    with open(path, "wb") as f:
        f.write(out)


def read_pb(path):
    """dims, data_type, name and raw/typed data of a TensorProto."""
    with open(path, "rb") as f:
        raw = f.read()
    pos, dims, dtype, payload, typed = 0, [], 0, None, []

    def get_varint():
        nonlocal pos
        n, shift = 0, 0
        while True:
            if pos >= len(raw):
                sys.exit(f"npy.py: {path} is a truncated TensorProto")
            b = raw[pos]
            pos += 1
            n |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return n

    def signed(n):
        return n - (1 << 64) if n >= 1 << 63 else n

    while pos < len(raw):
        key = get_varint()
        field, wire = key >> 3, key & 7
        if wire == 0:
            v = get_varint()
            if field == 1:
                dims.append(signed(v))
            elif field == 2:
                dtype = v
            elif field in (5, 7):
                typed.append(signed(v))
        elif wire == 2:
            n = get_varint()
            chunk = raw[pos : pos + n]
            pos += n
            if field == 9:
                payload = chunk
            elif field == 1 or field in (5, 7):
                sub, raw_saved, pos_saved = [], raw, pos
                raw, pos = chunk, 0
                while pos < len(raw):
                    sub.append(signed(get_varint()))
                raw, pos = raw_saved, pos_saved
                (dims if field == 1 else typed).extend(sub)
            elif field == 4:
                typed.extend(struct.unpack("<%df" % (len(chunk) // 4), chunk))
            elif field == 10:
                typed.extend(struct.unpack("<%dd" % (len(chunk) // 8), chunk))
        elif wire == 5:
            (v,) = struct.unpack("<f", raw[pos : pos + 4])
            pos += 4
            if field == 4:
                typed.append(v)
        elif wire == 1:
            (v,) = struct.unpack("<d", raw[pos : pos + 8])
            pos += 8
            if field == 10:
                typed.append(v)
        else:
            sys.exit(f"npy.py: {path} is not a TensorProto")
    if dtype not in PB_TYPES:
        sys.exit(f"npy.py: {path}: unsupported TensorProto data type {dtype}")
    descr, fmt, size = CODES[PB_TYPES[dtype]]
    count = 1
    for d in dims:
        count *= d
    if payload is not None:
        if len(payload) != count * size:
            sys.exit(f"npy.py: {path} holds {len(payload)} data bytes, expected {count * size}")
        values = list(struct.unpack("<%d%s" % (count, fmt), payload))
    else:
        values = [bool(v) for v in typed] if fmt == "?" else typed
    return descr, tuple(dims), values


def read(path):
    if path.endswith(".pb"):
        return read_pb(path)
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
    elif len(argv) in (6, 7) and argv[1] == "writepb":
        write_pb(*argv[2:])
    elif len(argv) == 4 and argv[1] == "truncate":
        with open(argv[2], "rb") as f:
            raw = f.read()
        with open(argv[2], "wb") as f:
            f.write(raw[: int(argv[3])])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
