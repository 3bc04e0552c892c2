/**
 * npm run bench:local — our local backend vs transformers.js' text-generation pipeline on the same model
 * folder: prefill tokens/s, decode tokens/s, time to first token, peak RSS.
 *
 * Each measurement runs in a fresh child process (so peak RSS belongs to one engine), and the parent
 * interleaves ours / transformers.js round by round, reporting medians and ratios: robust to the other
 * work sharing this machine's cores. Both engines get the same intra-op thread count.
 *
 * Models: ../shared/models/stories260K-onnx (if present) and a generated model with SmolLM2-135M's shapes
 * (random weights, q4), cached in the OS temp folder.
 *
 * Then structured output (support/structured.ts): decode tok/s with vs without a JSON-schema constraint, and
 * grammar build times on Qwen3's vocabulary. `npm run bench:local -- --structured` runs only that part.
 *
 * Then batched decoding (support/batched-decode.ts): aggregate decode tok/s of 8 concurrent requests vs 1, and
 * vs the same 8 decoded one at a time; `npm run bench:local -- --batched` runs only that part.
 * Then prefix reuse (support/prefix-reuse.ts): turn-2 TTFT after a 1,000-token history, cached vs cold.
 * Then the flapping-upstream scenario (support/flapping-upstream.ts) with stories260K as the local model;
 * `npm run bench:local -- --flapping` runs only that part.
 * `npm run bench:local -- --gc` runs only our backend with V8's concurrent vs single-threaded garbage collector, at
 * 1 thread and at every core (what `serve --gc auto` chooses between).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ChatMessage } from '../src/backends/backend.js';
import { fromPackageRoot } from '../src/paths.js';
import { SMOLLM2_135M_SHAPE, writeSyntheticModel } from '../src/models/synthetic/write-model-folder.js';
import { flappingTable, runFlappingScenario } from './support/flapping-upstream.js';
import { batchedDecodeRow } from './support/batched-decode.js';
import { prefixReuseRows } from './support/prefix-reuse.js';
import { constrainedDecodeRows, grammarCostRows } from './support/structured.js';

interface Sample { promptTokens: number; completionTokens: number; ttftMs: number; totalMs: number }
interface ChildReport { samples: Sample[]; peakRssMB: number }
interface Case { name: string; dir: string; dtype: string; threads: number; messages: ChatMessage[]; maxTokens: number }

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const REPEATS = 3; // generations per child after one warm-up

/**
 * Our backend runs from a fresh compile of src/ (plain JS, as `npm start` runs dist/), so neither its
 * main thread nor its worker carries tsx's loader; both engines' children run this file under tsx.
 */
const COMPILED = fromPackageRoot('node_modules', '.cache', 'switchyard-bench', 'dist');

function compileOurs(): void {
  try {
    execFileSync(process.execPath, [fromPackageRoot('node_modules', 'typescript', 'bin', 'tsc'), '-p', fromPackageRoot('tsconfig.build.json'), '--outDir', COMPILED], { stdio: 'ignore' });
  } catch (err) {
    // tsc exits non-zero on type errors elsewhere in the tree but still emits; only a missing file is fatal.
    if (!existsSync(join(COMPILED, 'backends', 'local-onnx', 'index.js'))) throw err;
  }
  copyFileSync(fromPackageRoot('package.json'), join(COMPILED, '..', 'package.json')); // paths.ts reads it
}

async function runOurs(c: Case): Promise<Sample[]> {
  const { createLocalBackend } = (await import(pathToFileURL(join(COMPILED, 'backends', 'local-onnx', 'index.js')).href)) as typeof import('../src/backends/local-onnx/index.js');
  const backend = createLocalBackend({ modelDir: c.dir, dtype: c.dtype, threads: c.threads, queueCapacity: 1, prefixCacheMb: 0 }); // each repeat is a cold prompt, as for transformers.js
  await backend.settled;
  if (backend.health().state !== 'ready') throw new Error(backend.health().detail);
  const samples: Sample[] = [];
  for (let i = 0; i <= REPEATS; i++) {
    const started = performance.now();
    let ttftMs = 0;
    let usage = { promptTokens: 0, completionTokens: 0 };
    for await (const part of backend.stream({ messages: c.messages, model: 'bench', maxTokens: c.maxTokens, temperature: 0, extra: {}, signal: new AbortController().signal })) {
      if (part.type === 'text-delta' && ttftMs === 0) ttftMs = performance.now() - started;
      if (part.type === 'finish') usage = { promptTokens: part.usage.promptTokens ?? 0, completionTokens: part.usage.completionTokens ?? 0 };
      if (part.type === 'error') throw part.error;
    }
    if (i > 0) samples.push({ ...usage, ttftMs, totalMs: performance.now() - started });
  }
  await backend.close();
  return samples;
}

