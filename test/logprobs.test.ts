import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBackend } from '../src/backends/local-onnx/index.js';
import { fromPackageRoot } from '../src/paths.js';
import { startTestService, type TestService } from './helpers/service.js';

/**
 * `logprobs: true` / `top_logprobs: n`, as an app using the official SDK sees them: the local model reports
 * every answer token's log probability and its likeliest alternatives (streamed and not), and an upstream's
 * log probabilities reach the client instead of being dropped on the way.
 */
const stories = resolve(fromPackageRoot(), '..', 'shared', 'models', 'stories260K-onnx');
const modelDir = existsSync(resolve(stories, 'config.json')) ? stories : fromPackageRoot('models', 'tiny-llama');

type Entry = OpenAI.ChatCompletionTokenLogprob;
const textOf = (entries: Entry[]): string => Buffer.from(entries.flatMap((e) => e.bytes ?? [])).toString('utf8');

describe(`logprobs (local model ${modelDir.split('/').at(-1)}, fake upstream on 127.0.0.1)`, () => {
  let t: TestService;
  const local = createLocalBackend({ modelDir, threads: 1 });
  beforeAll(async () => {
    await local.settled;
    t = await startTestService({ local });
  });
  afterAll(async () => {
    await t.close();
    await local.close();
  });

  const ask = { model: 'local', messages: [{ role: 'user' as const, content: 'Once upon a time' }], max_tokens: 16, temperature: 0 };

  it('local: one entry per answer token, whose bytes spell the answer, with the greedy choice on top', async () => {
    const answer = await t.client.chat.completions.create({ ...ask, logprobs: true, top_logprobs: 3 });
    const choice = answer.choices[0];
    const entries = choice?.logprobs?.content ?? [];
    expect(entries).toHaveLength(answer.usage?.completion_tokens ?? -1);
    expect(textOf(entries)).toBe(choice?.message.content);
    for (const e of entries) {
      expect(e.logprob).toBeLessThanOrEqual(0);
      expect(e.top_logprobs).toHaveLength(3);
      const tops = e.top_logprobs.map((x) => x.logprob);
      expect(tops).toEqual([...tops].sort((a, b) => b - a));
      // Greedy decoding picks the likeliest token: it is the first alternative, with the same log probability.
      expect(e.top_logprobs[0]?.token).toBe(e.token);
      expect(e.top_logprobs[0]?.logprob).toBeCloseTo(e.logprob, 6);
    }
  });

  it('local, streamed: the same entries, each with the text it belongs to', async () => {
    const whole = await t.client.chat.completions.create({ ...ask, logprobs: true, top_logprobs: 2 });
    const stream = await t.client.chat.completions.create({ ...ask, logprobs: true, top_logprobs: 2, stream: true });
    const entries: Entry[] = [];
    let text = '';
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      entries.push(...(chunk.choices[0]?.logprobs?.content ?? []));
    }
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(entries).toEqual(whole.choices[0]?.logprobs?.content);
  });

  it('without logprobs: true the answer has none, and top_logprobs alone is refused with a clear 400', async () => {
    const plain = await t.client.chat.completions.create(ask);
    expect(plain.choices[0]?.logprobs).toBeNull();
    const refused = await t.client.chat.completions.create({ ...ask, top_logprobs: 2 }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as Error).message).toMatch(/top_logprobs.*logprobs/);
    const tooMany = await t.client.chat.completions.create({ ...ask, logprobs: true, top_logprobs: 21 }).catch((err: unknown) => err);
    expect(tooMany).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it("cloud: the upstream's log probabilities reach the client, streamed and not", async () => {
    const cloud = { model: 'cloud', messages: [{ role: 'user' as const, content: 'three little words' }], logprobs: true, top_logprobs: 2 };
    const whole = await t.client.chat.completions.create(cloud);
    const entries = whole.choices[0]?.logprobs?.content ?? [];
    expect(entries.map((e) => e.token).join('')).toBe(whole.choices[0]?.message.content);
    expect(entries[0]?.top_logprobs).toHaveLength(2);
    expect(t.fake.requests.at(-1)?.body).toMatchObject({ logprobs: true, top_logprobs: 2 });

    const stream = await t.client.chat.completions.create({ ...cloud, stream: true });
    const streamed: Entry[] = [];
    for await (const chunk of stream) streamed.push(...(chunk.choices[0]?.logprobs?.content ?? []));
    expect(streamed).toEqual(entries);
  });
});
