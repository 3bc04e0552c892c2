import { describe, expect, it } from 'vitest';
import { sseData } from '../src/backends/upstream/sse-data.js';

async function collect(chunks: Array<string | Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const data of sseData(
    (async function* () {
      yield* chunks;
    })(),
  ))
    out.push(data);
  return out;
}

describe('sseData (the upstream event stream, read from raw bytes)', () => {
  it('yields each data payload, whatever the chunk boundaries', async () => {
    expect(await collect(['data: {"a":1}\n\nda', 'ta: {"b":2}\n', '\ndata: [DONE]\n\n'])).toEqual(['{"a":1}', '{"b":2}', '[DONE]']);
  });

  it('handles CRLF, comments, multi-line data and a last event without a blank line', async () => {
    expect(await collect([': keep-alive\r\n\r\ndata: one\r\ndata: two\r\n\r\n', 'data:tail'])).toEqual(['one\ntwo', 'tail']);
  });

  it('decodes bytes, also a character split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: "é"\n\n');
    expect(await collect([bytes.slice(0, 8), bytes.slice(8)])).toEqual(['"é"']);
  });

  it('an `event: error` is the upstream failing mid-stream', async () => {
    await expect(collect(['event: error\ndata: {"message":"overloaded"}\n\n'])).rejects.toThrow(/overloaded/);
  });
});
