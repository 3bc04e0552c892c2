import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_NEW_TOKENS, defaultMaxNewTokens } from '../src/models/default-max-tokens.js';
import { startTestServiceWithTinyModel, type TestService } from './helpers/service.js';

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
