import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backends/backend.js';
import { createLocalBackend, type LocalBackend } from '../src/backends/local-onnx/index.js';
import { fromPackageRoot } from '../src/paths.js';
import { SignalHub } from '../src/signals/signal-hub.js';
import { calmDevice } from './helpers/fake-device.js';
import { startTestService, waitFor, waitUntil, type TestService } from './helpers/service.js';

/** The decision body every completion carries. */
type Info = { target: string; fallback: { cause: string; from: string; to: string; continued: boolean } | null };
const infoOf = (body: unknown): Info => (body as { switchyard: Info }).switchyard;
const messages = [{ role: 'user' as const, content: 'tell me a story about a brave little train' }];

let local: LocalBackend;
beforeAll(async () => {
  local = createLocalBackend({ modelDir: fromPackageRoot('models', 'tiny-llama') });
  await local.settled;
  expect(local.health().state).toBe('ready');
});
afterAll(async () => {
  await local.close();
});

/** One loaded model shared by every router in this file; closed once in afterAll. */
function sharedLocal(): Backend {
  return { target: 'local', generate: (o) => local.generate(o), stream: (o) => local.stream(o), health: () => local.health(), close: async () => {} };
}

const open: TestService[] = [];
async function start(options: Parameters<typeof startTestService>[0] = {}): Promise<TestService> {
  const t = await startTestService({
    local: sharedLocal(),
    signals: (url) => new SignalHub({ upstreamUrl: url, readers: calmDevice(), link: { initialBackoffMs: 100, maxBackoffMs: 200, probeTimeoutMs: 300 } }),
    idleTimeoutMs: 400,
    ...options,
  });
  open.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

describe('reactive fallback before any output', () => {
  it('connection refused → answered locally, marked in headers and body', async () => {
    const t = await start();
    await t.fake.refuse();
    const { data, response } = await t.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 8 }).withResponse();
    expect(response.headers.get('x-switchyard-target')).toBe('local');
    expect(response.headers.get('x-switchyard-fallback')).toBe('upstream-connection');
    expect(infoOf(data).fallback).toMatchObject({ cause: 'upstream-connection', from: 'cloud', to: 'local', continued: false });
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
  });

  it('5xx → local; a 429 with a short Retry-After is retried upstream; a long one falls back', async () => {
    const t = await start();
    t.fake.next({ kind: 'status', status: 503 });
    const r1 = await t.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 8 }).withResponse();
    expect(r1.response.headers.get('x-switchyard-fallback')).toBe('upstream-503');

    t.fake.next({ kind: 'status', status: 429, retryAfter: 0 });
    const r2 = await t.client.chat.completions.create({ model: 'cloud', messages }).withResponse();
    expect(r2.response.headers.get('x-switchyard-target')).toBe('cloud');
    expect(r2.response.headers.get('x-switchyard-fallback')).toBeNull();

    t.fake.next({ kind: 'status', status: 429, retryAfter: 30 });
    const r3 = await t.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 8 }).withResponse();
    expect(r3.response.headers.get('x-switchyard-fallback')).toBe('upstream-429');
  });

  it('a stalled upstream stream → local after the first-byte budget', async () => {
    const t = await start();
    t.fake.next({ kind: 'stall' });
    const { data: stream, response } = await t.client.chat.completions.create({ model: 'cloud', messages, stream: true, max_tokens: 8 }).withResponse();
    expect(response.headers.get('x-switchyard-fallback')).toBe('upstream-timeout');
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
  });

  it('a streamed answer that fell back before any output names the model that answered in every chunk', async () => {
    const t = await start();
    await t.fake.refuse();
    const { data: stream, response } = await t.client.chat.completions.create({ model: 'cloud', messages, stream: true, max_tokens: 8 }).withResponse();
    expect(response.headers.get('x-switchyard-target')).toBe('local');
    const models = new Set<string>();
    for await (const chunk of stream) models.add(chunk.model);
    expect([...models]).toEqual([response.headers.get('x-switchyard-model')]);
  });

  it('a pinned cloud request with x-switchyard-fallback: never gets a clear 503 with Retry-After', async () => {
    const t = await start();
    await t.fake.refuse();
    const err = await t.client.chat.completions
      .create({ model: 'cloud', messages }, { headers: { 'x-switchyard-fallback': 'never' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toMatch(/^\d+$/);
  });

  it("with no fallback, an upstream 503's own Retry-After reaches the client (not a default of ours)", async () => {
    const t = await start();
    t.fake.next({ kind: 'status', status: 503, retryAfter: 30 });
    const err = await t.client.chat.completions
      .create({ model: 'cloud', messages }, { headers: { 'x-switchyard-fallback': 'never' } })
      .catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('30');
  });
});

describe('the breaker', () => {
  it('opens after failures, stops paying for the dead link, and closes when the upstream is back', async () => {
    const t = await start({ breakerThreshold: 2 });
    await t.fake.refuse();
    for (let i = 0; i < 2; i++) await t.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 4 });
    const health = (await (await fetch(`${t.url}/healthz`)).json()) as { connectivity: Record<string, unknown> };
    expect(health.connectivity).toMatchObject({ state: 'offline', breaker: 'open', lastFailure: { cause: 'upstream-connection' } });

    // While open, the upstream is not even tried: the answer is local at once.
    const { response } = await t.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 4 }).withResponse();
    expect(response.headers.get('x-switchyard-fallback')).toBe('breaker-open');
    expect(response.headers.get('x-switchyard-target')).toBe('local');

    // The link monitor's probes find the upstream again: half-open, then one real request closes it.
    await t.fake.accept();
    await waitFor(() => t.service.breaker.state === 'half-open', 5_000);
    const back = await t.client.chat.completions.create({ model: 'cloud', messages }).withResponse();
    expect(back.response.headers.get('x-switchyard-target')).toBe('cloud');
    expect(t.service.breaker.state).toBe('closed');
  });
});

