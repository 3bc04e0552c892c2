import { SwitchyardError } from '../errors.js';

/**
 * The `data:` payloads of a server-sent event stream, in order, as they arrive. Events are separated by a blank
 * line; multi-line data is joined with `\n`; comments and other fields are skipped. An `event: error` event is
 * thrown as the upstream's error. Reads text chunks from a node stream (setEncoding'd) or a web byte stream.
 */
export async function* sseData(chunks: AsyncIterable<string | Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (pending.includes('\r')) pending = pending.replace(/\r\n?/g, '\n');
    let end = pending.indexOf('\n\n');
    while (end !== -1) {
      const data = dataOf(pending.slice(0, end));
      pending = pending.slice(end + 2);
      if (data !== null) yield data;
      end = pending.indexOf('\n\n');
    }
  }
  const last = dataOf(pending);
  if (last !== null) yield last;
}

function dataOf(event: string): string | null {
  // The common case, one `data:` line: no splitting.
  if (event.startsWith('data: ') && !event.includes('\n')) return event.slice(6);
  let data: string[] | null = null;
  let type = '';
  for (const line of event.split('\n')) {
    if (line.startsWith('data:')) (data ??= []).push(line.slice(line.startsWith('data: ') ? 6 : 5));
    else if (line.startsWith('event:')) type = line.slice(6).trim();
  }
  if (type === 'error') throw new SwitchyardError('internal', `Upstream stream error: ${data?.join('\n') ?? ''}`);
  return data === null ? null : data.join('\n');
}
