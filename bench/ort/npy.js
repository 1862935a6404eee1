// Minimal reader/writer for NumPy .npy files (format versions 1.0, 2.0 and 3.0, C order, little endian).
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
'use strict';

const fs = require('node:fs');

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // "\x93NUMPY"

// descr -> { type: ONNX Runtime tensor type, array: typed array constructor, size: bytes per element }
const DTYPES = {
  '<f4': { type: 'float32', array: Float32Array, size: 4 },
  '<f8': { type: 'float64', array: Float64Array, size: 8 },
  '<i8': { type: 'int64', array: BigInt64Array, size: 8 },
  '<i4': { type: 'int32', array: Int32Array, size: 4 },
  '|u1': { type: 'uint8', array: Uint8Array, size: 1 },
  '|i1': { type: 'int8', array: Int8Array, size: 1 },
  '|b1': { type: 'bool', array: Uint8Array, size: 1 },
};
// Single-byte types carry no byte order; numpy writes '|', but accept the others too.
for (const c of ['u1', 'i1', 'b1']) {
  DTYPES['<' + c] = DTYPES['|' + c];
  DTYPES['=' + c] = DTYPES['|' + c];
}
const DESCR_OF_TYPE = { float32: '<f4', float64: '<f8', int64: '<i8', int32: '<i4', uint8: '|u1', int8: '|i1', bool: '|b1' };

class NpyError extends Error {}

function parseHeader(text, file) {
  // e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 48, 320), }
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) throw new NpyError(`${file}: malformed .npy header: ${text.trim()}`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const parsed = dims.map((d) => {
    if (!/^\d+L?$/.test(d)) throw new NpyError(`${file}: malformed shape in .npy header: (${shape[1]})`);
    return parseInt(d, 10);
  });
  return { descr: descr[1], fortranOrder: fortran[1] === 'True', shape: parsed };
}

// Returns { type, descr, shape, data } where data is a typed array owning its memory.
function readNpy(file) {
  let buf;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new NpyError(`${file}: cannot read: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) throw new NpyError(`${file}: not a .npy file (bad magic)`);
  const major = buf[6];
  let headerLen, offset;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    offset = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw new NpyError(`${file}: truncated .npy header`);
    headerLen = buf.readUInt32LE(8);
    offset = 12;
  } else {
    throw new NpyError(`${file}: unsupported .npy format version ${major}.${buf[7]}`);
  }
  if (offset + headerLen > buf.length) throw new NpyError(`${file}: truncated .npy header`);
  const header = parseHeader(buf.toString(major === 3 ? 'utf8' : 'latin1', offset, offset + headerLen), file);
  const dt = DTYPES[header.descr];
  if (!dt) {
    throw new NpyError(`${file}: unsupported dtype '${header.descr}' (supported: ${Object.keys(DESCR_OF_TYPE)
      .map((t) => DESCR_OF_TYPE[t]).join(', ')})`);
  }
  const count = header.shape.reduce((a, b) => a * b, 1);
  if (header.fortranOrder && header.shape.filter((d) => d > 1).length > 1) {
    throw new NpyError(`${file}: Fortran-order arrays are not supported (save with np.ascontiguousarray)`);
  }
  const start = offset + headerLen;
  const nbytes = count * dt.size;
  if (buf.length - start !== nbytes) {
    throw new NpyError(`${file}: expected ${nbytes} data bytes for shape (${header.shape.join(', ')}) ` +
      `${header.descr}, found ${buf.length - start}`);
  }
  const ab = new ArrayBuffer(nbytes); // copy: the data in buf is not necessarily aligned
  new Uint8Array(ab).set(buf.subarray(start, start + nbytes));
  const data = new dt.array(ab);
  if (dt.type === 'bool') {
    for (let i = 0; i < data.length; i++) if (data[i] > 1) throw new NpyError(`${file}: bool value ${data[i]} at ${i}`);
  }
  return { type: dt.type, descr: header.descr, shape: header.shape, data };
}

// Writes data (a typed array) of ONNX Runtime type `type` and `shape` as a version 1.0 (or 2.0 if the
// header is too long) .npy file, C order.
function writeNpy(file, type, shape, data) {
  const descr = DESCR_OF_TYPE[type];
  if (!descr) throw new NpyError(`${file}: cannot write tensor type '${type}' as .npy`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new NpyError(`${file}: ${data.length} elements for shape [${shape.join(', ')}]`);
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  let major = 1;
  let pre = 10;
  // Pad with spaces so that the data starts at a multiple of 64 bytes; the header ends with '\n'.
  let total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  if (total - pre > 0xffff) {
    major = 2;
    pre = 12;
    total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  }
  dict = dict + ' '.repeat(total - pre - dict.length - 1) + '\n';
  const head = Buffer.alloc(pre);
  MAGIC.copy(head, 0);
  head[6] = major;
  head[7] = 0;
  if (major === 1) head.writeUInt16LE(dict.length, 8);
  else head.writeUInt32LE(dict.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(dict, 'latin1'), body]));
}

module.exports = { readNpy, writeNpy, NpyError, DTYPES, DESCR_OF_TYPE };
