#!/usr/bin/env python3
"""Prints an ONNX model (binary ModelProto) as text for FileCheck tests.

  onnxdump.py MODEL.onnx

Standard library only (the protobuf wire format is decoded here), so the
tests need neither the onnx nor the protobuf Python packages. Output:

  ir_version 8 opset 17 producer quantc
  input x float [1, 3, 8, 8]
  node conv1: Conv(x, w_dq, b) -> (y) group=1 kernel_shape=[3, 3]
  value y float [1, 4, 8, 8]
  output y float [1, 4, 8, 8]
  init w int8 [4, 3, 3, 3]
  init w_scale float [4] = 0.5 0.25 0.5 1

Initializers of at most 16 elements print their values; external data
prints its location.
"""

import struct
import sys

DTYPES = {1: ("float", "<f", 4), 2: ("uint8", "<B", 1), 3: ("int8", "<b", 1),
          4: ("uint16", "<H", 2), 5: ("int16", "<h", 2), 6: ("int32", "<i", 4),
          7: ("int64", "<q", 8), 9: ("bool", "<?", 1), 10: ("float16", None, 2),
          11: ("double", "<d", 8), 12: ("uint32", "<I", 4), 13: ("uint64", "<Q", 8),
          16: ("bfloat16", None, 2), 21: ("uint4", None, 0), 22: ("int4", None, 0)}


def varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, pos


def fields(buf):
    """(field number, wire type, value) of every field of a message."""
    pos = 0
    while pos < len(buf):
        key, pos = varint(buf, pos)
        num, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            n, pos = varint(buf, pos)
            value, pos = buf[pos:pos + n], pos + n
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        yield num, wire, value


def signed(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def ints(wire, value):
    """A repeated int64 field's values (packed or not)."""
    if wire == 0:
        return [signed(value)]
    out, pos = [], 0
    while pos < len(value):
        v, pos = varint(value, pos)
        out.append(signed(v))
    return out


def floats(wire, value):
    return list(struct.unpack("<%df" % (len(value) // 4), value))


def fmt_float(f):
    return "%.9g" % f


def shape_of(type_buf):
    for num, _, tensor in fields(type_buf):
        if num != 1:
            continue
        elem, dims = 0, []
        for n, _, v in fields(tensor):
            if n == 1:
                elem = v
            elif n == 2:
                for dn, _, dim in fields(v):
                    if dn == 1:
                        for k, _, d in fields(dim):
                            dims.append(str(signed(d)) if k == 1 else d.decode())
        return "%s [%s]" % (DTYPES.get(elem, (str(elem),))[0], ", ".join(dims))
    return "?"


def value_info(buf):
    name, typ = "", "?"
    for num, _, v in fields(buf):
        if num == 1:
            name = v.decode()
        elif num == 2:
            typ = shape_of(v)
    return "%s %s" % (name, typ)


def tensor(buf):
    dims, dtype, name, raw, external = [], 0, "", b"", []
    for num, wire, v in fields(buf):
        if num == 1:
            dims += ints(wire, v)
        elif num == 2:
            dtype = v
        elif num == 8:
            name = v.decode()
        elif num == 9:
            raw = v
        elif num == 13:
            kv = {k: val.decode() for k, _, val in fields(v)}
            external.append("%s=%s" % (kv.get(1), kv.get(2)))
    tname, code, size = DTYPES.get(dtype, (str(dtype), None, 0))
    text = "init %s %s [%s]" % (name, tname, ", ".join(map(str, dims)))
    count = 1
    for d in dims:
        count *= d
    if external:
        text += " external " + " ".join(external)
    elif count <= 16:
        if code:
            values = struct.unpack("<%d%s" % (count, code[1]), raw[:count * size])
        elif dtype in (21, 22):  # 4-bit, two per byte, low nibble first
            values = []
            for i in range(count):
                nib = (raw[i // 2] >> (4 * (i % 2))) & 0xF
                values.append(nib - 16 if dtype == 22 and nib >= 8 else nib)
        else:
            values = None
        if values is not None:
            text += " = " + " ".join(fmt_float(x) if isinstance(x, float) else str(int(x))
                                     for x in values)
    return text


def attribute(buf):
    name, kind, out = "", 0, {}
    for num, wire, v in fields(buf):
        if num == 1:
            name = v.decode()
        elif num == 20:
            kind = v
        elif num == 2:
            out["f"] = fmt_float(struct.unpack("<f", v)[0])
        elif num == 3:
            out["i"] = str(signed(v))
        elif num == 4:
            out["s"] = '"%s"' % v.decode()
        elif num == 7:
            out.setdefault("floats", []).extend(floats(wire, v) if wire == 2 else [struct.unpack("<f", v)[0]])
        elif num == 8:
            out.setdefault("ints", []).extend(ints(wire, v))
    key = {1: "f", 2: "i", 3: "s", 6: "floats", 7: "ints"}.get(kind)
    value = out.get(key, "")
    if key == "ints":
        value = "[%s]" % ", ".join(map(str, value))
    elif key == "floats":
        value = "[%s]" % ", ".join(map(fmt_float, value))
    return "%s=%s" % (name, value)


def node(buf):
    ins, outs, name, op, domain, attrs = [], [], "", "", "", []
    for num, _, v in fields(buf):
        if num == 1:
            ins.append(v.decode())
        elif num == 2:
            outs.append(v.decode())
        elif num == 3:
            name = v.decode()
        elif num == 4:
            op = v.decode()
        elif num == 5:
            attrs.append(attribute(v))
        elif num == 7:
            domain = v.decode()
    op = domain + "." + op if domain else op
    text = "node %s: %s(%s) -> (%s)" % (name, op, ", ".join(ins), ", ".join(outs))
    return text + "".join(" " + a for a in sorted(attrs))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], "rb") as f:
        model = f.read()
    header, lines = {"ir_version": "?", "opset": [], "producer": ""}, []
    for num, _, v in fields(model):
        if num == 1:
            header["ir_version"] = str(v)
        elif num == 2:
            header["producer"] = v.decode()
        elif num == 8:
            domain, version = "", 0
            for n, _, x in fields(v):
                if n == 1:
                    domain = x.decode()
                elif n == 2:
                    version = x
            header["opset"].append(("%s:" % domain if domain else "") + str(version))
        elif num == 7:
            groups = {1: [], 5: [], 11: [], 12: [], 13: []}
            for n, _, x in fields(v):
                if n in groups:
                    groups[n].append(x)
            lines += ["input " + value_info(x) for x in groups[11]]
            lines += [node(x) for x in groups[1]]
            lines += ["value " + value_info(x) for x in groups[13]]
            lines += ["output " + value_info(x) for x in groups[12]]
            lines += [tensor(x) for x in groups[5]]
    print("ir_version %s opset %s producer %s" % (header["ir_version"], " ".join(header["opset"]),
                                                 header["producer"]))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
