import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpsServer } from './ops-harness.js';
import type { OpsServer } from './ops-harness.js';

const KEY = 'fuzz-client-key-0123456789';

/** Deterministic PRNG (mulberry32) so a failing case can be reproduced from its index. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  name: string;
  body: string | Buffer;
  contentType?: string;
}

const VALID = { model: 'cloud', messages: [{ role: 'user', content: 'hi' }] };
const json = (v: unknown): string => JSON.stringify(v);
const nest = (depth: number, open = '[', close = ']'): string => open.repeat(depth) + close.repeat(depth);

/** Values that are the wrong type (or out of range) for every field they are put in. */
const BAD_VALUES: Record<string, unknown[]> = {
  model: [123, null, true, [], {}, '', ['gpt'], { id: 'x' }],
  messages: ['hi', 42, null, {}, [], [1], [null], ['hi'], [{}], [{ role: 'robot', content: 'x' }], [{ role: 'user', content: 5 }], [{ role: 'user', content: [{ type: 'text' }] }], [{ role: 7 }]],
  stream: ['yes', 1, {}, []],
  max_tokens: [-1, 0, 1.5, '10', 1e308, -1e308, {}, [], 2 ** 53 + 2],
  max_completion_tokens: [-5, 0.25, 'many', [1]],
  temperature: ['hot', -1, 3, 1e308, {}, [0.5]],
  top_p: [2, -0.1, 'all', 1e300],
  stop: [5, [1, 2], ['a', 'b', 'c', 'd', 'e'], { s: 1 }],
  n: [2, 0, 1e10, 'one'],
  seed: [1.5, 'abc', {}],
  tools: ['x', 5, [{ type: 'bash' }], [{ type: 'function' }]],
  tool_choice: [5, 'sometimes', { type: 'function' }],
  response_format: ['json', { type: 'xml' }, 5],
  stream_options: ['yes', 5, { include_usage: 'yes' }],
  user: [5, {}, []],
};

