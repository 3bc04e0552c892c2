import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../src/backends/errors.js';
import { SseWriter } from '../src/server/sse-writer.js';
import type { SwitchyardInfo } from '../src/server/switchyard-info.js';

/** Collects what the writer sends, as the SDKs would parse it. */
function sink() {
  const out = { status: 0, headers: {} as Record<string, string>, body: '', ended: false };
  const res = {
    writeHead: (status: number, headers: Record<string, string>) => Object.assign(out, { status, headers }),
    write: (chunk: string) => void (out.body += chunk),
    end: (chunk?: string) => void Object.assign(out, { body: out.body + (chunk ?? ''), ended: true }),
  };
  const events = (): unknown[] =>
    out.body
      .split('\n\n')
      .filter((e) => e.startsWith('data: '))
      .map((e) => e.slice(6))
      .map((d) => (d === '[DONE]' ? d : JSON.parse(d)));
  return { res: res as unknown as ServerResponse, out, events };
}

const info: SwitchyardInfo = { target: 'cloud', model: 'big-2', rule: 'r', reasons: [], score: null, task: null, language: null, decided: 'cloud', fallback: null, signals: null };

describe('SseWriter', () => {
  it('role on the first delta, finish_reason on the finish chunk, switchyard on the last, then [DONE]', () => {
    const { res, out, events } = sink();
    const writer = new SseWriter(res, 'chatcmpl-1', 100, 'big', false);
    writer.start({ 'x-switchyard-target': 'cloud' });
    writer.text('Hel');
    writer.text('lo');
    writer.finish('stop', { promptTokens: 3, completionTokens: 2 }, info);
    expect(out.status).toBe(200);
    expect(out.headers).toMatchObject({ 'x-switchyard-target': 'cloud', 'content-type': 'text/event-stream; charset=utf-8' });
    const [first, second, last, done] = events() as Array<Record<string, unknown>>;
    expect(first).toMatchObject({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      model: 'big',
      choices: [{ delta: { role: 'assistant', content: 'Hel' } }],
    });
    expect(second).toMatchObject({ choices: [{ delta: { content: 'lo' } }] });
    expect((second as { choices: Array<{ delta: object }> }).choices[0]?.delta).not.toHaveProperty('role');
    expect(last).toMatchObject({ model: 'big-2', choices: [{ finish_reason: 'stop' }], switchyard: { target: 'cloud' } });
    expect(last).not.toHaveProperty('usage');
    expect(done).toBe('[DONE]');
    expect(out.ended).toBe(true);
  });

  it('include_usage: a last chunk with empty choices carries usage and the switchyard object', () => {
    const { res, events } = sink();
    const writer = new SseWriter(res, 'chatcmpl-2', 100, 'big', true);
    writer.start({});
    writer.finish('length', { promptTokens: 3, completionTokens: 2 }, info);
    const [finishChunk, usageChunk] = events() as Array<Record<string, unknown>>;
    expect(finishChunk).toMatchObject({ choices: [{ delta: { role: 'assistant' }, finish_reason: 'length' }] });
    expect(finishChunk).not.toHaveProperty('switchyard');
    expect(usageChunk).toMatchObject({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }, switchyard: {} });
  });

  it('tool call deltas in OpenAI shape', () => {
    const { res, events } = sink();
    const writer = new SseWriter(res, 'c', 1, 'm', false);
    writer.toolCall({ index: 0, id: 'call_1', name: 'get', argumentsDelta: '{"a"' });
    expect(events()[0]).toMatchObject({
      choices: [{ delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get', arguments: '{"a"' } }] } }],
    });
  });

  it('a failure mid-stream is an error event (scrubbed), and the stream ends without [DONE]', () => {
    const { res, out, events } = sink();
    const writer = new SseWriter(res, 'c', 1, 'm', false, (t) => t.replace('sk-secret', '[key]'));
    writer.text('par');
    writer.error(new SwitchyardError('connection', 'lost sk-secret', { status: 502 }), info);
    const [, error] = events() as Array<Record<string, unknown>>;
    expect(error).toMatchObject({ error: { message: 'lost [key]', type: 'server_error', code: 'connection' }, switchyard: { target: 'cloud' } });
    expect(out.body).not.toContain('[DONE]');
    expect(out.ended).toBe(true);
  });
});