/** A streamed answer as the client reads it: its text, the last finish_reason, and the decision on the last chunk. */
async function readStream(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<{ text: string; finish: string | null; info: Info | undefined }> {
  let text = '';
  let finish: string | null = null;
  let info: Info | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    info = (chunk as unknown as { switchyard?: Info }).switchyard ?? info;
  }
  return { text, finish, info };
}

describe('mid-stream continuation', () => {
  it('an upstream stream cut after partial output is finished by the local model as one stream', async () => {
    const t = await start({ upstream: { reply: () => 'Once upon a time there was a little train that wanted to see the sea' } });
    t.fake.next({ kind: 'reset', afterChunks: 3 });
    const stream = await t.client.chat.completions.create({ model: 'cloud', messages, stream: true, max_tokens: 12 });
    const { text, finish, info } = await readStream(stream);
    expect(text.startsWith('Once upon a ')).toBe(true);
    expect(text.length).toBeGreaterThan('Once upon a '.length);
    expect(finish).not.toBeNull();
    expect(info).toMatchObject({ target: 'local', fallback: { from: 'cloud', to: 'local', continued: true } });
  });

  it('an upstream stream that broke after its finish_reason is passed on as the finished answer, not continued', async () => {
    const t = await start({ upstream: { reply: () => 'Once upon a time there was a train' } });
    t.fake.next({ kind: 'drop-after-finish' });
    const stream = await t.client.chat.completions.create({ model: 'cloud', messages, stream: true });
    const { text, finish, info } = await readStream(stream);
    expect(text).toBe('Once upon a time there was a train');
    expect(finish).toBe('stop');
    expect(info).toMatchObject({ target: 'cloud', fallback: null });
  });
});

/**
 * The generation thread dies of an uncaught error, between two model runs, as it does when its heap runs out of
 * memory. (Worker.terminate() would interrupt onnxruntime inside a run, which can abort the whole process.)
 */
function killWorkerThread(local: unknown): void {
  (local as { loaded: { worker: { current: { worker: Worker } } } }).loaded.worker.current.worker.postMessage(null);
}

