#!/usr/bin/env node
// Runs third-party prompt-injection / jailbreak detectors ("peers") over the rows of
// prompt_attack_eval_combined and writes one verdict line per row:
//   out/<peer>.jsonl       {"id": ..., "flagged": bool, "score": number|null}   (+ "error" when the peer threw)
//   out/<peer>.meta.json   package, version, configuration, row count, error count, timing
//
// Usage (from eval/peers, after `npm ci`):
//   node run-peers.mjs                          # every peer; hai-heuristic on its fixed subsample
//   node run-peers.mjs --peers vard,hai-pattern # only some peers
//   node run-peers.mjs --full                   # hai-heuristic on every row too (many hours on 2 cores)
//   node run-peers.mjs --data /path/to/combined.jsonl --out out --workers 2
//
// A peer that throws on a row counts as "not flagged" for that row (score null) and the error is counted.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------
// Peer adapters. Each `load()` returns an async function text -> {flagged, score}.
// ---------------------------------------------------------------------------------------------

function maxOf(values) {
  let best = -Infinity;
  for (const v of values) if (typeof v === 'number' && v > best) best = v;
  return best === -Infinity ? null : best;
}

const PEERS = {
  // llm_guardrail: three TF-IDF + logistic-regression models. For prompt attacks we use the
  // injection and jailbreak models; flagged when either predicts "threat" (the package's own
  // 0.5 / model threshold); score = the larger threat probability.
  llm_guardrail: {
    pkg: 'llm_guardrail',
    config: 'checkInjection() OR checkJailbreak(); score = max threat probability',
    async load() {
      const g = await import('llm_guardrail');
      return async (text) => {
        const [inj, jb] = await Promise.all([g.checkInjection(text), g.checkJailbreak(text)]);
        return { flagged: Boolean(inj.detected || jb.detected), score: maxOf([inj.confidence, jb.confidence]) };
      };
    },
  },
  // Same package, the call its README recommends (adds the "malicious content" model, which is a
  // harmful-content filter rather than a prompt-attack detector).
  'llm_guardrail-checkAll': {
    pkg: 'llm_guardrail',
    config: 'checkAll() (injection + jailbreak + malicious models); flagged = !allowed; score = max of the three threat probabilities',
    async load() {
      const g = await import('llm_guardrail');
      return async (text) => {
        const r = await g.checkAll(text);
        return {
          flagged: !r.allowed,
          score: maxOf([r.injection.confidence, r.jailbreak.confidence, r.malicious.confidence]),
        };
      };
    },
  },
  // vard: regex patterns. Verdict = the zero-config call (moderate preset: threshold 0.7, blocks
  // instruction override / role manipulation / prompt leak, sanitises delimiters and encodings,
  // and rejects inputs over 10,000 characters). Score = highest severity among all of vard's
  // pattern matches at any severity (strict preset, threshold 0, no length cap), 0 when none match.
  vard: {
    pkg: '@andersmyrmel/vard',
    config: 'vard.safe(text) (default = moderate preset); score = max pattern severity (strict preset, threshold 0, no length cap)',
    async load() {
      const { vard } = await import('@andersmyrmel/vard');
      const scorer = vard.strict().threshold(0).maxLength(Number.MAX_SAFE_INTEGER);
      return async (text) => {
        const verdict = vard.safe(text);
        const all = scorer.safeParse(text);
        const score = all.safe ? 0 : maxOf(all.threats.map((t) => t.severity));
        return { flagged: !verdict.safe, score };
      };
    },
  },
  'vard-strict': {
    pkg: '@andersmyrmel/vard',
    config: 'vard.strict().safeParse(text) (threshold 0.5, every threat type blocked, 10,000-character cap); score as for vard',
    async load() {
      const { vard } = await import('@andersmyrmel/vard');
      const strict = vard.strict();
      const scorer = vard.strict().threshold(0).maxLength(Number.MAX_SAFE_INTEGER);
      return async (text) => {
        const verdict = strict.safeParse(text);
        const all = scorer.safeParse(text);
        const score = all.safe ? 0 : maxOf(all.threats.map((t) => t.severity));
        return { flagged: !verdict.safe, score };
      };
    },
  },
  // hai-guardrails, non-LLM modes only: the injection guard and the leakage (system-prompt
  // extraction) guard, run through GuardrailsEngine on one user message.
  'hai-pattern': {
    pkg: '@presidio-dev/hai-guardrails',
    config: "GuardrailsEngine([injectionGuard, leakageGuard]) with { mode: 'pattern', threshold: 0.5 }; flagged when either guard fails; score = max guard score (0/1)",
    async load() {
      return haiLoader('pattern', 0.5);
    },
  },
  'hai-heuristic': {
    pkg: '@presidio-dev/hai-guardrails',
    config: "GuardrailsEngine([injectionGuard, leakageGuard]) with { mode: 'heuristic', threshold: 0.7 } (README quick-start value); flagged when either guard fails; score = max guard score",
    slow: true, // ~40-50 ms per word of input on one core: subsampled unless --full
    async load() {
      return haiLoader('heuristic', 0.7);
    },
  },
};

