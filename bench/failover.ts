/**
 * npm run bench:failover — how Switchyard behaves when the link drops.
 * - detection: the upstream starts refusing under steady traffic (a request every 25 ms); time until the first
 *   request is answered by the fallback, and until the breaker is open (no more connect attempts).
 * - outage cost: once detected, a cloud-bound request answered locally vs a plain `model: "local"` request,
 *   interleaved; the difference of medians is what a request pays for the outage.
 * - flapping: the upstream refuses/accepts every 150 ms while 4 clients stream; share answered completely.
 * Router, fake upstream and local model (the bundled tiny Llama) run in this process, on loopback.
 */
import { createLocalBackend } from '../src/backends/local-onnx/index.js';
import { fromPackageRoot } from '../src/paths.js';
import { SignalHub } from '../src/signals/signal-hub.js';
import { calmDevice } from '../test/helpers/fake-device.js';
import { startTestService, type TestService } from '../test/helpers/service.js';
import { median, quantile, table } from './support/stats.js';

const messages = [{ role: 'user' as const, content: 'Give me a one-line status update.' }];
const local = createLocalBackend({ modelDir: fromPackageRoot('models', 'tiny-llama') });
await local.settled;
const shared = { target: 'local' as const, generate: local.generate.bind(local), stream: local.stream.bind(local), health: local.health.bind(local), close: async () => {} };

async function service(): Promise<TestService> {
  return startTestService({
    local: shared,
    signals: (url) => new SignalHub({ upstreamUrl: url, readers: calmDevice(), link: { initialBackoffMs: 250, maxBackoffMs: 1_000, probeTimeoutMs: 500 } }),
    idleTimeoutMs: 1_000,
  });
}

async function timed(t: TestService, model: string): Promise<{ ms: number; fallback: string | null }> {
  const started = performance.now();
  const { response } = await t.client.chat.completions.create({ model, messages, max_tokens: 8, temperature: 0 }).withResponse();
  return { ms: performance.now() - started, fallback: response.headers.get('x-switchyard-fallback') };
}

// 1. Detection under steady traffic.
const firstFallbackMs: number[] = [];
const breakerOpenMs: number[] = [];
for (let run = 0; run < 5; run++) {
  const t = await service();
  for (let i = 0; i < 5; i++) await timed(t, 'cloud');
  const dropped = performance.now();
  await t.fake.refuse();
  let first: number | null = null;
  let open: number | null = null;
  while ((first === null || open === null) && performance.now() - dropped < 10_000) {
    const r = await timed(t, 'cloud');
    if (first === null && r.fallback !== null) first = performance.now() - dropped;
    if (open === null && t.service.breaker.state === 'open') open = performance.now() - dropped;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  firstFallbackMs.push(first ?? NaN);
  breakerOpenMs.push(open ?? NaN);
  await t.close();
}

// 2. Outage cost once detected, interleaved with plain local answers.
const t = await service();
await t.fake.refuse();
for (let i = 0; i < 5; i++) await timed(t, 'cloud'); // detect
const during: number[] = [];
const plain: number[] = [];
for (let i = 0; i < 60; i++) {
  during.push((await timed(t, 'cloud')).ms);
  plain.push((await timed(t, 'local')).ms);
}
await t.close();

// 3. Flapping.
const f = await service();
let flapping = true;
const flapper = (async () => {
  while (flapping) {
    await new Promise((r) => setTimeout(r, 150));
    await f.fake.refuse();
    await new Promise((r) => setTimeout(r, 150));
    await f.fake.accept();
  }
})();
let answered = 0;
let total = 0;
await Promise.all(
  Array.from({ length: 4 }, async () => {
    for (let i = 0; i < 25; i++) {
      total++;
      try {
        const stream = await f.client.chat.completions.create({ model: 'auto', messages, stream: true, max_tokens: 8 });
        let finish: string | null = null;
        for await (const chunk of stream) finish = chunk.choices[0]?.finish_reason ?? finish;
        if (finish !== null) answered++;
      } catch {
        // counted as not answered
      }
    }
  }),
);
flapping = false;
await flapper;
await f.close();
await local.close();

console.log('bench:failover — router, fake upstream and tiny local model in one process, loopback');
console.log(
  table(
    ['measure', 'median', 'p90 / detail', 'goal'],
    [
      ['first request answered by fallback after the drop (ms)', median(firstFallbackMs), quantile(firstFallbackMs, 0.9), '≤ 1000'],
      ['breaker open after the drop (ms)', median(breakerOpenMs), quantile(breakerOpenMs, 0.9), '≤ 1000'],
      ['cloud-bound request during outage (ms)', median(during), quantile(during, 0.9), ''],
      ['plain local request (ms)', median(plain), quantile(plain, 0.9), ''],
      ['extra latency during outage (ms)', median(during) - median(plain), 'difference of medians', '≤ 50'],
      ['answered during flapping', `${((100 * answered) / total).toFixed(1)}%`, `${answered}/${total}`, '100%'],
    ],
  ),
);
