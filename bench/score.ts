/**
 * Scorer latency: p50/p99 of Scorer.score() for short prompts and 2,000-character prompts, next to the text
 * features alone, features + task classifier, and a bare onnxruntime session.run on the same model (the
 * floor), all interleaved in one run so background load on the shared machine hits every column alike.
 * Goal: score p50 ≤ 1 ms at 2,000 characters (the product budget); we aim for ≤ 150 µs.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { fromPackageRoot } from '../src/paths.js';
import { DEFAULT_SCORER_PATH, extractFeatures, loadLanguageId, loadScorer, readModelCard, scoreVector } from '../src/scoring/index.js';
import { readTaskClassifier } from '../src/scoring/task-classifier.js';
import { quantile, table } from './support/stats.js';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 20_000);
const sanity = readFileSync(fromPackageRoot('test', 'fixtures', 'scoring', 'sanity-prompts.jsonl'), 'utf8')
  .trim().split('\n').map((l) => (JSON.parse(l) as { prompt: string }).prompt);
const short = sanity.map((p) => [{ role: 'user' as const, content: p }]);
// 2,000-character prompts: the hand-written prompts rotated and joined, so every one differs.
const long = sanity.map((_, i) => {
  let text = '';
  for (let k = 0; text.length < 2000; k += 1) text += (sanity[(i + k) % sanity.length] ?? '') + '\n';
  return [{ role: 'user' as const, content: text.slice(0, 2000) }];
});

const scorer = await loadScorer();
const floor = await ort.InferenceSession.create(DEFAULT_SCORER_PATH, { intraOpNumThreads: 1, interOpNumThreads: 1 });
const width = readModelCard(DEFAULT_SCORER_PATH.replace(/\.onnx$/, '.json')).features.length;
const floorInput = new ort.Tensor('float32', new Float32Array(width), [1, width]);
const languageOf = await loadLanguageId();
const classifier = readTaskClassifier(DEFAULT_SCORER_PATH.replace(/scorer\.onnx$/, 'task-classifier.json'));

type Column = 'score short' | 'score 2000 chars' | 'features short' | 'features 2000 chars' | 'features + task 2000 chars' | 'language 2000 chars' | 'session.run only';
const samples: Record<Column, number[]> = {
  'score short': [], 'score 2000 chars': [], 'features short': [], 'features 2000 chars': [], 'features + task 2000 chars': [], 'language 2000 chars': [], 'session.run only': [],
};
const micros = (start: bigint) => Number(process.hrtime.bigint() - start) / 1000;

for (let i = 0; i < ITERATIONS + 2000; i += 1) {
  const warm = i < 2000; // JIT and allocator warm-up, not recorded
  const s = short[i % short.length] ?? [];
  const l = long[i % long.length] ?? [];
  let t = process.hrtime.bigint();
  await scorer.score(s);
  if (!warm) samples['score short'].push(micros(t));
  t = process.hrtime.bigint();
  await scorer.score(l);
  if (!warm) samples['score 2000 chars'].push(micros(t));
  t = process.hrtime.bigint();
  extractFeatures(s);
  if (!warm) samples['features short'].push(micros(t));
  t = process.hrtime.bigint();
  extractFeatures(l);
  if (!warm) samples['features 2000 chars'].push(micros(t));
  t = process.hrtime.bigint();
  scoreVector(l, classifier);
  if (!warm) samples['features + task 2000 chars'].push(micros(t));
  t = process.hrtime.bigint();
  languageOf(l[0]?.content ?? '');
  if (!warm) samples['language 2000 chars'].push(micros(t));
  t = process.hrtime.bigint();
  await floor.run({ features: floorInput });
  if (!warm) samples['session.run only'].push(micros(t));
}
await scorer.close();
await floor.release();

const floorP50 = quantile(samples['session.run only'], 0.5);
const rows = (Object.keys(samples) as Column[]).map((name) => {
  const v = samples[name];
  return [name, quantile(v, 0.5), quantile(v, 0.99), quantile(v, 0.5) / floorP50];
});
const report = [
  `Scorer latency, µs (${ITERATIONS} interleaved iterations each; machine shared with other work)`,
  table(['path', 'p50 µs', 'p99 µs', 'p50 / session.run p50'], rows),
  'Goal: score p50 ≤ 1 ms at 2,000 characters (aim: ≤ 150 µs).',
].join('\n');
console.log(report);
mkdirSync(fromPackageRoot('bench', 'results'), { recursive: true });
writeFileSync(fromPackageRoot('bench', 'results', 'score.md'), report + '\n');
