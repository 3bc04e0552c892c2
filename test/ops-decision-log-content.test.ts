import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startOpsServer, type OpsServer } from './ops-harness.js';

let server: OpsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function logLines(file: string, count: number): Promise<Array<Record<string, unknown>>> {
  // The decision log is appended after the answer is sent; wait for the lines rather than racing them.
  for (let i = 0; i < 100; i += 1) {
    const text = (() => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return '';
      }
    })();
    const lines = text.trim() === '' ? [] : text.trim().split('\n');
    if (lines.length >= count) return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`decision log ${file} never reached ${count} lines`);
}

describe('decision log content (SWITCHYARD_LOG_CONTENT=1)', () => {
  it('records the messages and the answer as sent, streamed and not, redacted', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sy-content-')), 'decisions.jsonl');
    server = await startOpsServer({ decisionLogFile: file, decisionLogContent: true, local: true });
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    // Personal data keeps this one on the device (the default policy), so the bundled tiny model answers.
    const whole = await client.chat.completions.create({
      model: 'auto',
      max_tokens: 8,
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Capital of France? Reply to jane.doe@example.com' }],
    });
    const stream = await client.chat.completions.create({ model: 'cloud', stream: true, messages: [{ role: 'user', content: 'Say hello' }] });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';

    const [first, second] = await logLines(file, 2);
    expect(first).toMatchObject({ servedBy: 'local' });
    expect(first?.content).toEqual({
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: expect.stringContaining('Capital of France?') }],
      output: whole.choices[0]?.message.content,
    });
    expect(JSON.stringify(first)).not.toContain('jane.doe@example.com');
    expect(second?.content).toEqual({ messages: [{ role: 'user', content: 'Say hello' }], output: streamed });
    expect(streamed).toContain('Say hello');
  });

  it('leaves content out by default', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sy-content-')), 'decisions.jsonl');
    server = await startOpsServer({ decisionLogFile: file });
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    await client.chat.completions.create({ model: 'cloud', messages: [{ role: 'user', content: 'Say hello' }] });
    const [line] = await logLines(file, 1);
    expect(line).not.toHaveProperty('content');
    expect(JSON.stringify(line)).not.toContain('Say hello');
  });
});
