/**
 * bench:policy — cost of one routing decision with a compiled policy (goal: ≤ 10 µs per decision).
 * Scenarios run interleaved in one process, in rotating order, so background load on a shared machine hits
 * them alike; each reports the median over rounds of the mean time per decision in a batch, and its ratio to
 * an empty policy (default only) — the cost of calling decide() at all.
 */
import { performance } from 'node:perf_hooks';
import type { ChatMessage } from '../src/backends/backend.js';
import { NEUTRAL_SIGNALS } from '../src/policy/cases/baseline.js';
import { compilePolicy } from '../src/policy/compile.js';
import type { DecisionInput } from '../src/policy/decision-input.js';
import { defaultPolicyPath, loadPolicyFile, readPolicyText } from '../src/policy/load.js';
import { decide } from '../src/routing/decide.js';
import type { SignalSnapshot } from '../src/signals/snapshot.js';

const ROUNDS = 21;
const BATCH = 5_000;
const GOAL_US = 10;

const system = 'You are a helpful assistant for a note-taking app. Answer concisely, in the user\'s language. '.repeat(6);
const paragraph = 'The quarterly report covers revenue, churn and the roadmap for the next two releases, with figures in the appendix. ';
function input(messages: ChatMessage[], signals: Partial<SignalSnapshot> = {}, tier: 'low' | 'high' = 'low'): DecisionInput {
  return {
    requestedModel: 'auto',
    messages,
    tags: [],
    maxTokens: 256,
    uses: new Set(),
    score: { score: tier === 'low' ? 0.1 : 0.9, tier, task: null, reasons: [] },
    signals: { ...NEUTRAL_SIGNALS, ...signals },
    context: { promptTokens: 40, contextWindow: 2048, fitsLocal: true },
    models: { local: 'tiny-llama', cloud: 'gpt-4o' },
  };
}

const policy = loadPolicyFile(defaultPolicyPath);
const empty = compilePolicy('version: 1\nrules: []\ndefault: { route: local }\n', 'empty.yaml');
const defaultText = readPolicyText(defaultPolicyPath);

interface Scenario {
  name: string;
  run: (i: number) => void;
  /** Decisions per batch (the compile-per-request strawman is ~1000× slower). */
  batch: number;
  /** Shown instead of ok/OVER when the goal does not apply as such. */
  note?: (us: number) => string;
}
const user = (content: string): ChatMessage => ({ role: 'user', content });
/** A fresh string with the same text, as JSON.parse would hand over for each request. */
const copy = (s: string) => Buffer.from(s).toString();
/** Inputs are built before timing; pools cycle so repeated text arrives as new string objects. */
const POOL = 512;
const pool = (make: (i: number) => DecisionInput) => Array.from({ length: POOL }, (_, i) => make(i));
const shortChat = pool(() => input([user(copy('What is the capital of Peru?'))]));
const lowBattery = pool(() => input([user(copy('What is the capital of Peru?'))], { battery: { percent: 12, charging: false, timeRemainingMin: 30 } }));
const card = pool(() => input([user(copy('Refund card 4111 1111 1111 1111 please'))]));
const conversation = pool(() =>
  input([{ role: 'system', content: copy(system) }, user(copy('Summarise my notes')), { role: 'assistant', content: copy(paragraph) }, user(copy('Shorter please'))]),
);
// More distinct documents than the scan cache holds, so every scan is a miss.
const uniqueDocs = pool((i) => input([user(`${paragraph.repeat(70)} (${i})`)]));
const scenarios: Scenario[] = [
  { name: 'empty policy (decide() floor)', batch: BATCH, run: (i) => decide(shortChat[i % POOL]!, empty) },
  { name: 'default, short chat, falls through all 8 rules', batch: BATCH, run: (i) => decide(shortChat[i % POOL]!, policy) },
  { name: 'default, low battery (rule 6)', batch: BATCH, run: (i) => decide(lowBattery[i % POOL]!, policy) },
  { name: 'default, card number (rule 1, Luhn)', batch: BATCH, run: (i) => decide(card[i % POOL]!, policy) },
  { name: 'default, 1 KB system + 3 turns (resent history)', batch: BATCH, run: (i) => decide(conversation[i % POOL]!, policy) },
  {
    name: 'default, new 8 KB document each time',
    batch: BATCH / 10,
    run: (i) => decide(uniqueDocs[i % POOL]!, policy),
    note: (us) => `PII scan of unseen text: ${(us / 8).toFixed(1)} µs per KB`,
  },
  {
    name: 'strawman: parse+compile per request',
    batch: 50,
    run: (i) => decide(shortChat[i % POOL]!, compilePolicy(defaultText, 'default.yaml')),
    note: () => 'why the policy is compiled once, at load',
  },
];

const samples = new Map<string, number[]>(scenarios.map((s) => [s.name, []]));
for (const s of scenarios) for (let i = 0; i < s.batch; i++) s.run(i); // warm-up: JIT and regex caches
for (let round = 0; round < ROUNDS; round++) {
  const order = scenarios.map((_, i) => scenarios[(i + round) % scenarios.length]!);
  for (const s of order) {
    const t0 = performance.now();
    for (let i = 0; i < s.batch; i++) s.run(i);
    samples.get(s.name)!.push(((performance.now() - t0) * 1000) / s.batch);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const floor = median(samples.get(scenarios[0]!.name)!);
console.log(`bench:policy — median of ${ROUNDS} interleaved rounds, µs per decision (node ${process.version}, shared machine)`);
console.log(`${'scenario'.padEnd(52)} ${'µs'.padStart(9)} ${'× floor'.padStart(9)}  goal ≤ ${GOAL_US} µs`);
for (const s of scenarios) {
  const m = median(samples.get(s.name)!);
  const verdict = s.note?.(m) ?? (m <= GOAL_US ? 'ok' : 'OVER');
  console.log(`${s.name.padEnd(52)} ${m.toFixed(3).padStart(9)} ${(m / floor).toFixed(1).padStart(9)}  ${verdict}`);
}