function buildCases(): Case[] {
  const cases: Case[] = [];
  const random = rng(20261122);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;

  // Wrong types, one field at a time (every listed value), then 2-3 at a time at random.
  for (const [field, values] of Object.entries(BAD_VALUES)) {
    for (const value of values) cases.push({ name: `${field}=${json(value)}`, body: json({ ...VALID, [field]: value }) });
  }
  const fields = Object.keys(BAD_VALUES);
  for (let i = 0; i < 120; i++) {
    const body: Record<string, unknown> = { ...VALID };
    const n = 2 + Math.floor(random() * 2);
    for (let j = 0; j < n; j++) {
      const field = pick(fields);
      body[field] = pick(BAD_VALUES[field] ?? []);
    }
    cases.push({ name: `combo#${i}`, body: json(body) });
  }
  // Missing required fields and non-object roots.
  for (const body of [{}, { model: 'cloud' }, { messages: VALID.messages }, [], [VALID], 'hello', 42, null, true]) {
    cases.push({ name: `shape ${json(body).slice(0, 30)}`, body: json(body) });
  }
  // Broken JSON: every truncation point of a valid body, plus classic mistakes.
  const valid = json(VALID);
  for (let cut = 1; cut < valid.length; cut += 2) cases.push({ name: `truncated@${cut}`, body: valid.slice(0, cut) });
  for (const text of ["{'model':'cloud'}", '{"model":"cloud",}', '{"model":NaN}', '{"model":"cloud"} trailing', '{"a":1}{"b":2}', '/* c */{}', '{"model":undefined}', '{"messages":[,]}', '\u0000{}', '{"model":"cloud","messages":[{"role":"user","content":"hi"}]', '{{}}', '"unterminated', ' ', '{"model":0x10}']) {
    cases.push({ name: `broken ${json(text).slice(0, 30)}`, body: text });
  }
  // Random garbage bytes.
  for (let i = 0; i < 50; i++) {
    const bytes = Buffer.alloc(1 + Math.floor(random() * 200));
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(random() * 256);
    bytes[0] = 0x7b ^ 0xff; // never a valid JSON start after decoding: keeps every case malformed
    cases.push({ name: `garbage#${i}`, body: bytes });
  }
  // Invalid unicode: bad UTF-8 bytes in structural positions, lone surrogates where enums are expected.
  const bad = [Buffer.from([0xff]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80])];
  for (const b of bad) {
    cases.push({ name: `utf8 key ${b.toString('hex')}`, body: Buffer.concat([Buffer.from('{"mo'), b, Buffer.from('del":"cloud"}')]) });
    cases.push({ name: `utf8 structural ${b.toString('hex')}`, body: Buffer.concat([Buffer.from('{"model":"cloud",'), b, Buffer.from('"messages":[]}')]) });
  }
  cases.push({ name: 'lone surrogate role', body: '{"model":"cloud","messages":[{"role":"\\ud800","content":"x"}]}' });
  cases.push({ name: 'lone surrogate key only', body: '{"\\udfff":1}' });
  // Deep nesting, in several places and depths.
  for (const depth of [100, 1_000, 10_000, 100_000]) {
    cases.push({ name: `deep array ${depth}`, body: nest(depth) });
    cases.push({ name: `deep content ${depth}`, body: `{"model":"cloud","messages":[{"role":"user","content":${nest(depth)}}]}` });
    cases.push({ name: `deep extra ${depth}`, body: `{"model":"cloud","messages":[{"role":"user","content":"hi"}],"metadata":${nest(depth, '{"a":', '}').replace(/}$/, '1}')}}` });
  }
  // Absurd numbers as JSON literals (Infinity after parse, huge exponents, negative zero).
  for (const lit of ['1e999', '-1e999', '1e-999999', '123456789012345678901234567890', '-0']) {
    cases.push({ name: `max_tokens=${lit}`, body: `{"model":"cloud","messages":[{"role":"user","content":"hi"}],"max_tokens":${lit}}` });
  }
  // Wrong content types for a body that would otherwise be valid.
  for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=latin9', '']) {
    cases.push({ name: `content-type "${contentType}"`, body: valid, contentType });
  }
  cases.push({ name: 'too large', body: json({ ...VALID, messages: [{ role: 'user', content: 'x'.repeat(6 * 1024 * 1024) }] }) });
  return cases;
}

describe('fuzzing POST /v1/chat/completions with malformed bodies', () => {
  let server: OpsServer;
  beforeAll(async () => {
    server = await startOpsServer({ env: { SWITCHYARD_API_KEYS: KEY, SWITCHYARD_RATE_LIMIT_RPM: '1000000', SWITCHYARD_RATE_LIMIT_BURST: '100000' } });
  });
  afterAll(() => server?.close());

  it('answers every one with a 4xx OpenAI error body and stays up', { timeout: 120_000 }, async () => {
    const cases = buildCases();
    expect(cases.length).toBeGreaterThanOrEqual(300);
    const failures: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const c = cases[next++] as Case;
        const headers: Record<string, string> = { authorization: `Bearer ${KEY}` };
        if (c.contentType !== '') headers['content-type'] = c.contentType ?? 'application/json';
        const res = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers, body: c.body });
        const text = await res.text();
        let body: { error?: { message?: unknown; type?: unknown } } = {};
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          failures.push(`${c.name}: ${res.status} non-JSON body ${text.slice(0, 80)}`);
          continue;
        }
        if (res.status < 400 || res.status > 499) failures.push(`${c.name}: status ${res.status} ${text.slice(0, 120)}`);
        else if (typeof body.error?.message !== 'string' || typeof body.error.type !== 'string') failures.push(`${c.name}: not an OpenAI error body: ${text.slice(0, 120)}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(failures).toEqual([]);

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const ok = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: json(VALID),
    });
    expect(ok.status).toBe(200);
  });
});
