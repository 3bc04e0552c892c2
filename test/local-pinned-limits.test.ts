import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBackend } from '../src/backends/local-onnx/index.js';
import { DEFAULT_MAX_NEW_TOKENS, defaultMaxNewTokens } from '../src/models/default-max-tokens.js';
import { startTestService, startTestServiceWithTinyModel, type TestService } from './helpers/service.js';

/** What a request pinned to the bundled tiny model (1,024-token window, no max_length in its generation config) gets. */
describe('a request pinned to the local model', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestServiceWithTinyModel();
  });
  afterAll(() => t.close());

  it('with a prompt longer than the window: 400 context_length_exceeded, nothing sent upstream', async () => {
    const before = t.fake.requests.length;
    const long = 'word '.repeat(3_000);
    const err = await t.client.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: long }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
    expect((err as Error).message).toContain('maximum context length is 1024 tokens');
    expect(t.fake.requests.length).toBe(before);
  });

  it('without max_tokens: stops at the documented 512-token default, not the whole window', async () => {
    // Sampling at a high temperature keeps the tiny model from meeting its EOS token early.
    const answer = await t.client.chat.completions.create({
      model: 'local',
      messages: [{ role: 'user', content: 'Once upon a time' }],
      temperature: 1.5,
      seed: 7,
    });
    expect(answer.choices[0]?.finish_reason).toBe('length');
    expect(answer.usage?.completion_tokens).toBe(DEFAULT_MAX_NEW_TOKENS);
  });

  it("the default follows the model's generation_config.json: max_new_tokens, else max_length minus the prompt", () => {
    expect(defaultMaxNewTokens({ max_new_tokens: 64, max_length: 512 }, 100)).toBe(64);
    expect(defaultMaxNewTokens({ max_length: 512 }, 100)).toBe(412);
    expect(defaultMaxNewTokens({ max_length: 512 }, 600)).toBe(1);
    expect(defaultMaxNewTokens({}, 100)).toBe(DEFAULT_MAX_NEW_TOKENS);
  });
});

/** A policy rule's `maxTokens` caps the answer; it is not a demand that a long prompt must leave room for. */
describe('a rule that caps answers at 64 tokens, on the local model (1,024-token window)', () => {
  const local = createLocalBackend({ threads: 1 });
  let t: TestService;
  beforeAll(async () => {
    await local.settled;
    const policy = join(mkdtempSync(join(tmpdir(), 'switchyard-cap-')), 'policy.yaml');
    writeFileSync(policy, 'version: 1\nrules:\n  - name: short-answers\n    when: {}\n    route: local\n    maxTokens: 64\ndefault: { route: local }\n');
    t = await startTestService({ local, policyFile: policy });
  });
  afterAll(async () => {
    await t.close();
    await local.close();
  });

  it('stops a short prompt at the cap', async () => {
    const answer = await t.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Once upon a time' }], temperature: 1.5, seed: 7 });
    expect(answer.usage?.completion_tokens).toBe(64);
    expect(answer.choices[0]?.finish_reason).toBe('length');
  });

  it('answers a prompt that leaves less than 64 tokens of room up to the window, on the device, not refused or sent away', async () => {
    // A prompt 20 tokens short of the window: fits, with less room than the cap.
    let words = 900;
    const messages = (n: number) => [{ role: 'user' as const, content: 'word '.repeat(n) }];
    while (local.measure(messages(words)).promptTokens > 1_004) words -= 1;
    while (local.measure(messages(words + 1)).promptTokens <= 1_004) words += 1;
    const room = 1_024 - local.measure(messages(words)).promptTokens;
    expect(room).toBeLessThan(64);
    const { data, response } = await t.client.chat.completions.create({ model: 'auto', messages: messages(words), temperature: 1.5, seed: 7 }).withResponse();
    expect(response.headers.get('x-switchyard-target')).toBe('local');
    expect(response.headers.get('x-switchyard-fallback')).toBeNull();
    expect(data.usage?.completion_tokens).toBeLessThanOrEqual(room);
    expect(data.choices[0]?.finish_reason).toBe('length');
  });
});