async function runTransformersJs(c: Case): Promise<Sample[]> {
  const { env, pipeline, TextStreamer } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.localModelPath = dirname(c.dir);
  const generator = await pipeline('text-generation', basename(c.dir), {
    dtype: c.dtype as 'q4',
    device: 'cpu',
    session_options: { intraOpNumThreads: c.threads, interOpNumThreads: 1 },
  });
  const samples: Sample[] = [];
  for (let i = 0; i <= REPEATS; i++) {
    let promptTokens = -1;
    let generated = 0;
    let ttftMs = 0;
    const started = performance.now();
    // A TextStreamer decodes text per token as our backend does (a fair streaming comparison);
    // its first put() carries the prompt ids.
    const text = new TextStreamer(generator.tokenizer, {
      skip_prompt: true,
      callback_function: () => undefined,
      token_callback_function: () => {
        if (generated++ === 0) ttftMs = performance.now() - started;
      },
    });
    const streamer = {
      put(ids: bigint[][]): void {
        if (promptTokens < 0) promptTokens = ids[0]?.length ?? 0;
        text.put(ids);
      },
      end(): void {
        text.end();
      },
    };
    const input = c.messages.length === 1 && c.name.startsWith('stories') ? (c.messages[0]?.content ?? '') : c.messages;
    await generator(input as string, { max_new_tokens: c.maxTokens, do_sample: false, streamer: streamer as never });
    if (i > 0) samples.push({ promptTokens, completionTokens: generated, ttftMs, totalMs: performance.now() - started });
  }
  await generator.dispose();
  return samples;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const prefillRate = (s: Sample): number => s.promptTokens / (s.ttftMs / 1000);
const decodeRate = (s: Sample): number => (s.completionTokens - 1) / ((s.totalMs - s.ttftMs) / 1000);

/** BENCH_NODE_FLAGS (e.g. --single-threaded-gc) start both engines' children alike. */
const NODE_FLAGS = (process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter((f) => f !== '');

function child(engine: string, c: Case, flags: readonly string[] = NODE_FLAGS): ChildReport {
  const out = execFileSync(process.execPath, [...flags, '--import', 'tsx', fileURLToPath(import.meta.url), '--child', engine, JSON.stringify(c)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as ChildReport;
}

/** The SmolLM2-135M-shaped q4 model; `gqa`: the same weights as a GroupQueryAttention graph (shared KV buffer). */
function smolShapedModel(attention: 'concat' | 'gqa' = 'concat'): string {
  const smol = join(tmpdir(), 'switchyard-bench', attention === 'gqa' ? 'smollm2-135m-shape-gqa' : 'smollm2-135m-shape');
  if (!existsSync(join(smol, 'onnx', 'model_q4.onnx'))) {
    process.stderr.write(`generating a SmolLM2-135M-shaped q4 model (${attention}) in ${smol} ...\n`);
    writeSyntheticModel(smol, SMOLLM2_135M_SHAPE, ['q4'], attention);
  }
  return smol;
}

const SMOL_QUESTION = 'Please write a short poem about the sea. What is the capital of France? Thank you for your question. '.repeat(6);

function cases(): Case[] {
  const list: Case[] = [];
  const stories = STORIES;
  const story = 'Once upon a time, there was a little dog named Max. He liked to run in the park with his friends. ';
  if (existsSync(join(stories, 'config.json'))) {
    for (const dtype of ['fp32', 'q4']) {
      list.push({ name: `stories260K ${dtype}`, dir: stories, dtype, threads: 1, messages: [{ role: 'user', content: story.repeat(4) + 'One day' }], maxTokens: 128 });
    }
  }
  const smol = smolShapedModel();
  for (const threads of [1, 2]) {
    list.push({ name: `SmolLM2-135M-shape q4 t${threads}`, dir: smol, dtype: 'q4', threads, messages: [{ role: 'user', content: SMOL_QUESTION }], maxTokens: 64 });
  }
  return list;
}

if (process.argv[2] === '--child') {
  const engine = process.argv[3];
  const c = JSON.parse(process.argv[4] as string) as Case;
  const samples = engine === 'ours' ? await runOurs(c) : await runTransformersJs(c);
  // VmHWM is this process image's own high-water mark; getrusage's maxRSS would include the parent's
  // (Linux keeps ru_maxrss across fork + exec).
  const hwm = /VmHWM:\s+(\d+) kB/.exec(existsSync('/proc/self/status') ? readFileSync('/proc/self/status', 'utf8') : '');
  const peakRssMB = hwm ? Number(hwm[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ samples, peakRssMB } satisfies ChildReport)}\n`);
  process.exit(0);
}

const STORIES = resolve(fromPackageRoot(), '..', 'shared', 'models', 'stories260K-onnx');
if (process.argv.includes('--flapping')) {
  await flapping();
  process.exit(0);
}

/** The flapping-upstream scenario, skipped with a message when the stories260K weights are absent. */
async function flapping(): Promise<void> {
  if (!existsSync(join(STORIES, 'config.json'))) {
    process.stdout.write(`\nflapping upstream: skipped, no model at ${STORIES}\n`);
    return;
  }
  const byWait = await runFlappingScenario(STORIES);
  // Before issue 15: one request at a time behind a queue of 4.
  const byCount = await runFlappingScenario(STORIES, { queueCapacity: 4, waitBudgetMs: 3_600_000, maxBatch: 1 });
  process.stdout.write(
    `\nflapping upstream — 8 streaming clients × 20 requests pinned to the cloud, upstream cycling ok / reset mid-stream / 500 / stall / refused every 250 ms, local stories260K, no client retries; shared 2-core machine\n\n${flappingTable([
      { label: 'batch of 8 + admission by expected wait (3 s)', figures: byWait },
      { label: 'old: one at a time, fixed queue of 4', figures: byCount },
    ])}\n`,
  );
}

/**
 * The batched-decoding table: 135M-shape (Concat graph, and GroupQueryAttention with a shared KV buffer) at 1 and
 * 2 threads, a mixed-length burst, stories260K when present. `BENCH_ONLY=GQA` runs only the rows naming it.
 */
async function batched(): Promise<void> {
  const smol = smolShapedModel();
  const gqa = smolShapedModel('gqa');
  const list = [
    { name: 'SmolLM2-135M-shape q4', modelDir: smol, dtype: 'q4', threads: 1 },
    { name: 'SmolLM2-135M-shape q4, GQA', modelDir: gqa, dtype: 'q4', threads: 1 },
    { name: 'SmolLM2-135M-shape q4', modelDir: smol, dtype: 'q4', threads: 2 },
    { name: 'SmolLM2-135M-shape q4, GQA', modelDir: gqa, dtype: 'q4', threads: 2 },
    { name: 'SmolLM2-135M-shape q4', modelDir: smol, dtype: 'q4', threads: 1, mixed: true },
    { name: 'SmolLM2-135M-shape q4, GQA', modelDir: gqa, dtype: 'q4', threads: 1, mixed: true },
    ...(existsSync(join(STORIES, 'config.json')) ? [{ name: 'stories260K q4', modelDir: STORIES, dtype: 'q4', threads: 1 }] : []),
  ];
  const only = process.env['BENCH_ONLY'];
  const rows: string[] = [];
  for (const c of list.filter((k) => only === undefined || k.name.includes(only))) {
    rows.push(await batchedDecodeRow(COMPILED, c, ROUNDS));
    process.stderr.write(`${rows.at(-1)}\n`);
  }
  process.stdout.write(
    [
      '',
      `batched decoding — aggregate decode tok/s (Σ tokens after each first ÷ wall time while any request decodes), 64 tokens per request, greedy, medians of ${ROUNDS} interleaved rounds; shared 2-core machine`,
      '',
      '| model | threads | prompts | 1 request | 8 concurrent, one at a time (before) | 8 concurrent, batched (vs 1) |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
}

/**
 * Our decode tok/s with V8's concurrent collector vs `--single-threaded-gc`, interleaved round by round, at 1 thread
 * and at every core: `serve --gc auto` relaunches itself with the flag in the second case only.
 */
function gcTable(): string {
  const rows: string[] = [];
  for (const threads of [...new Set([1, availableParallelism()])]) {
    const c: Case = { name: 'SmolLM2-135M-shape q4', dir: smolShapedModel(), dtype: 'q4', threads, messages: [{ role: 'user', content: SMOL_QUESTION }], maxTokens: 64 };
    const runs: Record<'concurrent' | 'single', ChildReport[]> = { concurrent: [], single: [] };
    for (let round = 0; round < ROUNDS * 2; round++) {
      const order: Array<'concurrent' | 'single'> = round % 2 === 0 ? ['concurrent', 'single'] : ['single', 'concurrent'];
      for (const gc of order) runs[gc].push(child('ours', c, gc === 'single' ? ['--single-threaded-gc'] : []));
    }
    const decode = (gc: 'concurrent' | 'single') => median(runs[gc].flatMap((r) => r.samples).map(decodeRate));
    const [concurrent, single] = [decode('concurrent'), decode('single')];
    rows.push(`| ${c.name} | ${threads} of ${availableParallelism()} | ${concurrent.toFixed(1)} | ${single.toFixed(1)} | **${(single / concurrent).toFixed(2)}×** | ${threads >= availableParallelism() ? 'single-threaded' : 'concurrent'} |`);
    process.stderr.write(`${rows.at(-1)}\n`);
  }
  return [
    '',
    `garbage collector — our decode tok/s, medians over ${ROUNDS * 2} interleaved rounds × ${REPEATS} generations (64 tokens, greedy); shared machine`,
    '',
    '| model | onnxruntime threads / cores | concurrent GC | --single-threaded-gc | ratio | serve --gc auto picks |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

const rows: string[] = [];
compileOurs();
if (process.argv.includes('--batched')) {
  await batched();
  process.exit(0);
}
if (process.argv.includes('--gc')) {
  process.stdout.write(`${gcTable()}\n`);
  process.exit(0);
}
const structuredOnly = process.argv.includes('--structured');
/** `BENCH_ONLY=stories` runs only the decode cases whose name contains it (no structured, no flapping). */
const only = process.env['BENCH_ONLY'];
for (const c of structuredOnly ? [] : cases().filter((k) => only === undefined || k.name.includes(only))) {
  const results: Record<'ours' | 'tjs', ChildReport[]> = { ours: [], tjs: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which engine goes first so slow drifts in background load hit both equally.
    const order: Array<'ours' | 'tjs'> = round % 2 === 0 ? ['ours', 'tjs'] : ['tjs', 'ours'];
    for (const engine of order) results[engine].push(child(engine, c));
  }
  const summary = (engine: 'ours' | 'tjs') => {
    const samples = results[engine].flatMap((r) => r.samples);
    return {
      prompt: median(samples.map((s) => s.promptTokens)),
      prefill: median(samples.map(prefillRate)),
      decode: median(samples.map(decodeRate)),
      ttft: median(samples.map((s) => s.ttftMs)),
      rss: Math.max(...results[engine].map((r) => r.peakRssMB)),
    };
  };
  const ours = summary('ours');
  const tjs = summary('tjs');
  const fileMB = statSync(join(c.dir, 'onnx', c.dtype === 'fp32' ? 'model.onnx' : `model_${c.dtype}.onnx`)).size / 1e6;
  const f = (n: number, d = 0): string => n.toFixed(d);
  rows.push(
    `| ${c.name} | ${c.threads} | ${f(ours.prompt)} / ${f(tjs.prompt)} | ${f(ours.prefill)} / ${f(tjs.prefill)} | ${f(ours.decode)} / ${f(tjs.decode)} (**${f(ours.decode / tjs.decode, 2)}×**) | ${f(ours.ttft, 1)} / ${f(tjs.ttft, 1)} (${f(ours.ttft / tjs.ttft, 2)}×) | ${f(ours.rss)} / ${f(tjs.rss)} (file ${f(fileMB, 1)}) |`,
  );
  process.stderr.write(`${rows.at(-1)}\n`);
}
if (!structuredOnly) {
  process.stdout.write(
    [
      `bench:local — ours / transformers.js, medians over ${ROUNDS} interleaved rounds × ${REPEATS} generations, greedy; shared 2-core machine`,
      '',
      '| model | threads | prompt tokens | prefill tok/s | decode tok/s (ratio) | TTFT ms (ratio) | peak RSS MB |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
}
if (only !== undefined) process.exit(0);
if (!structuredOnly) await batched();
if (!structuredOnly) {
  process.stdout.write(
    [
      '',
      `prefix reuse — chat turn 2 after a ~1,000-token turn 1, time to first token, cache kept vs off, medians of ${ROUNDS * 2} interleaved rounds (greedy, 1 thread); shared 2-core machine`,
      '',
      '| model | turn-2 prompt tokens | cold TTFT ms | cached TTFT ms | cached / cold |',
      '|---|---|---|---|---|',
      ...(await prefixReuseRows(COMPILED, smolShapedModel(), 'SmolLM2-135M-shape q4', ROUNDS)),
      '',
    ].join('\n'),
  );
}
const tiny = fromPackageRoot('models', 'tiny-llama');
process.stdout.write(
  [
    '',
    `structured output — decode tok/s, free vs response_format json_schema, medians of ${ROUNDS * 3} alternating generations (64 tokens max, greedy, 1 thread); shared 2-core machine`,
    '',
    '| model | free | JSON schema | ratio | grammar work per token, alone (share of a free step) |',
    '|---|---|---|---|---|',
    ...(await constrainedDecodeRows(COMPILED, smolShapedModel(), 'SmolLM2-135M-shape q4 (49,152 vocab)', ROUNDS)),
    ...(await constrainedDecodeRows(COMPILED, tiny, 'tiny-llama q4 (512 vocab)', ROUNDS)),
    '',
    'grammar build, Qwen3 vocabulary (151,669 tokens), xgrammar web build on the main thread',
    '',
    '| step | ms |',
    '|---|---|',
    ...(await grammarCostRows()),
    '',
  ].join('\n'),
);
if (!structuredOnly) process.stdout.write(`${gcTable()}\n`);
if (!structuredOnly) await flapping();