async function haiLoader(mode, threshold) {
  const hai = await import('@presidio-dev/hai-guardrails');
  const engine = new hai.GuardrailsEngine({
    guards: [
      hai.injectionGuard({ roles: ['user'] }, { mode, threshold }),
      hai.leakageGuard({ roles: ['user'] }, { mode, threshold }),
    ],
  });
  return async (text) => {
    const result = await engine.run([{ role: 'user', content: text }]);
    let flagged = false;
    const scores = [];
    for (const guard of result.messagesWithGuardResult) {
      for (const m of guard.messages) {
        if (m.passed === false) flagged = true;
        if (m.additionalFields && typeof m.additionalFields.score === 'number') scores.push(m.additionalFields.score);
      }
    }
    return { flagged, score: scores.length ? maxOf(scores) : 0 };
  };
}

// ---------------------------------------------------------------------------------------------
// Worker side: load one peer, classify rows sent by the main thread.
// ---------------------------------------------------------------------------------------------

if (!isMainThread) {
  const classify = await PEERS[workerData.peer].load();
  parentPort.on('message', async (msg) => {
    if (msg === null) {
      parentPort.close();
      return;
    }
    parentPort.postMessage(await classifyRow(classify, msg));
  });
  parentPort.postMessage({ ready: true });
}

async function classifyRow(classify, row) {
  try {
    const v = await classify(row.text);
    const score = typeof v.score === 'number' && Number.isFinite(v.score) ? v.score : null;
    return { id: row.id, flagged: Boolean(v.flagged), score };
  } catch (err) {
    return { id: row.id, flagged: false, score: null, error: String(err && err.message ? err.message : err).slice(0, 200) };
  }
}

// ---------------------------------------------------------------------------------------------
// Main side.
// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const repoRoot = path.resolve(here, '..', '..');
  const args = {
    data: path.resolve(repoRoot, '..', 'shared', 'datasets', 'prompt_attack_eval_combined', 'combined.jsonl'),
    out: path.join(here, 'out'),
    peers: Object.keys(PEERS),
    full: false,
    workers: null,
    sample: { benign: 400, jailbreak: 100, harmful_request: 100, indirect_prompt_injection: 100, prompt_injection: Infinity },
    seed: 20250601,
    resume: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--data') args.data = path.resolve(next());
    else if (a === '--out') args.out = path.resolve(next());
    else if (a === '--peers') args.peers = next().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--full') args.full = true;
    else if (a === '--workers') args.workers = Number(next());
    else if (a === '--seed') args.seed = Number(next());
    else if (a === '--resume') args.resume = true;
    else if (a === '--sample') {
      // e.g. benign=800,jailbreak=200 (categories not named keep their default)
      for (const part of next().split(',')) {
        const [k, v] = part.split('=');
        args.sample[k.trim()] = v === 'all' ? Infinity : Number(v);
      }
    } else if (a === '-h' || a === '--help') {
      console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(0, 14).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  for (const p of args.peers) if (!PEERS[p]) throw new Error(`unknown peer ${p}; known: ${Object.keys(PEERS).join(', ')}`);
  return args;
}

function readRows(file) {
  const rows = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    rows.push({ id: r.id, text: typeof r.text === 'string' ? r.text : String(r.text ?? ''), category: r.category });
  }
  return rows;
}

