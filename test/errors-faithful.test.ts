import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from './helpers/service.js';

describe('errors a client can act on', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.close());

  it("passes an upstream's error through as it said it: code kept, no status prefix in the message", async () => {
    t.fake.next({
      kind: 'status',
      status: 404,
      error: { message: 'The model `gpt-9` does not exist or you do not have access to it.', code: 'model_not_found' },
    });
    const err = await t.client.chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    const e = err as InstanceType<typeof OpenAI.NotFoundError>;
    expect(e.code).toBe('model_not_found');
    expect((e.error as { message: string }).message).toBe('The model `gpt-9` does not exist or you do not have access to it.');
  });

  it('answers a user message without content with 400, as OpenAI does', async () => {
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'auto', messages: [{ role: 'user' }] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { param: string; message: string; type: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'messages[0].content' });
    expect(body.error.message).toContain("'content' is required");
  });

  it('still accepts an assistant message that only calls a tool', async () => {
    const answer = await t.client.chat.completions.create({
      model: 'cloud',
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
      ],
    });
    expect(answer.choices[0]?.message.content).toBeTruthy();
  });
});
