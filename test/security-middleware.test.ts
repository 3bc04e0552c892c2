import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyId, apiKeyIdOf, createSecurity, loadSecurityConfig } from '../src/server/security/index.js';

const KEY = 'client-key-alpha-123456';
let clock = 1_700_000_000_000;
let server: Server;
let base: string;

beforeAll(async () => {
  const config = loadSecurityConfig({ SWITCHYARD_API_KEYS: `${KEY}, client-key-beta-654321`, SWITCHYARD_RATE_LIMIT_RPM: '60', SWITCHYARD_RATE_LIMIT_BURST: '3' });
  const security = createSecurity(config, { now: () => clock });
  const app = express();
  app.get('/healthz', (_req, res) => res.json({ ok: true }));
  for (const h of security.before) app.use(h);
  app.get('/v1/models', (_req, res) => res.json({ object: 'list', data: [], key: apiKeyIdOf(res) }));
  app.get('/dashboard', (_req, res) => res.send('<html>ok</html>'));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe('client API keys', () => {
  it('answers 401 in OpenAI shape without a key or with a wrong one, and never echoes the key', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-key-0000000' }, { 'x-api-key': 'nope-nope-nope' }]) {
      const res = await fetch(`${base}/v1/models`, { headers });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: Record<string, unknown> };
      expect(body.error).toMatchObject({ type: 'invalid_request_error', param: null, code: 'invalid_api_key' });
      expect(JSON.stringify(body)).not.toMatch(/wrong-key|nope-nope/);
      expect(res.headers.get('www-authenticate')).toBeNull();
    }
  });

  it('makes the official SDK raise AuthenticationError, and accepts the right key as Bearer or x-api-key', async () => {
    const bad = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'wrong-key-0000000', maxRetries: 0 });
    await expect(bad.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    clock += 60_000;
    const ok = await fetch(`${base}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { key: string }).key).toBe(apiKeyId(KEY));
    expect(apiKeyId(KEY)).not.toContain(KEY.slice(0, 8));
    const viaHeader = await fetch(`${base}/v1/models`, { headers: { 'x-api-key': KEY } });
    expect(viaHeader.status).toBe(200);
  });

  it('leaves /healthz open and puts the dashboard behind the same keys (browser Basic prompt)', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const denied = await fetch(`${base}/dashboard`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toMatch(/^Basic /);
    clock += 60_000;
    const basic = Buffer.from(`operator:${KEY}`).toString('base64');
    expect((await fetch(`${base}/dashboard`, { headers: { authorization: `Basic ${basic}` } })).status).toBe(200);
  });
});

describe('per-key rate limit', () => {
  it('answers 429 with Retry-After once the burst is spent, per key, and recovers with time', async () => {
    clock += 10 * 60_000;
    const get = (key: string): Promise<Response> => fetch(`${base}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(KEY)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await get(KEY);
    expect(limited.headers.get('retry-after')).toBe('1'); // 60/min → one token per second
    expect(((await limited.json()) as { error: { code: string; type: string } }).error).toMatchObject({ code: 'rate_limit_exceeded', type: 'requests' });
    expect((await get('client-key-beta-654321')).status).toBe(200); // another key has its own bucket
    const sdk = new OpenAI({ baseURL: `${base}/v1`, apiKey: KEY, maxRetries: 0 });
    await expect(sdk.models.list()).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    clock += 2_000;
    expect((await get(KEY)).status).toBe(200);
  });
});

describe('body limits and CORS', () => {
  it('rejects JSON nested deeper than the limit with a 400 OpenAI error', async () => {
    clock += 10 * 60_000;
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const res = await fetch(`${base}/v1/models`, { method: 'GET', headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(200);
    const post = await fetch(`${base}/v1/models`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: `{"messages":${deep}}`,
    });
    expect(post.status).toBe(400);
    expect(((await post.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
  });

  it('sends no CORS headers by default, and only for listed origins when configured', async () => {
    clock += 10 * 60_000;
    const res = await fetch(`${base}/v1/models`, { headers: { authorization: `Bearer ${KEY}`, origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const cfg = loadSecurityConfig({ SWITCHYARD_CORS_ORIGINS: 'https://ops.example' });
    expect(cfg.corsOrigins).toEqual(['https://ops.example']);
    expect(() => loadSecurityConfig({ SWITCHYARD_RATE_LIMIT_RPM: 'fast' })).toThrow(/positive integer/);
    expect(() => loadSecurityConfig({ SWITCHYARD_API_KEYS: 'short' })).toThrow(/at least 8/);
    expect(() => loadSecurityConfig({ SWITCHYARD_HEADERS_TIMEOUT_MS: '60000', SWITCHYARD_REQUEST_TIMEOUT_MS: '1000' })).toThrow(/headersTimeoutMs/);
  });
});

describe('rate limits without client keys', () => {
  it('never throttle the device\'s own apps on loopback', async () => {
    const security = createSecurity(loadSecurityConfig({ SWITCHYARD_RATE_LIMIT_RPM: '60', SWITCHYARD_RATE_LIMIT_BURST: '2' }));
    const app = express();
    for (const h of security.before) app.use(h);
    app.get('/v1/models', (_req, res) => res.json({ object: 'list', data: [] }));
    const open = app.listen(0, '127.0.0.1');
    await new Promise((r) => open.once('listening', r));
    try {
      const url = `http://127.0.0.1:${(open.address() as AddressInfo).port}/v1/models`;
      const statuses = await Promise.all(Array.from({ length: 10 }, async () => (await fetch(url)).status));
      expect(statuses.every((s) => s === 200)).toBe(true);
    } finally {
      await new Promise((r) => open.close(r));
    }
  });
});
