/**
 * The batched-decoding part of bench:local: aggregate decode tokens/s of 8 concurrent greedy requests vs 1,
 * on one backend (batch of up to 8) and, for comparison, 8 concurrent on a backend decoding one request at a
 * time (`maxBatch: 1`, the behaviour before batching). Rounds interleave the three so background load on this
 * shared machine hits them alike. `mixed`: the first request carries a ~700-token history (the 1-request
 * figure is then that long request alone), the other seven are short questions.
 *
 * Aggregate decode tok/s = Σ (completion tokens − 1) over the requests ÷ the wall time during which at least one
 * of them was decoding (the union of their first-token → finish intervals): the first token belongs to the
 * prefill. One at a time, that is the sum of each request's decode time; batched, it also holds the steps in
 * which the first requests decode while the later ones prefill, so it understates a batch's steady state.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CallOptions } from '../../src/backends/backend.js';
import type { LocalBackend } from '../../src/backends/local-onnx/index.js';
import { median } from './stats.js';

const HISTORY = 'The harbour town woke early: fishing boats left before dawn, the bakery lit its ovens, and gulls argued over the quay. '.repeat(24);

const QUESTIONS = [
  'Write a short poem about the sea.',
  'What is the capital of France, and why?',
  'Explain how a bicycle stays upright.',
  'Give me three tips for a job interview.',
  'Describe a sunrise over the mountains.',
  'How do plants make food from light?',
  'Tell me a story about a brave little mouse.',
  'Why is the sky blue during the day?',
];

interface Timed { ttftAt: number; doneAt: number; completionTokens: number }

export interface BatchedCase {
  name: string;
  modelDir: string;
  dtype: string;
  threads: number;
  mixed?: boolean;
}

export async function batchedDecodeRow(compiledDist: string, c: BatchedCase, rounds: number): Promise<string> {
  const { modelDir, dtype, threads } = c;
  const { createLocalBackend } = (await import(pathToFileURL(join(compiledDist, 'backends', 'local-onnx', 'index.js')).href)) as typeof import('../../src/backends/local-onnx/index.js');
  // No request may be refused: the budget is far beyond a burst's wait.
  const batched = createLocalBackend({ modelDir, dtype, threads, prefixCacheMb: 0, waitBudgetMs: 600_000 });
  const oneAtATime = createLocalBackend({ modelDir, dtype, threads, prefixCacheMb: 0, waitBudgetMs: 600_000, maxBatch: 1 });
  const questions = c.mixed ? QUESTIONS.map((q, i) => (i === 0 ? `${HISTORY}\n${q}` : q)) : QUESTIONS;
  await Promise.all([batched.settled, oneAtATime.settled]);
  const single: number[] = [];
  const eight: number[] = [];
  const sequential: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    const s = await burst(batched, questions.slice(0, 1));
    const e = await burst(batched, questions);
    const q = await burst(oneAtATime, questions);
    if (round === 0) continue; // warm-up
    single.push(s);
    eight.push(e);
    sequential.push(q);
  }
  await Promise.all([batched.close(), oneAtATime.close()]);
  const [one, many, seq] = [median(single), median(eight), median(sequential)];
  const prompts = c.mixed ? '1 × ~700 + 7 short' : '8 short';
  return `| ${c.name} | ${threads} | ${prompts} | ${one.toFixed(1)} | ${seq.toFixed(1)} (${(seq / one).toFixed(2)}×) | ${many.toFixed(1)} (**${(many / one).toFixed(2)}×**, ${(many / seq).toFixed(2)}× one at a time) |`;
}

/** The questions as concurrent requests (64 tokens each); their aggregate decode tokens/s. */
async function burst(backend: LocalBackend, questions: string[]): Promise<number> {
  const started = performance.now();
  const timed = await Promise.all(questions.map((q) => timedRequest(backend, q, started)));
  const tokens = timed.reduce((sum, t) => sum + t.completionTokens - 1, 0);
  return tokens / (unionMs(timed.map((t) => [t.ttftAt, t.doneAt] as const)) / 1000);
}

/** Total length of the union of [start, end] intervals, in ms. */
function unionMs(intervals: ReadonlyArray<readonly [number, number]>): number {
  let total = 0;
  let reached = -Infinity;
  for (const [start, end] of [...intervals].sort((a, b) => a[0] - b[0])) {
    if (end > reached) total += end - Math.max(start, reached);
    reached = Math.max(reached, end);
  }
  return total;
}

async function timedRequest(backend: LocalBackend, question: string, started: number): Promise<Timed> {
  const options: CallOptions = { messages: [{ role: 'user', content: question }], model: 'bench', maxTokens: 64, temperature: 0, extra: {}, signal: new AbortController().signal };
  let ttftAt = 0;
  let completionTokens = 0;
  for await (const part of backend.stream(options)) {
    if (part.type === 'text-delta' && ttftAt === 0) ttftAt = performance.now() - started;
    if (part.type === 'finish') completionTokens = part.usage.completionTokens ?? 0;
    if (part.type === 'error') throw part.error;
  }
  return { ttftAt, doneAt: performance.now() - started, completionTokens };
}
