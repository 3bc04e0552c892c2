import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBackend } from '../src/backends/local-onnx/index.js';
import { fromPackageRoot } from '../src/paths.js';
import { createService, type Service } from '../src/service.js';
import { SignalHub } from '../src/signals/signal-hub.js';
import { calmDevice } from './helpers/fake-device.js';

/** A router started with no upstream at all: nothing it says may suggest there is a cloud. */
async function startLocalOnly(modelDir: string): Promise<{ url: string; client: OpenAI; service: Service; close(): Promise<void> }> {
  const local = createLocalBackend({ modelDir });
  const signals = new SignalHub({ upstreamUrl: null, readers: calmDevice() });
  signals.start();
  await signals.ready();
  const service = await createService({ upstream: null, local, signals, dataDir: mkdtempSync(join(tmpdir(), 'sy-no-upstream-')) });
  const { url } = await service.listen(0, '127.0.0.1');
  await local.settled;
  return {
    url,
    client: new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 }),
    service,
    async close() {
      await service.close();
      await signals.stop();
    },
  };
}

describe('no upstream configured', () => {
  let router: Awaited<ReturnType<typeof startLocalOnly>>;
  beforeAll(async () => {
    router = await startLocalOnly(fromPackageRoot('models', 'tiny-llama'));
  });
  afterAll(() => router.close());

  it('/v1/models offers no cloud', async () => {
    const ids = (await router.client.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(['auto', 'local', 'tiny-llama']);
  });

  it('/healthz and /v1/signals say there is no upstream, not that the link is online', async () => {
    const health = (await (await fetch(`${router.url}/healthz`)).json()) as { connectivity: { state: string } };
    expect(health.connectivity.state).toBe('no-upstream');
    const signals = (await (await fetch(`${router.url}/v1/signals`)).json()) as { upstreamConfigured: boolean };
    expect(signals.upstreamConfigured).toBe(false);
  });

  it('a dry run on low battery does not answer cloud; it says why the device answers', async () => {
    const res = await fetch(`${router.url}/v1/route`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], signals: { battery: { percent: 8, charging: false } } }),
    });
    const decision = (await res.json()) as { target: string; reasons: string[] };
    expect(decision.target).toBe('local');
    expect(decision.reasons).toContain('no upstream is configured, so the device answers');
  });

  it('a request pinned to cloud is answered on the device and says so', async () => {
    const { data, response } = await router.client.chat.completions
      .create({ model: 'cloud', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 })
      .withResponse();
    expect(response.headers.get('x-switchyard-target')).toBe('local');
    expect((data as unknown as { switchyard: { reasons: string[] } }).switchyard.reasons).toContain('no upstream is configured, so the device answers');
  });

  it('`switchyard signals` says there is no upstream', { timeout: 60_000 }, () => {
    const env = { ...process.env, SWITCHYARD_UPSTREAM_URL: '', OPENAI_BASE_URL: '', SWITCHYARD_UPSTREAM_KEY: '', OPENAI_API_KEY: '' };
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'signals'], { encoding: 'utf8', env });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/^online\s+no upstream configured/m);
  });
});

describe('a local model that failed to load, with no upstream', () => {
  it('the chat error names the local model and why, not a missing upstream', async () => {
    const router = await startLocalOnly(join(tmpdir(), 'sy-no-such-model'));
    try {
      const err = await router.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
      expect((err as Error).message).toContain('sy-no-such-model');
      expect((err as Error).message).not.toContain('No upstream');
    } finally {
      await router.close();
    }
  });
});
