import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBackend } from '../src/backends/local-onnx/index.js';
import { fromPackageRoot } from '../src/paths.js';
import { createService, type Service } from '../src/service.js';

/**
 * A multi-turn chat on the local model (official SDK over loopback): turn 2 resends turn 1, and its prefix is not
 * prefilled again. The answer is the one a cold model gives; usage says how many prompt tokens were cached.
 */
const modelDir = fromPackageRoot('models', 'tiny-llama');

async function serve(prefixCacheMb: number): Promise<{ service: Service; client: OpenAI; url: string }> {
  const local = createLocalBackend({ modelDir, threads: 1, prefixCacheMb });
  const service = await createService({ upstream: null, local, dataDir: mkdtempSync(join(tmpdir(), 'switchyard-prefix-')) });
  const listening = await service.listen(0, '127.0.0.1');
  await local.settled;
  return { service, url: listening.url, client: new OpenAI({ baseURL: `${listening.url}/v1`, apiKey: 'unused', maxRetries: 0 }) };
}

describe('local prefix reuse', () => {
  let warm: Awaited<ReturnType<typeof serve>>;
  let cold: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    [warm, cold] = await Promise.all([serve(64), serve(0)]);
  });
  afterAll(async () => {
    await Promise.all([warm.service.close(), cold.service.close()]);
  });

  const system = { role: 'system' as const, content: 'You are a helpful assistant who answers in one short sentence. '.repeat(4) };
  const turn1 = [system, { role: 'user' as const, content: 'What is the sea?' }];

  it('turn 2 reuses turn 1 and reports cached_tokens; the answer matches a cold model', async () => {
    const ask = (client: OpenAI, messages: OpenAI.ChatCompletionMessageParam[]) =>
      client.chat.completions.create({ model: 'local', messages, max_tokens: 12, temperature: 0 });
    const first = await ask(warm.client, turn1);
    expect(first.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    const turn2: OpenAI.ChatCompletionMessageParam[] = [
      ...turn1,
      { role: 'assistant', content: first.choices[0]?.message.content ?? '' },
      { role: 'user', content: 'And the sky?' },
    ];
    const second = await ask(warm.client, turn2);
    const cached = second.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    expect(cached).toBeGreaterThan((first.usage?.prompt_tokens ?? 0) - 4); // the whole first turn, give or take the template's joins
    expect(cached).toBeLessThan(second.usage?.prompt_tokens ?? 0);
    const reference = await ask(cold.client, turn2);
    expect(reference.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(second.choices[0]?.message.content).toBe(reference.choices[0]?.message.content);
    expect(second.usage?.prompt_tokens).toBe(reference.usage?.prompt_tokens);
  });

  it('shows the cache and its budget in /healthz', async () => {
    const health = (await (await fetch(`${warm.url}/healthz`)).json()) as { backends: { local: { prefixCache?: { entries: number; bytes: number; budgetBytes: number } } } };
    expect(health.backends.local.prefixCache).toMatchObject({ budgetBytes: 64 * 1024 * 1024 });
    expect(health.backends.local.prefixCache!.entries).toBeGreaterThan(0);
    expect(health.backends.local.prefixCache!.bytes).toBeGreaterThan(0);
  });
});
