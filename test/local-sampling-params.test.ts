import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServiceWithTinyModel, type TestService } from './helpers/service.js';

/**
 * OpenAI's sampling fields on the local model, as an app sees them: `frequency_penalty` / `presence_penalty`
 * curb the repetition small models are prone to (the bundled tiny model repeats a few tokens when greedy), and
 * `logit_bias`, which the local model cannot honour, is named in `warnings` instead of dropped silently.
 */
describe('sampling parameters on the local model (tiny model, official SDK)', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestServiceWithTinyModel();
  });
  afterAll(async () => {
    await t.close();
  });

  const ask = { model: 'local', messages: [{ role: 'user' as const, content: 'Tell me a story' }], max_tokens: 32, temperature: 0, logprobs: true };
  /** How often the answer's most repeated token comes, and how many distinct tokens it has (tokens from logprobs). */
  async function repetition(extra: Record<string, number>): Promise<{ most: number; distinct: number }> {
    const answer = await t.client.chat.completions.create({ ...ask, ...extra });
    const counts = new Map<string, number>();
    for (const e of answer.choices[0]?.logprobs?.content ?? []) counts.set(e.token, (counts.get(e.token) ?? 0) + 1);
    return { most: Math.max(...counts.values()), distinct: counts.size };
  }

  it('frequency_penalty and presence_penalty make a repetitive greedy answer repeat less', async () => {
    const plain = await repetition({});
    expect(plain.most).toBeGreaterThan(3); // the premise: the tiny model repeats itself
    for (const penalty of [{ frequency_penalty: 2 }, { presence_penalty: 2 }]) {
      const curbed = await repetition(penalty);
      expect(curbed.most).toBeLessThan(plain.most);
      expect(curbed.distinct).toBeGreaterThan(plain.distinct);
    }
  });

  it('a penalty outside -2..2 is a 400 naming the field', async () => {
    const err = await t.client.chat.completions.create({ ...ask, frequency_penalty: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ param: 'frequency_penalty' });
  });

  it('logit_bias is not applied locally, and the answer says so', async () => {
    const answer = await t.client.chat.completions.create({ ...ask, logit_bias: { '50256': -100 } });
    expect((answer as unknown as { warnings?: string[] }).warnings?.join(' ')).toMatch(/logit_bias/);
  });
});
