#!/usr/bin/env python3
"""A small PTX interpreter, enough to run quantc's integer tensor-core GEMM
kernels on a CPU (no GPU in CI): every thread of a block runs the kernel's
instructions on its own registers; `bar.sync` waits for the block and
`mma.sync` for the warp, which then computes the product from the lanes'
fragments as the PTX ISA defines them ("Matrix Fragments for
mma.m16n8k32", 8-bit integer operands). `cp.async` copies at once
(commit/wait are no-ops), global memory is one flat byte array, shared
memory one per block.

Supported: what quantc's tensor-core GEMM kernels use: integer mov, cvt,
cvta, add/sub/mul/mad/neg, bitwise ops and shifts, bfe, min/max, setp,
selp, predicate logic, bra, ld/st global/shared/param (scalars and v2/v4),
cp.async, bar.sync, ldmatrix (m8n8 b16, not transposed), atom.global.add
(u32, s32, f32), mma.sync m16n8k32
u8/s8 x s8 -> s32 and m16n8k16 f16 x f16 -> f32, and the float ops around
them, of the FWHT kernel and of fused epilogues (add/sub/mul/fma .rn.f32,
cvt.rn.f16x2.f32, cvt.rn.f32.s32, add/sub .rn.f16x2), ret. Anything else
raises, naming the instruction. Registers hold bits; f32 and f16 results
are rounded as numpy rounds them (an fma rounds twice, through f64: the
f16 mma's sums are compared with a tolerance anyway).

  kernel = Kernel(ptx_text)            # the first .entry
  mem = Memory(); a = mem.alloc(bytes)
  kernel.launch(mem, grid=(gx, gy, gz), block=(bx, 1, 1), params=[a, ...])

  ptx, grid, block, args = find_launch(mlir_text)   # from quant-opt's output
  text, ptx, grid, block, args = read_launch(path, "tool")
"""
import re
import sys

import numpy as np

_MASK = {8: 0xFF, 16: 0xFFFF, 32: 0xFFFFFFFF, 64: 0xFFFFFFFFFFFFFFFF}


class EmuError(Exception):
    pass