describe('the local model worker dies', () => {
  it('requests waiting for it are answered by the cloud, not failed', async () => {
    const dying = createLocalBackend({ modelDir: fromPackageRoot('models', 'tiny-llama'), threads: 1, maxBatch: 1 });
    await dying.settled;
    const t = await start({ local: dying });
    try {
      const asks = Array.from({ length: 3 }, () => t.client.chat.completions.create({ model: 'local', messages, max_tokens: 900 }).withResponse());
      await waitFor(() => dying.health().queueDepth === 3);
      killWorkerThread(dying);
      for (const { data, response } of await Promise.all(asks)) {
        expect(response.headers.get('x-switchyard-target')).toBe('cloud');
        expect(response.headers.get('x-switchyard-fallback')).toBe('local-unavailable');
        expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
      }
    } finally {
      await dying.close();
    }
  });

  it('is started again by itself, so the device answers again (it may be offline for hours)', async () => {
    const local = createLocalBackend({ modelDir: fromPackageRoot('models', 'tiny-llama'), threads: 1 });
    await local.settled;
    const t = await start({ local });
    try {
      killWorkerThread(local);
      await waitFor(() => local.health().state === 'failed');
      const health = (await (await fetch(`${t.url}/healthz`)).json()) as { backends: { local: { state: string; detail: string } } };
      expect(health.backends.local).toMatchObject({ state: 'failed', detail: expect.stringMatching(/worker stopped.*starting it again in 1 s/) });
      await waitFor(() => local.health().state === 'ready', 15_000);
      const { data, response } = await t.client.chat.completions.create({ model: 'local', messages, max_tokens: 8 }).withResponse();
      expect(response.headers.get('x-switchyard-target')).toBe('local');
      expect(response.headers.get('x-switchyard-fallback')).toBeNull();
      expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    } finally {
      await local.close();
    }
  });
});

describe('store-and-forward', () => {
  it('defers while offline, survives a restart, and completes when the link returns', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-defer-'));
    const first = await start({ dataDir, breakerThreshold: 1 });
    await first.fake.refuse();
    await first.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 4 }); // the link is found dead
    const res = await fetch(`${first.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchyard-defer': '1' },
      body: JSON.stringify({ model: 'cloud', messages: [{ role: 'user', content: 'summarise the quarterly report' }] }),
    });
    expect(res.status).toBe(202);
    const job = (await res.json()) as { id: string; status: string };
    expect(job.status).toBe('queued');
    expect(res.headers.get('location')).toBe(`/v1/deferred/${job.id}`);
    const metrics = await (await fetch(`${first.url}/metrics`)).text();
    expect(metrics).toMatch(/switchyard_requests_total\{[^}]*status="202"[^}]*\} 1/);
    await first.close();
    open.splice(open.indexOf(first), 1);

    // A new router on the same data dir: the job is still there, and runs once the upstream answers.
    const second = await start({ dataDir, fake: first.fake });
    const queued = (await (await fetch(`${second.url}/v1/deferred/${job.id}`)).json()) as { status: string };
    expect(queued.status).toBe('queued');
    await first.fake.accept();
    second.service.deferred?.kick();
    await waitUntil(async () => (await second.service.deferred?.lookup(job.id))?.status === 'completed', 8_000);
    const done = (await (await fetch(`${second.url}/v1/deferred/${job.id}`)).json()) as { completion: { choices: Array<{ message: { content: string } }> } };
    expect(done.completion.choices[0]?.message.content).toBe('Echo: summarise the quarterly report');
    await first.fake.close();
  });

  it('keeps the request that finds the link down, instead of answering it locally', async () => {
    // Found in a trial: the first deferrable request after the upstream died was answered by the device (with
    // x-switchyard-fallback), because Switchyard still believed the link up; only the ones after it were kept.
    const t = await start({});
    await t.fake.refuse();
    const body = JSON.stringify({ model: 'cloud', messages: [{ role: 'user', content: 'draft the board memo' }] });
    const res = await fetch(`${t.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-switchyard-defer': '1' }, body });
    expect(res.status).toBe(202);
    const job = (await res.json()) as { id: string };
    await t.fake.accept();
    t.service.deferred?.kick();
    await waitUntil(async () => (await t.service.deferred?.lookup(job.id))?.status === 'completed', 8_000);
    const done = (await (await fetch(`${t.url}/v1/deferred/${job.id}`)).json()) as { completion: { choices: Array<{ message: { content: string } }> } };
    expect(done.completion.choices[0]?.message.content).toBe('Echo: draft the board memo');
  });

  it('asks the cloud once about a deferrable request it answers with an error: a 5xx falls back, a 4xx passes through', async () => {
    // The request that might find the link down used to be tried without fallback first and, on any answer but a
    // refused connection or a timeout, dispatched again: the cloud saw every such request twice.
    const t = await start({});
    const headers = { 'x-switchyard-defer': '1' };
    const before = t.fake.requests.length;
    t.fake.next({ kind: 'status', status: 500 });
    const { data, response } = await t.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 4 }, { headers }).withResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-fallback')).toBe('upstream-500');
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(t.fake.requests.length - before).toBe(1);
    t.fake.next({ kind: 'status', status: 400 });
    await expect(t.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 4 }, { headers })).rejects.toMatchObject({ status: 400 });
    expect(t.fake.requests.length - before).toBe(2);
    // Both ended in a record with the status the client saw.
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/switchyard_requests_total\{[^}]*status="400"[^}]*\} 1/);
  });

  it('answers a request pinned to the device there, and refuses a streamed one with a reason, while offline', async () => {
    // Found in an app developer's trial: a `local` request with the header was journalled and later sent to the
    // cloud, and a streamed one got a 202 JSON body that the SDK read as an empty stream.
    const t = await start({ breakerThreshold: 1 });
    await t.fake.refuse();
    await t.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 4 }); // the link is found dead
    const headers = { 'x-switchyard-defer': '1' };
    const { data, response } = await t.client.chat.completions.create({ model: 'local', messages, max_tokens: 4 }, { headers }).withResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-target')).toBe('local');
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    const streamed = t.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 4, stream: true }, { headers });
    await expect(streamed).rejects.toMatchObject({ status: 400, param: 'stream', message: expect.stringContaining('x-switchyard-defer needs a non-streamed request') });
    // Nothing was journalled for the cloud: no request was answered 202.
    expect(await (await fetch(`${t.url}/metrics`)).text()).not.toMatch(/switchyard_requests_total\{[^}]*status="202"/);
  });
});

