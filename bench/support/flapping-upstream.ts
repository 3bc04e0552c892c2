/**
 * The flapping-upstream scenario: 8 streaming clients with requests pinned to the cloud (`model: "cloud"`,
 * fallback allowed), while the fake upstream on 127.0.0.1 cycles ok → reset mid-stream → 500 → stall →
 * refused, one phase every 250 ms. The local model (the real stories260K weights) takes what the cloud drops.
 * The SDK runs with `maxRetries: 0`: every refusal counts. Goals: ≥ 98% answered, none cut off, p99 ≤ 5 s.
 */
import OpenAI from 'openai';
import { createLocalBackend, type LocalBackendOptions } from '../../src/backends/local-onnx/index.js';
import { SignalHub } from '../../src/signals/signal-hub.js';
import { calmDevice } from '../../test/helpers/fake-device.js';
import type { Behaviour } from '../../test/helpers/fake-upstream.js';
import { startTestService } from '../../test/helpers/service.js';
import { quantile, table } from './stats.js';

const CLIENTS = 8;
const REQUESTS_PER_CLIENT = 20;
const PHASE_MS = 250;
/** Upstream idle timeout for this run, in ms: a stall is given up on after this long (SWITCHYARD_UPSTREAM_IDLE_TIMEOUT_MS). */
const IDLE_TIMEOUT_MS = 1_000;

type Phase = { name: string; behaviour: Behaviour | 'refused' };
const PHASES: Phase[] = [
  { name: 'ok', behaviour: { kind: 'ok' } },
  { name: 'reset mid-stream', behaviour: { kind: 'reset', afterChunks: 2 } },
  { name: '500', behaviour: { kind: 'status', status: 500 } },
  { name: 'stall', behaviour: { kind: 'stall' } },
  { name: 'refused', behaviour: 'refused' },
];

export interface FlappingFigures {
  total: number;
  answered: number;
  cutOff: number;
  refused: number;
  servedLocally: number;
  p50Ms: number;
  p99Ms: number;
  errors: Record<string, number>;
}

/** `admission` overrides the local backend's (e.g. the old fixed queue of 4, for a side-by-side figure). */
export async function runFlappingScenario(modelDir: string, admission: Partial<LocalBackendOptions> = {}): Promise<FlappingFigures> {
  const local = createLocalBackend({ ...admission, modelDir });
  await local.settled;
  if (local.health().state !== 'ready') throw new Error(local.health().detail);
  const t = await startTestService({
    local,
    upstream: { chunkDelayMs: 5, reply: () => 'The link is up and the answer streams in a few short chunks.' },
    signals: (url) => new SignalHub({ upstreamUrl: url, readers: calmDevice(), link: { initialBackoffMs: 250, maxBackoffMs: 1_000, probeTimeoutMs: 500 } }),
    idleTimeoutMs: IDLE_TIMEOUT_MS,
    timeoutMs: 5_000,
  });
  const client = t.client; // the official SDK, maxRetries: 0
  let flapping = true;
  const flapper = (async () => {
    for (let i = 0; flapping; i++) {
      const phase = PHASES[i % PHASES.length]!;
      if (phase.behaviour === 'refused') await t.fake.refuse();
      else t.fake.fallback = phase.behaviour;
      await new Promise((r) => setTimeout(r, PHASE_MS));
      if (phase.behaviour === 'refused') await t.fake.accept();
    }
  })();
  const latencies: number[] = [];
  const figures: FlappingFigures = { total: 0, answered: 0, cutOff: 0, refused: 0, servedLocally: 0, p50Ms: 0, p99Ms: 0, errors: {} };
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = 0; i < REQUESTS_PER_CLIENT; i++) {
        figures.total++;
        const started = performance.now();
        let text = '';
        let finish: string | null = null;
        try {
          const { data: stream, response } = await client.chat.completions
            .create({ model: 'cloud', messages: [{ role: 'user', content: 'Once upon a time' }], stream: true, max_tokens: 24 })
            .withResponse();
          if (response.headers.get('x-switchyard-target') === 'local') figures.servedLocally++;
          for await (const chunk of stream) {
            text += chunk.choices[0]?.delta.content ?? '';
            finish = chunk.choices[0]?.finish_reason ?? finish;
          }
        } catch (err) {
          const key = err instanceof OpenAI.APIError ? `${err.status ?? 'no status'} ${err.message.slice(0, 60)}` : String(err).slice(0, 60);
          figures.errors[key] = (figures.errors[key] ?? 0) + 1;
          if (err instanceof OpenAI.APIError && err.status === 429) figures.refused++;
        }
        latencies.push(performance.now() - started);
        if (finish !== null) figures.answered++;
        else if (text.length > 0) figures.cutOff++;
      }
    }),
  );
  flapping = false;
  await flapper;
  await t.close();
  await local.close();
  figures.p50Ms = quantile(latencies, 0.5);
  figures.p99Ms = quantile(latencies, 0.99);
  return figures;
}

/** One column per run, side by side. */
export function flappingTable(runs: Array<{ label: string; figures: FlappingFigures }>): string {
  const pct = (f: FlappingFigures): string => `${((100 * f.answered) / f.total).toFixed(1)}% (${f.answered}/${f.total})`;
  const row = (measure: string, goal: string, cell: (f: FlappingFigures) => string): string[] => [measure, ...runs.map((r) => cell(r.figures)), goal];
  const errorKeys = [...new Set(runs.flatMap((r) => Object.keys(r.figures.errors)))];
  return table(
    ['measure', ...runs.map((r) => r.label), 'goal'],
    [
      row('answered (finish_reason seen)', '≥ 98%', pct),
      row('cut off (text, then no finish)', '0', (f) => String(f.cutOff)),
      row('refused 429', '', (f) => String(f.refused)),
      row('served by the local model from the start', '', (f) => String(f.servedLocally)),
      row('latency p50 / p99 (ms)', 'p99 ≤ 5000', (f) => `${f.p50Ms.toFixed(0)} / ${f.p99Ms.toFixed(0)}`),
      ...errorKeys.map((k) => row(`error: ${k}`, '', (f) => String(f.errors[k] ?? 0))),
    ],
  );
}