def find_launch(text):
    """The first gpu.launch_func of an MLIR module whose kernels went
    through gpu-module-to-binary{format=isa}: its PTX, grid and block sizes
    (from index constants) and argument names."""
    asm = re.search(r'assembly = "((?:[^"\\]|\\.)*)"', text)
    launch = re.search(r"gpu\.launch_func\s+@\w+::@\w+ blocks in \(([^)]*)\) threads in \(([^)]*)\)\s+args\(([^)]*)\)", text)
    if not asm or not launch:
        raise EmuError("no kernel binary or launch")
    ptx = re.sub(r"\\([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), asm.group(1))
    consts = {c: int(v) for c, v in re.findall(r"(%\w+) = arith\.constant (\d+) : index", text)}
    grid = [consts[c.strip()] for c in launch.group(1).split(",")]
    block = [consts[c.strip()] for c in launch.group(2).split(",")]
    args = [a.split(":")[0].strip() for a in launch.group(3).split(",")]
    return ptx, grid, block, args


def read_launch(path, tool):
    """find_launch on the file `path`, exiting with a message naming `tool`
    when it has none; returns the text too."""
    text = open(path).read()
    try:
        return (text,) + find_launch(text)
    except EmuError as e:
        sys.exit("%s: %s in %s" % (tool, e, path))


class Memory:
    """Global memory: one byte array; addresses are offsets into it."""

    def __init__(self):
        self.data = bytearray(256)

    def alloc(self, content):
        base = (len(self.data) + 255) // 256 * 256
        self.data.extend(b"\0" * (base - len(self.data)))
        self.data.extend(content)
        return base

    def read(self, base, size):
        return bytes(self.data[base:base + size])


def _width(t):
    m = re.match(r"[bsuf](\d+)$", t)
    if not m:
        raise EmuError("type ." + t)
    return int(m.group(1))


def _f32(bits):
    return float(np.uint32(bits & _MASK[32]).view(np.float32))


def _bits32(x):
    return int(np.float32(x).view(np.uint32))


def _f16pair(bits):
    h = np.array([bits & 0xFFFF, (bits >> 16) & 0xFFFF], dtype=np.uint16).view(np.float16)
    return float(h[0]), float(h[1])


def _bits16pair(lo, hi):
    h = np.array([lo, hi], dtype=np.float16).view(np.uint16)
    return int(h[0]) | (int(h[1]) << 16)


def _signed(v, w):
    v &= _MASK[w]
    return v - (1 << w) if v >> (w - 1) else v


class Kernel:
    def __init__(self, ptx):
        body = re.sub(r"//[^\n]*", "", ptx)
        m = re.search(r"\.entry\s+(\w+)\s*\(([^)]*)\)(.*?)\{(.*)\}", body, re.S)
        if not m:
            raise EmuError("no .entry in the PTX")
        self.name = m.group(1)
        self.params = re.findall(r"\.param\s+[^,]*?(\w+)\s*(?:,|$)", m.group(2))
        text = m.group(4)
        self.shared = {}
        size = 0
        for align, name, n in re.findall(r"\.shared\s+(?:\.align\s+(\d+)\s+)?\.b8\s+(\w+)\[(\d+)\];", text):
            a = int(align or 1)
            size = (size + a - 1) // a * a
            self.shared[name] = size
            size += int(n)
        self.shared_size = size
        self.code, self.labels = [], {}
        for stmt in re.split(r";|\n(?=\s*\$?\w+:)", text):
            stmt = " ".join(stmt.split())
            while True:
                lm = re.match(r"^(\$?[\w.$]+):\s*(.*)$", stmt)
                if not lm:
                    break
                self.labels[lm.group(1)] = len(self.code)
                stmt = lm.group(2)
            if not stmt or stmt.startswith(".") or stmt in ("{", "}"):
                continue
            self.code.append(self._decode(stmt))

    @staticmethod
    def _decode(stmt):
        pred = None
        pm = re.match(r"^@(!?)(%\w+)\s+(.*)$", stmt)
        if pm:
            pred = (pm.group(1) == "!", pm.group(2))
            stmt = pm.group(3)
        parts = stmt.split(None, 1)
        op = parts[0]
        args = []
        if len(parts) > 1:
            depth, cur = 0, ""
            for ch in parts[1]:
                if ch in "{[":
                    depth += 1
                elif ch in "}]":
                    depth -= 1
                if ch == "," and depth == 0:
                    args.append(cur.strip())
                    cur = ""
                else:
                    cur += ch
            if cur.strip():
                args.append(cur.strip())
        return (pred, op, args, stmt)

    # -- operands --------------------------------------------------------

    def _val(self, th, a):
        if a.startswith("%"):
            if a in th.regs:
                return th.regs[a]
            sp = th.special.get(a)
            if sp is not None:
                return sp
            if re.match(r"%\w+$", a):
                return 0  # a register not written yet
            raise EmuError("operand " + a)
        if a in self.shared:
            return self.shared[a]
        if re.match(r"^0[fF][0-9a-fA-F]{8}$", a):
            return int(a[2:], 16)
        if re.match(r"^-?0[xX][0-9a-fA-F]+$", a):
            return int(a, 16)
        if re.match(r"^-?\d+$", a):
            return int(a)
        raise EmuError("operand " + a)

    def _addr(self, th, a):
        m = re.match(r"^\[\s*([^\]+]+?)\s*(?:\+\s*(-?\w+))?\s*\]$", a)
        if not m:
            raise EmuError("address " + a)
        base = m.group(1)
        if base in th.params:
            return ("param", th.params[base])
        off = int(m.group(2), 0) if m.group(2) else 0
        return self._val(th, base) + off

    @staticmethod
    def _vec(a):
        return [x.strip() for x in a.strip("{}").split(",")]

    # -- execution -------------------------------------------------------

    def launch(self, mem, grid, block, params):
        if len(params) != len(self.params):
            raise EmuError("%s takes %d parameters, got %d" % (self.name, len(self.params), len(params)))
        nthreads = block[0] * block[1] * block[2]
        for bz in range(grid[2]):
            for by in range(grid[1]):
                for bx in range(grid[0]):
                    shared = bytearray(self.shared_size)
                    threads = [_Thread(self, t, (bx, by, bz), block, grid,
                                       dict(zip(self.params, params)))
                               for t in range(nthreads)]
                    self._run_block(mem, shared, threads)

    def _run_block(self, mem, shared, threads):
        while True:
            for th in threads:
                if not th.done and th.wait is None:
                    self._run(th, mem, shared)
            live = [th for th in threads if not th.done]
            if not live:
                return
            if all(th.wait == "bar" for th in live):
                for th in live:
                    th.wait = None
                    th.pc += 1
                continue
            progressed = False
            for w in range(0, len(threads), 32):
                warp = threads[w:w + 32]
                if all(th.wait == "mma" for th in warp) and len({th.pc for th in warp}) == 1:
                    self._mma(warp, shared)
                    for th in warp:
                        th.wait = None
                        th.pc += 1
                    progressed = True
            if not progressed:
                raise EmuError("deadlock: threads wait at %s" % sorted({(th.wait, th.pc) for th in live}))

    def _mma(self, warp, shared):
        _, op, args, stmt = self.code[warp[0].pc]
        if op.startswith("ldmatrix"):
            return self._ldmatrix(warp, shared, op, args, stmt)
        if op == "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32":
            return self._mma_f16(warp, args)
        if not re.match(r"mma\.sync\.aligned\.m16n8k32\.row\.col\.s32\.([us]8)\.s8\.s32$", op):
            raise EmuError("unsupported: " + stmt)
        a_signed = op.split(".")[7] == "s8"
        d, a, b, c = (self._vec(x) for x in args)
        A = [[0] * 32 for _ in range(16)]
        B = [[0] * 8 for _ in range(32)]
        C = [[0] * 8 for _ in range(16)]
        for lane, th in enumerate(warp):
            g, t = lane >> 2, lane & 3
            for i in range(4):
                v = self._val(th, a[i])
                for byte in range(4):
                    x = (v >> (8 * byte)) & 0xFF
                    A[g + 8 * (i & 1)][4 * t + 16 * (i >> 1) + byte] = _signed(x, 8) if a_signed else x
            for j in range(2):
                v = self._val(th, b[j])
                for byte in range(4):
                    B[4 * t + 16 * j + byte][g] = _signed((v >> (8 * byte)) & 0xFF, 8)
            for e in range(4):
                C[g + 8 * (e >> 1)][2 * t + (e & 1)] = _signed(self._val(th, c[e]), 32)
        for lane, th in enumerate(warp):
            g, t = lane >> 2, lane & 3
            for e in range(4):
                row, col = g + 8 * (e >> 1), 2 * t + (e & 1)
                s = C[row][col] + sum(A[row][k] * B[k][col] for k in range(32))
                th.regs[d[e]] = s & _MASK[32]

    def _ldmatrix(self, warp, shared, op, args, stmt):
        """ldmatrix.sync.aligned.m8n8.x{1,2,4}.shared.b16: matrix i's eight
        16-byte rows at the addresses of lanes 8i .. 8i + 7; lane l receives
        in register i the b16 pair (row l / 4, columns 2 (l % 4), + 1)."""
        m = re.match(r"ldmatrix\.sync\.aligned\.m8n8\.x([124])\.shared\.b16$", op)
        if not m:
            raise EmuError("unsupported: " + stmt)
        dst = self._vec(args[0])
        rows = []
        for th in warp:
            addr = self._addr(th, args[1])
            if addr % 16:
                raise EmuError("ldmatrix row address %d not 16-byte aligned" % addr)
            rows.append(shared[addr:addr + 16])
        for lane, th in enumerate(warp):
            for i in range(int(m.group(1))):
                row = rows[8 * i + lane // 4]
                w = 4 * (lane % 4)
                th.regs[dst[i]] = int.from_bytes(row[w:w + 4], "little")

    def _mma_f16(self, warp, args):
        d, a, b, c = (self._vec(x) for x in args)
        A = np.zeros((16, 16))
        B = np.zeros((16, 8))
        C = np.zeros((16, 8))
        for lane, th in enumerate(warp):
            g, t = lane >> 2, lane & 3
            for i in range(4):
                lo, hi = _f16pair(self._val(th, a[i]))
                row, k = g + 8 * (i & 1), 2 * t + 8 * (i >> 1)
                A[row][k], A[row][k + 1] = lo, hi
            for j in range(2):
                lo, hi = _f16pair(self._val(th, b[j]))
                B[2 * t + 8 * j][g], B[2 * t + 8 * j + 1][g] = lo, hi
            for e in range(4):
                C[g + 8 * (e >> 1)][2 * t + (e & 1)] = _f32(self._val(th, c[e]))
        D = A @ B + C
        for lane, th in enumerate(warp):
            g, t = lane >> 2, lane & 3
            for e in range(4):
                th.regs[d[e]] = _bits32(D[g + 8 * (e >> 1)][2 * t + (e & 1)])

    def _run(self, th, mem, shared):
        code = self.code
        while True:
            pred, op, args, stmt = code[th.pc]
            if pred is not None:
                neg, p = pred
                if bool(th.regs.get(p, 0)) == neg:
                    th.pc += 1
                    continue
            parts = op.split(".")
            name = parts[0]
            if name in ("mma", "ldmatrix"):
                th.wait = "mma"  # warp-collective
                return
            if name == "bar":
                th.wait = "bar"
                return
            if name == "ret":
                th.done = True
                return
            if name == "bra":
                th.pc = self.labels[args[0]]
                continue
            self._exec(th, mem, shared, name, parts, args, stmt)
            th.pc += 1

    def _exec(self, th, mem, shared, name, parts, args, stmt):
        R = th.regs
        v = lambda a: self._val(th, a)
        if name == "cp":
            if op_is(parts, "cp.async.cg.shared.global") and args[2] == "16":
                dst, src = self._addr(th, args[0]), self._addr(th, args[1])
                shared[dst:dst + 16] = mem.data[src:src + 16]
                return
            if parts[1] == "async" and parts[2] in ("commit_group", "wait_group"):
                return
            raise EmuError("unsupported: " + stmt)
        if name in ("ld", "st"):
            space = parts[1]
            rest = parts[2:]
            if rest and rest[0] == "nc":
                rest = rest[1:]
            n = 1
            if rest[0] in ("v2", "v4"):
                n = int(rest[0][1])
                rest = rest[1:]
            w = _width(rest[0])
            size = w // 8
            if name == "ld":
                addr = self._addr(th, args[1])
                if space == "param":
                    R[args[0]] = addr[1]
                    return
                buf = shared if space == "shared" else mem.data
                dsts = self._vec(args[0]) if n > 1 else [args[0]]
                for i, dreg in enumerate(dsts):
                    R[dreg] = int.from_bytes(buf[addr + i * size:addr + (i + 1) * size], "little")
                return
            addr = self._addr(th, args[0])
            buf = shared if space == "shared" else mem.data
            srcs = self._vec(args[1]) if n > 1 else [args[1]]
            for i, sreg in enumerate(srcs):
                buf[addr + i * size:addr + (i + 1) * size] = (v(sreg) & _MASK[w]).to_bytes(size, "little")
            return
        if name == "atom":
            if parts[1:3] != ["global", "add"] or parts[3] not in ("u32", "s32", "f32"):
                raise EmuError("unsupported: " + stmt)
            addr = self._addr(th, args[1])
            old = int.from_bytes(mem.data[addr:addr + 4], "little")
            if parts[3] == "f32":
                new = _bits32(np.float32(_f32(old)) + np.float32(_f32(v(args[2]))))
            else:
                new = (old + v(args[2])) & _MASK[32]
            mem.data[addr:addr + 4] = new.to_bytes(4, "little")
            R[args[0]] = old
            return
        if (parts[-1] in ("f32", "f16x2") and name in ("add", "sub", "mul", "fma", "cvt")) or \
                op_is(parts, "cvt.rn.f32.s32"):
            t = parts[-1]
            if op_is(parts, "cvt.rn.f16x2.f32"):
                R[args[0]] = _bits16pair(_f32(v(args[2])), _f32(v(args[1])))
            elif op_is(parts, "cvt.rn.f32.s32"):
                R[args[0]] = _bits32(np.float32(_signed(v(args[1]) & _MASK[32], 32)))
            elif op_is(parts, "add.rn.f32"):
                R[args[0]] = _bits32(np.float32(_f32(v(args[1]))) + np.float32(_f32(v(args[2]))))
            elif op_is(parts, "sub.rn.f32"):
                R[args[0]] = _bits32(np.float32(_f32(v(args[1]))) - np.float32(_f32(v(args[2]))))
            elif op_is(parts, "mul.rn.f32"):
                R[args[0]] = _bits32(np.float32(_f32(v(args[1]))) * np.float32(_f32(v(args[2]))))
            elif op_is(parts, "fma.rn.f32"):
                x, y, z = (_f32(v(a)) for a in args[1:])
                R[args[0]] = _bits32(x * y + z)
            elif op_is(parts, "add.rn.f16x2") or op_is(parts, "sub.rn.f16x2"):
                a0, a1 = _f16pair(v(args[1]))
                b0, b1 = _f16pair(v(args[2]))
                if name == "sub":
                    b0, b1 = -b0, -b1
                R[args[0]] = _bits16pair(np.float16(a0) + np.float16(b0), np.float16(a1) + np.float16(b1))
            else:
                raise EmuError("unsupported: " + stmt)
            return
        t = parts[-1]
        if t == "pred":
            a = [bool(v(x)) for x in args[1:]]
            if name == "and":
                R[args[0]] = a[0] and a[1]
            elif name == "or":
                R[args[0]] = a[0] or a[1]
            elif name == "xor":
                R[args[0]] = a[0] != a[1]
            elif name == "not":
                R[args[0]] = not a[0]
            elif name == "mov":
                R[args[0]] = a[0]
            else:
                raise EmuError("unsupported: " + stmt)
            return
        w = _width(t)
        signed = t[0] == "s"
        if name == "mov":
            R[args[0]] = v(args[1]) & _MASK[w]
        elif name == "cvta":
            R[args[0]] = v(args[1])
        elif name == "cvt":
            src = parts[-1]
            dt = parts[-2]
            x = v(args[1]) & _MASK[_width(src)]
            if src[0] == "s":
                x = _signed(x, _width(src))
            R[args[0]] = x & _MASK[_width(dt)]
        elif name in ("add", "sub", "mul", "mad", "neg", "min", "max", "and", "or", "xor", "not",
                      "shl", "shr", "bfe", "selp", "setp", "div", "rem"):
            a = [v(x) for x in args[1:]]
            if name == "setp":
                x, y = a[0] & _MASK[w], a[1] & _MASK[w]
                if signed:
                    x, y = _signed(x, w), _signed(y, w)
                cmp = parts[1]
                r = {"eq": x == y, "ne": x != y, "lt": x < y, "le": x <= y, "gt": x > y,
                     "ge": x >= y, "lo": x < y, "ls": x <= y, "hi": x > y, "hs": x >= y}.get(cmp)
                if r is None:
                    raise EmuError("unsupported: " + stmt)
                R[args[0]] = r
                return
            if name == "selp":
                R[args[0]] = (a[0] if a[2] else a[1]) & _MASK[w]
                return
            if name == "mul" and parts[1] == "wide":
                x, y = a[0] & _MASK[w], a[1] & _MASK[w]
                if signed:
                    x, y = _signed(x, w), _signed(y, w)
                R[args[0]] = (x * y) & _MASK[2 * w]
                return
            if name in ("min", "max", "div", "rem") or (name == "shr" and signed):
                a = [_signed(x, w) if signed else x & _MASK[w] for x in a]
            if name == "add":
                r = a[0] + a[1]
            elif name == "sub":
                r = a[0] - a[1]
            elif name == "mul":
                r = a[0] * a[1]
            elif name == "mad":
                r = a[0] * a[1] + a[2]
            elif name == "neg":
                r = -a[0]
            elif name == "min":
                r = min(a)
            elif name == "max":
                r = max(a)
            elif name == "div":
                r = int(a[0] / a[1]) if signed else a[0] // a[1]
            elif name == "rem":
                r = a[0] - a[1] * int(a[0] / a[1]) if signed else a[0] % a[1]
            elif name == "and":
                r = a[0] & a[1]
            elif name == "or":
                r = a[0] | a[1]
            elif name == "xor":
                r = a[0] ^ a[1]
            elif name == "not":
                r = ~a[0]
            elif name == "shl":
                r = a[0] << a[1] if a[1] < w else 0
            elif name == "shr":
                r = a[0] >> min(a[1], w) if signed else (a[0] & _MASK[w]) >> a[1]
            elif name == "bfe":
                if signed:
                    raise EmuError("unsupported: " + stmt)
                r = ((a[0] & _MASK[w]) >> a[1]) & ((1 << a[2]) - 1)
            R[args[0]] = r & _MASK[w]
        else:
            raise EmuError("unsupported: " + stmt)


def op_is(parts, name):
    return ".".join(parts) == name


class _Thread:
    def __init__(self, kernel, tid, ctaid, ntid, nctaid, params):
        self.pc, self.done, self.wait = 0, False, None
        self.regs = {}
        self.params = params
        self.special = {
            "%tid.x": tid % ntid[0], "%tid.y": 0, "%tid.z": 0,
            "%ntid.x": ntid[0], "%ntid.y": ntid[1], "%ntid.z": ntid[2],
            "%ctaid.x": ctaid[0], "%ctaid.y": ctaid[1], "%ctaid.z": ctaid[2],
            "%nctaid.x": nctaid[0], "%nctaid.y": nctaid[1], "%nctaid.z": nctaid[2],
            "%laneid": tid % 32,
        }
