import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServiceWithTinyModel, type TestService } from './helpers/service.js';

/**
 * A request with tools is measured as the local model would run it: the template lists the tools before the
 * conversation, so a short chat with a large tool set can overflow a small model's window. The router sees that
 * before choosing (the bundled policy's too-long-for-local rule sends it to the cloud), instead of choosing the
 * device and learning only when the local model refuses the prompt.
 */
describe('fitting the local window counts the tools (tiny model, 1,024-token window)', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestServiceWithTinyModel();
  });
  afterAll(async () => {
    await t.close();
  });

  const description = 'Looks up the current price, stock level, warehouse location and delivery estimate of a product in the catalogue by its identifier. ';
  const tools = Array.from({ length: 3 }, (_, i) => ({
    type: 'function' as const,
    function: { name: `lookup_${i}`, description: description.repeat(3), parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } },
  }));
  const chat = { model: 'auto', messages: [{ role: 'user' as const, content: 'Is product 42 in stock?' }] };

  async function decide(body: Record<string, unknown>): Promise<{ target: string; rule: string; reasons: string[] }> {
    const response = await fetch(`${t.url}/v1/route`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return (await response.json()) as { target: string; rule: string; reasons: string[] };
  }

  it('a short chat stays on the device; with a large tool set it goes to the cloud, and the reason counts the tools', async () => {
    expect((await decide(chat)).target).toBe('local');
    const withTools = await decide({ ...chat, tools });
    expect(withTools).toMatchObject({ target: 'cloud', rule: 'too-long-for-local' });
    expect(withTools.reasons.join(' ')).toMatch(/prompt of \d{4,} tokens does not fit the local context window \(1024\)/);
    // tool_choice: none leaves the tools out of the local prompt, so the chat fits again.
    expect((await decide({ ...chat, tools, tool_choice: 'none' })).target).toBe('local');
  });

  it('the answer comes from the cloud as decided, not as a fallback after the device refused it', async () => {
    const { response } = await t.client.chat.completions.create({ ...chat, tools }).withResponse();
    expect(response.headers.get('x-switchyard-target')).toBe('cloud');
    expect(response.headers.get('x-switchyard-rule')).toBe('too-long-for-local');
    expect(response.headers.get('x-switchyard-fallback')).toBeNull();
  });
});
