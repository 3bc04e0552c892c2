import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPSTREAM_KEY, startOpsServer } from './ops-harness.js';
import type { OpsServer } from './ops-harness.js';

const KEY = 'secret-client-key-0123456789';
const EMAIL = 'jane.roe@example.com';

describe('the upstream key and personal data never leave in errors or logs', () => {
  let hostile: Server;
  let server: OpsServer;
  const logLines: string[] = [];
  const decisionLog = join(mkdtempSync(join(tmpdir(), 'sy-secrets-')), 'decisions.jsonl');

  beforeAll(async () => {
    // A misbehaving upstream that echoes the credentials and the prompt back in its error message.
    hostile = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${req.headers.authorization}. Request was: ${body}`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
      });
    });
    await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
    const upstreamUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}/v1`;
    server = await startOpsServer({ env: { SWITCHYARD_API_KEYS: KEY }, logLines, decisionLogFile: decisionLog, upstreamUrl });
  });
  afterAll(async () => {
    await server?.close();
    await new Promise((r) => hostile.close(r));
  });

  it('scrubs an upstream error that echoes the key and the prompt before the client sees it', async () => {
    for (const stream of [false, true]) {
      const res = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'x-switchyard-fallback': 'never' },
        body: JSON.stringify({ model: 'cloud', stream, messages: [{ role: 'user', content: `email me at ${EMAIL}` }] }),
      });
      const text = await res.text();
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(text).not.toContain(UPSTREAM_KEY);
      expect(text).not.toContain(EMAIL);
      expect(text).not.toContain(KEY);
      for (const value of res.headers.values()) expect(value).not.toContain(UPSTREAM_KEY);
    }
  });

  it('never writes the keys or personal data to the decision log or the logger', async () => {
    await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'cloud', messages: [{ role: 'user', content: `call +1 415 555 0134 or ${EMAIL}` }] }),
    });
    await server.service.observability.close(); // flushes the decision log
    const everything = readFileSync(decisionLog, 'utf8') + logLines.join('');
    expect(readFileSync(decisionLog, 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(3);
    for (const leaked of [UPSTREAM_KEY, KEY, EMAIL, '555 0134']) expect(everything).not.toContain(leaked);
    expect(everything).toContain('"apiKeyId":"key_'); // requests are attributed by key id only
  });

  it('does not echo a wrong client key in its 401', async () => {
    const res = await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${UPSTREAM_KEY}` } });
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain(UPSTREAM_KEY);
  });
});
