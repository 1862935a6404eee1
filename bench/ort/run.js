#!/usr/bin/env node
// Runs an ONNX model with ONNX Runtime (CPU EP) on .npy inputs and writes .npy outputs; optionally
// times it. The reference side of quantc's comparisons (docs/models.md).
//
//   node bench/ort/run.js MODEL.onnx --inputs DIR [--outputs DIR] [--threads N] [--bench ITERS] [--warmup N]
//
// Reads DIR/<input name>.npy for every model input and writes <output name>.npy for every output
// (names with characters other than [A-Za-z0-9._-] have them replaced by '_'). With --bench, runs
// --warmup untimed runs (default 3) and ITERS timed runs of session.run and prints
//   median X ms
//   p90 Y ms
// on stdout. Everything else goes to stderr. Exit status 1 on any error.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { readNpy, writeNpy, DESCR_OF_TYPE } = require('./npy.js');

const USAGE =
  'usage: node bench/ort/run.js MODEL.onnx --inputs DIR [--outputs DIR] [--threads N] [--bench ITERS] [--warmup N]\n' +
  '  --inputs DIR   reads DIR/<input name>.npy for every model input\n' +
  '  --outputs DIR  writes <output name>.npy for every model output (created if missing; required without --bench)\n' +
  '  --threads N    intra-op threads (default 1); inter-op threads are always 1\n' +
  '  --bench ITERS  after --warmup untimed runs (default 3), time ITERS runs; prints "median X ms" and "p90 Y ms"';

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = { model: null, inputs: null, outputs: null, threads: 1, bench: 0, warmup: 3 };
  const intArg = (name, v, min) => {
    if (v === undefined || !/^\d+$/.test(v) || parseInt(v, 10) < min) {
      throw new UsageError(`${name} expects an integer >= ${min}, got ${v === undefined ? 'nothing' : `'${v}'`}`);
    }
    return parseInt(v, 10);
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      v = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = () => (v !== undefined ? v : argv[++i]);
    switch (a) {
      case '-h':
      case '--help':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
        break;
      case '--inputs': opts.inputs = value(); break;
      case '--outputs': opts.outputs = value(); break;
      case '--threads': opts.threads = intArg('--threads', value(), 1); break;
      case '--bench': opts.bench = intArg('--bench', value(), 1); break;
      case '--warmup': opts.warmup = intArg('--warmup', value(), 0); break;
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        if (opts.model) throw new UsageError(`more than one model given: ${opts.model}, ${a}`);
        opts.model = a;
    }
  }
  if (!opts.model) throw new UsageError('no model given');
  if (!opts.inputs) throw new UsageError('--inputs DIR is required');
  if (!opts.outputs && !opts.bench) throw new UsageError('--outputs DIR is required (unless --bench is given)');
  return opts;
}

const fileName = (name) => name.replace(/[^A-Za-z0-9._-]/g, '_') + '.npy';
const fmtShape = (s) => `[${s.join(', ')}]`;

function loadOrt() {
  try {
    return require('onnxruntime-node');
  } catch (e) {
    throw new Error(`cannot load onnxruntime-node (${e.code || e.message}); run scripts/fetch-models.sh first`);
  }
}

// Reads and checks the inputs against the model's input metadata.
function loadInputs(ort, session, dir) {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`--inputs ${dir}: no such directory`);
  const feeds = {};
  const expected = new Set();
  const meta = session.inputMetadata || session.inputNames.map((name) => ({ name }));
  for (const m of meta) {
    const file = path.join(dir, fileName(m.name));
    expected.add(fileName(m.name));
    if (!fs.existsSync(file)) {
      const present = fs.readdirSync(dir).filter((f) => f.endsWith('.npy'));
      throw new Error(`missing input '${m.name}': ${file} does not exist` +
        ` (model inputs: ${session.inputNames.join(', ')}; .npy files in ${dir}: ${present.join(', ') || 'none'})`);
    }
    const a = readNpy(file);
    if (m.isTensor === false) throw new Error(`input '${m.name}' is not a tensor; only tensor inputs are supported`);
    if (m.type && m.type !== a.type) {
      throw new Error(`input '${m.name}': ${file} has dtype ${a.descr} (${a.type}), ` +
        `the model expects ${m.type} (${DESCR_OF_TYPE[m.type] || 'no .npy equivalent'})`);
    }
    if (m.shape && m.shape.length > 0) {
      const ok = m.shape.length === a.shape.length &&
        m.shape.every((d, k) => typeof d !== 'number' || d < 0 || d === a.shape[k]);
      if (!ok) {
        const why = m.shape.length !== a.shape.length
          ? `rank ${a.shape.length}, expected ${m.shape.length}`
          : m.shape.map((d, k) => (typeof d === 'number' && d >= 0 && d !== a.shape[k] ? `dim ${k} is ${a.shape[k]}, expected ${d}` : null))
            .filter((x) => x).join('; ');
        throw new Error(`input '${m.name}': ${file} has shape ${fmtShape(a.shape)}, ` +
          `the model expects ${fmtShape(m.shape)} (${why})`);
      }
    }
    feeds[m.name] = new ort.Tensor(a.type, a.data, a.shape);
    process.stderr.write(`run.js: input  ${m.name} ${fmtShape(a.shape)} ${a.type} <- ${file}\n`);
  }
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith('.npy') && !expected.has(f)) process.stderr.write(`run.js: warning: ignoring ${path.join(dir, f)} (not a model input)\n`);
  }
  return feeds;
}

function percentile(sorted, p) {
  // nearest-rank percentile
  const k = Math.max(0, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.min(k, sorted.length - 1)];
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(opts.model)) throw new Error(`model ${opts.model}: no such file (fetch the models with scripts/fetch-models.sh)`);
  const ort = loadOrt();
  let session;
  try {
    session = await ort.InferenceSession.create(opts.model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: opts.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (e) {
    throw new Error(`cannot load model ${opts.model}: ${e.message}`);
  }
  const feeds = loadInputs(ort, session, opts.inputs);

  let results;
  try {
    results = await session.run(feeds);
  } catch (e) {
    throw new Error(`inference failed: ${e.message}`);
  }
  if (opts.outputs) {
    fs.mkdirSync(opts.outputs, { recursive: true });
    for (const name of session.outputNames) {
      const t = results[name];
      const file = path.join(opts.outputs, fileName(name));
      writeNpy(file, t.type, t.dims, t.data);
      process.stderr.write(`run.js: output ${name} ${fmtShape(t.dims)} ${t.type} -> ${file}\n`);
    }
  }

  if (opts.bench) {
    for (let i = 0; i < opts.warmup; i++) await session.run(feeds);
    const ms = [];
    for (let i = 0; i < opts.bench; i++) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    ms.sort((a, b) => a - b);
    const n = ms.length;
    const median = n % 2 ? ms[(n - 1) / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
    process.stderr.write(`run.js: ${path.basename(opts.model)} threads=${opts.threads} warmup=${opts.warmup} ` +
      `iters=${n} min=${ms[0].toFixed(3)} ms max=${ms[n - 1].toFixed(3)} ms (onnxruntime-node ${ort.env.versions.node})\n`);
    process.stdout.write(`median ${median.toFixed(3)} ms\np90 ${percentile(ms, 90).toFixed(3)} ms\n`);
  }
  await session.release();
}

main().catch((e) => {
  process.stderr.write(`run.js: error: ${e.message}\n`);
  if (e instanceof UsageError) process.stderr.write(USAGE + '\n');
  process.exit(1);
});