describe('flapping under concurrent load', () => {
  // Four clients: the tiny model's queue (one running, four waiting) holds them all while the cloud is away.
  it('every request gets a complete answer while the upstream flaps', async () => {
    const before = resources();
    const t = await start({ upstream: { chunkDelayMs: 2 } });
    let flapping = true;
    const flapper = (async () => {
      while (flapping) {
        await new Promise((r) => setTimeout(r, 150));
        if (!flapping) break;
        await t.fake.refuse();
        await new Promise((r) => setTimeout(r, 150));
        await t.fake.accept();
      }
    })();
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const results: string[] = [];
        for (let i = 0; i < 6; i++) {
          const stream = await t.client.chat.completions.create({ model: 'auto', messages, stream: true, max_tokens: 6 });
          let finish: string | null = null;
          for await (const chunk of stream) finish = chunk.choices[0]?.finish_reason ?? finish;
          results.push(finish ?? 'unfinished');
        }
        return results;
      }),
    );
    flapping = false;
    await flapper;
    await t.close();
    open.splice(open.indexOf(t), 1);
    // Nothing left behind: no sockets or timers beyond what was there before the router started. Short-lived
    // timers (the fake's chunk pacing for abandoned requests) may take a moment to run out; leaks never do.
    const settled = (): boolean => {
      const now = resources();
      return (now['TCPSocketWrap'] ?? 0) <= (before['TCPSocketWrap'] ?? 0) && (now['Timeout'] ?? 0) <= (before['Timeout'] ?? 0);
    };
    await waitFor(settled, 2_000).catch(() => undefined);
    expect({ before, after: resources() }).toSatisfy(() => settled());
    const all = outcomes.flat();
    expect(all).toHaveLength(24);
    expect(all.filter((f) => f === 'unfinished')).toEqual([]);
  });
});

function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}
