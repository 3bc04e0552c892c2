import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from './helpers/service.js';

/**
 * What an upstream answers beyond text and tool calls reaches the client as the upstream sent it: a reasoning
 * model's `reasoning_content` (streamed and whole) and the usage details (cached prompt tokens, reasoning tokens)
 * that billing and UIs read. Before, Switchyard rebuilt the answer from the fields it models and dropped these.
 */
describe('upstream answers pass through whole', () => {
  let t: TestService;
  const reasoning = 'The user wants an echo. I will echo it.';
  beforeAll(async () => {
    t = await startTestService({ upstream: { reasoning } });
  });
  afterAll(async () => {
    await t.close();
  });
  const ask = { model: 'cloud', messages: [{ role: 'user' as const, content: 'hello there' }] };

  it("whole: the message keeps reasoning_content, and usage keeps its details", async () => {
    const answer = await t.client.chat.completions.create(ask);
    const message = answer.choices[0]?.message as unknown as Record<string, unknown>;
    expect(message['content']).toBe('Echo: hello there');
    expect(message['reasoning_content']).toBe(reasoning);
    expect(message['refusal']).toBeNull();
    expect(answer.usage?.prompt_tokens_details?.cached_tokens).toBe(2);
    expect(answer.usage?.completion_tokens_details?.reasoning_tokens).toBe(reasoning.length);
  });

  it('streamed: reasoning_content deltas arrive before the answer, in order, and usage keeps its details', async () => {
    const stream = await t.client.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } });
    let thought = '';
    let text = '';
    let reasoningAfterText = false;
    let usage: unknown;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as Record<string, unknown> | undefined;
      if (typeof delta?.['reasoning_content'] === 'string') {
        thought += delta['reasoning_content'];
        reasoningAfterText ||= text !== '';
      }
      text += (delta?.['content'] as string | null | undefined) ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(thought).toBe(reasoning);
    expect(reasoningAfterText).toBe(false);
    expect(text).toBe('Echo: hello there');
    expect(usage).toMatchObject({ prompt_tokens_details: { cached_tokens: 2 }, completion_tokens_details: { reasoning_tokens: reasoning.length } });
  });
});
