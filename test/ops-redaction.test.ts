import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/observability/logger.js';
import { Redactor } from '../src/observability/redact.js';

describe('redaction', () => {
  it('scrubs known secrets by value and keys, e-mails, phone and card numbers, IPs by shape', () => {
    const r = new Redactor(['my-client-key-123']);
    const out = r.text(
      'key my-client-key-123 Bearer abcdefghijklmnop sk-proj-ABCDEFGHIJKLMNOP1234 mail bob@corp.io tel +44 20 7946 0958 card 4111 1111 1111 1111 from 10.1.2.3 api_key=hunter2hunter',
    );
    for (const leaked of ['my-client-key-123', 'abcdefghijklmnop', 'sk-proj-ABCD', 'bob@corp.io', '7946 0958', '4111 1111', '10.1.2.3', 'hunter2hunter']) {
      expect(out).not.toContain(leaked);
    }
    expect(out).toContain('Bearer [redacted]');
  });

  it('keeps ordinary text, numbers and timestamps readable', () => {
    const r = new Redactor();
    const text = 'routed to local: score 0.12 < 0.4, rtt 42 ms at 2026-11-22T15:29:38Z, 128 tokens; listening on http://127.0.0.1:8080';
    expect(r.text(text)).toBe(text);
  });

  it('never lets the logger print a secret, whether in the message, a field, a header or an error', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const upstreamKey = 'sk-live-zzzzzzzzzzzzzzzzzzzzzzzz';
    const logger = createLogger({ secrets: [upstreamKey], destination });
    logger.info(`calling upstream with ${upstreamKey}`);
    logger.info({ req: { headers: { authorization: 'Bearer client-secret-value', 'x-api-key': 'client-secret-value' } } }, 'request');
    logger.error({ err: new Error(`401 from upstream for key ${upstreamKey}; user alice@example.org`) }, 'upstream failed');
    logger.warn({ apiKey: 'plain-secret-value', nested: { password: 'pw-123456' } }, 'config');
    const all = lines.join('');
    expect(lines).toHaveLength(4);
    for (const leaked of [upstreamKey, 'client-secret-value', 'alice@example.org', 'plain-secret-value', 'pw-123456']) expect(all).not.toContain(leaked);
    expect(all).toContain('upstream failed');
  });
});