// Small seeded PRNG (mulberry32) so the subsample is the same on every machine.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Uniform random subsample within each category (without replacement), in id order.
function subsample(rows, perCategory, seed) {
  const rand = prng(seed);
  const byCat = new Map();
  for (const r of rows) {
    if (!byCat.has(r.category)) byCat.set(r.category, []);
    byCat.get(r.category).push(r);
  }
  const keep = new Set();
  for (const [cat, list] of [...byCat.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    const n = Math.min(list.length, perCategory[cat] ?? Infinity);
    const idx = list.map((_, i) => i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    for (const i of idx.slice(0, n)) keep.add(list[i].id);
  }
  return rows.filter((r) => keep.has(r.id));
}

function packageVersion(pkg) {
  return JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`, { paths: [here] }), 'utf8')).version;
}

function packageVersionSafe(pkg) {
  try {
    return packageVersion(pkg);
  } catch {
    // packages whose "exports" hide package.json
    const p = path.join(here, 'node_modules', ...pkg.split('/'), 'package.json');
    return JSON.parse(fs.readFileSync(p, 'utf8')).version;
  }
}

async function runInProcess(peer, rows, sink) {
  const t0 = performance.now();
  const classify = await PEERS[peer].load();
  const loadSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  let errors = 0;
  for (const row of rows) {
    const r = await classifyRow(classify, row);
    if (r.error) errors++;
    sink(r);
  }
  return { loadSeconds, seconds: (performance.now() - t1) / 1000, errors };
}

async function runInWorkers(peer, rows, sink, workers) {
  const t0 = performance.now();
  let next = 0;
  let errors = 0;
  let done = 0;
  let startedAt = null;
  let lastReport = performance.now();
  await Promise.all(
    Array.from({ length: workers }, () => new Promise((resolve, reject) => {
      const w = new Worker(fileURLToPath(import.meta.url), { workerData: { peer } });
      const feed = () => {
        if (next < rows.length) w.postMessage(rows[next++]);
        else w.postMessage(null);
      };
      w.on('message', (msg) => {
        if (msg.ready) {
          if (startedAt === null) startedAt = performance.now();
          feed();
          return;
        }
        if (msg.error) errors++;
        sink(msg);
        done++;
        if (performance.now() - lastReport > 30000) {
          lastReport = performance.now();
          const el = (lastReport - startedAt) / 1000;
          process.stderr.write(`  ${peer}: ${done}/${rows.length} rows, ${el.toFixed(0)} s\n`);
        }
        feed();
      });
      w.on('error', reject);
      w.on('exit', resolve);
    })),
  );
  const end = performance.now();
  return { loadSeconds: ((startedAt ?? end) - t0) / 1000, seconds: (end - (startedAt ?? t0)) / 1000, errors };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  fs.mkdirSync(args.out, { recursive: true });
  const allRows = readRows(args.data);
  process.stderr.write(`${allRows.length} rows from ${args.data}\n`);

  for (const peer of args.peers) {
    const spec = PEERS[peer];
    const sampled = spec.slow && !args.full;
    let rows = sampled ? subsample(allRows, args.sample, args.seed) : allRows;
    const outFile = path.join(args.out, `${peer}.jsonl`);
    let already = new Set();
    if (args.resume && fs.existsSync(outFile)) {
      // keep earlier verdicts for rows still selected, drop the rest, classify only what is missing
      const wanted = new Set(rows.map((r) => r.id));
      const kept = [];
      for (const line of fs.readFileSync(outFile, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const id = JSON.parse(line).id;
        if (wanted.has(id) && !already.has(id)) {
          already.add(id);
          kept.push(line);
        }
      }
      fs.writeFileSync(outFile, kept.map((l) => l + '\n').join(''));
      rows = rows.filter((r) => !already.has(r.id));
    } else fs.writeFileSync(outFile, '');
    const fd = fs.openSync(outFile, 'a');
    const sink = (r) => fs.writeSync(fd, JSON.stringify(r) + '\n');
    const workers = args.workers ?? (spec.slow ? Math.max(1, os.availableParallelism()) : 1);
    process.stderr.write(`${peer}: ${rows.length} rows${sampled ? ' (subsample)' : ''}${already.size ? `, ${already.size} already done` : ''}, ${workers} worker(s)\n`);
    const stats = workers > 1 ? await runInWorkers(peer, rows, sink, workers) : await runInProcess(peer, rows, sink);
    fs.closeSync(fd);
    const meta = {
      peer,
      package: spec.pkg,
      version: packageVersionSafe(spec.pkg),
      config: spec.config,
      rows: rows.length,
      rows_previously_done: already.size,
      subsample: sampled ? { seed: args.seed, per_category: Object.fromEntries(Object.entries(args.sample).map(([k, v]) => [k, v === Infinity ? 'all' : v])) } : null,
      errors: stats.errors,
      load_seconds: Number(stats.loadSeconds.toFixed(3)),
      seconds: Number(stats.seconds.toFixed(3)),
      rows_per_second: Number((rows.length / Math.max(stats.seconds, 1e-9)).toFixed(1)),
      workers,
      node: process.version,
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model ?? null,
      finished_at: new Date().toISOString(),
    };
    fs.writeFileSync(path.join(args.out, `${peer}.meta.json`), JSON.stringify(meta, null, 2) + '\n');
    process.stderr.write(`${peer}: ${rows.length} rows in ${meta.seconds} s (${meta.rows_per_second} rows/s, ${workers} worker(s)), ${stats.errors} errors\n`);
  }
}

if (isMainThread) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
