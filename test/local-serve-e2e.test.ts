import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBackend } from '../src/backends/local-onnx/index.js';
import { fromPackageRoot } from '../src/paths.js';
import { createService, type Service } from '../src/service.js';

/**
 * The "done when", offline: the service with only a local model answers chat requests through the
 * OpenAI API (official SDK over loopback), streamed and not, deterministic at temperature 0, with usage;
 * eight concurrent clients are answered or told 429.
 */
const stories = resolve(fromPackageRoot(), '..', 'shared', 'models', 'stories260K-onnx');
const modelDir = existsSync(resolve(stories, 'config.json')) ? stories : fromPackageRoot('models', 'tiny-llama');

describe(`serve with --local-model ${modelDir.split('/').at(-1)}`, () => {
  let service: Service;
  let client: OpenAI;
  const local = createLocalBackend({ modelDir, queueCapacity: 3 });
  const model = modelDir.split('/').at(-1) as string;
  beforeAll(async () => {
    service = await createService({ upstream: null, local, dataDir: mkdtempSync(join(tmpdir(), 'switchyard-e2e-')) });
    const listening = await service.listen(0, '127.0.0.1');
    await local.settled;
    client = new OpenAI({ baseURL: `${listening.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await service.close();
  });

  const ask = { model: 'local', messages: [{ role: 'user' as const, content: 'Once upon a time' }], max_tokens: 24, temperature: 0 };

  it('answers non-streamed, deterministically, with usage', async () => {
    const a = await client.chat.completions.create(ask);
    const b = await client.chat.completions.create(ask);
    expect(a.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(a.choices[0]?.message.content).toBe(b.choices[0]?.message.content);
    expect(a.usage?.completion_tokens).toBe(24);
    expect(a.usage?.prompt_tokens).toBe(local.measure(ask.messages).promptTokens);
    expect(a.choices[0]?.finish_reason).toBe('length');
  });

  it('streams the same text as the non-streamed answer', async () => {
    const whole = await client.chat.completions.create(ask);
    const stream = await client.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(usage?.completion_tokens).toBe(24);
  });

  it('eight concurrent clients are all answered or cleanly told 429', async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => client.chat.completions.create({ ...ask, max_tokens: 64 })));
    const statuses = results.map((r) => (r.status === 'fulfilled' ? 200 : ((r.reason as { status?: number }).status ?? 0)));
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(4);
    for (const r of results) {
      if (r.status === 'rejected') expect(Number((r.reason as { headers?: Headers }).headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
  });

  it('lists the local model', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain(model);
  });
});
