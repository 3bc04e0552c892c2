import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PolicyError } from '../src/policy/index.js';
import { FakeUpstream } from './helpers/fake-upstream.js';
import { type ReplicaProcess, startReplicas } from './helpers/replica-process.js';
import { startTestService, type TestService } from './helpers/service.js';

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

type Info = { target: string; fallback: { cause: string; from: string; to: string } | null };
const infoOf = (body: unknown): Info => (body as { switchyard: Info }).switchyard;
const messages = [{ role: 'user' as const, content: 'hello there' }];
/** Probes that notice a dead endpoint within a few hundred ms (a refused connect fails at once; the timeout is for a shared, busy machine). */
const fastProbe = { initialBackoffMs: 100, maxBackoffMs: 200, probeTimeoutMs: 3_000, idleProbeMs: 200 };

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

async function fakes(n: number, name: string): Promise<FakeUpstream[]> {
  const started = await Promise.all(Array.from({ length: n }, (_, i) => new FakeUpstream({ reply: () => `${name}-${i}`, chunkDelayMs: 2 }).start()));
  open.push(...started);
  return started;
}

function file(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-site-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function targetsYaml(edge: FakeUpstream[], cloud: FakeUpstream | null, extra = ''): string {
  const endpoints = edge.map((f) => `        - { url: ${f.url} }`).join('\n');
  const cloudPart = cloud === null ? '' : `  cloud:\n    endpoints: [ { url: ${cloud.url} } ]\n    model: cloud-big\n`;
  return `targets:\n  edge:\n    endpoints:\n${endpoints}\n    model: edge-7b\n    balance: least-busy\n${cloudPart}${extra}`;
}

async function start(targets: string | { path: string }, policy?: string): Promise<TestService> {
  const t = await startTestService({
    targetsFile: typeof targets === 'string' ? file('targets.yaml', targets) : targets.path,
    ...(policy === undefined ? {} : { policyFile: file('policy.yaml', policy) }),
    endpointProbe: fastProbe,
  });
  open.push(t);
  return t;
}

describe('a site tier: named target pools', () => {
  it('spreads an edge pool load over its endpoints, pinned with model "edge"', async () => {
    const edge = await fakes(3, 'gpu');
    const t = await start(targetsYaml(edge, null));
    const answers = await Promise.all(
      Array.from({ length: 24 }, () => t.client.chat.completions.create({ model: 'edge', messages, max_tokens: 8 }).withResponse()),
    );
    for (const { data, response } of answers) {
      expect(infoOf(data).fallback).toBeNull();
      expect(response.headers.get('x-switchyard-target')).toBe('edge');
      expect(infoOf(data).target).toBe('edge');
      expect(data.choices[0]?.message.content).toMatch(/^gpu-\d$/);
    }
    const served = edge.map((f) => f.requests.filter((r) => r.path.endsWith('/chat/completions')).length);
    expect(served.reduce((a, b) => a + b, 0)).toBe(24);
    for (const n of served) expect(n).toBeGreaterThanOrEqual(4);
    const models = await t.client.models.list();
    const ids = models.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['auto', 'cloud', 'edge', 'edge-7b']));
    expect(ids).not.toContain('local'); // no local model here: only aliases something can answer are listed
  });

  it('metrics, the decision log and the dashboard totals name the pool that served', async () => {
    const edge = await fakes(2, 'gpu');
    const log = join(mkdtempSync(join(tmpdir(), 'switchyard-site-log-')), 'decisions.jsonl');
    const t = await startTestService({
      targetsFile: file('targets.yaml', targetsYaml(edge, null)),
      endpointProbe: fastProbe,
      observability: { decisionLog: { file: log } },
    });
    open.push(t);
    for (let i = 0; i < 3; i++) await t.client.chat.completions.create({ model: 'edge', messages, max_tokens: 8 });
    await t.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 8 });

    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/switchyard_requests_total\{[^}]*target="edge"[^}]*\} 3/);
    const totals = t.service.observability.feed.state().totals;
    expect(totals.byTarget).toEqual({ edge: 3, cloud: 1 });
    expect(totals).toMatchObject({ requests: 4, cloud: 1, local: 0 });
    // The routing chart's samples count the pool too (its "Site pools" series), not only local and cloud.
    t.service.observability.feed.sample();
    const samples = t.service.observability.feed.state().samples;
    const sum = (key: 'pools' | 'cloud' | 'local'): number => samples.reduce((n, s) => n + s[key], 0);
    expect({ pools: sum('pools'), cloud: sum('cloud'), local: sum('local') }).toEqual({ pools: 3, cloud: 1, local: 0 });
    await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').trim().split('\n').length >= 4);
    const served = readFileSync(log, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { servedBy: string }).servedBy);
    expect(served.filter((target) => target === 'edge')).toHaveLength(3);
  });

  it('/metrics has a series per pool endpoint: up, breaker state, in flight; a dead one reads 0 once found down', async () => {
    const edge = await fakes(2, 'gpu');
    const t = await start(targetsYaml(edge, null));
    await t.client.chat.completions.create({ model: 'edge', messages, max_tokens: 8 });
    const scrape = async (): Promise<string> => (await fetch(`${t.url}/metrics`)).text();
    const series = (name: string, url: string, extra = ''): RegExp => new RegExp(`${name}\\{target="edge",url="${url.replace(/[./]/g, '\\$&')}"${extra}\\} (\\d+)`);
    const before = await scrape();
    for (const f of edge) {
      expect(before).toMatch(series('switchyard_endpoint_up', f.url));
      expect(before.match(series('switchyard_endpoint_up', f.url))?.[1]).toBe('1');
      expect(before.match(series('switchyard_endpoint_breaker_state', f.url, ',state="closed"'))?.[1]).toBe('1');
      expect(before.match(series('switchyard_endpoint_in_flight', f.url))?.[1]).toBe('0');
    }
    await edge[1]!.refuse();
    await waitFor(async () => (await scrape()).match(series('switchyard_endpoint_up', edge[1]!.url))?.[1] === '0');
    expect((await scrape()).match(series('switchyard_endpoint_up', edge[0]!.url))?.[1]).toBe('1');
  });

  it('an endpoint killed mid-load fails no request; the pool serves on with the others', async () => {
    const edge = await fakes(3, 'gpu');
    const t = await start(targetsYaml(edge, null));
    let done = 0;
    const one = async (): Promise<string | null | undefined> => {
      const { data, response } = await t.client.chat.completions.create({ model: 'edge', messages, max_tokens: 8, stream: false }).withResponse();
      expect(response.headers.get('x-switchyard-target')).toBe('edge');
      done++;
      return data.choices[0]?.message.content;
    };
    const streamed = async (): Promise<string> => {
      const stream = await t.client.chat.completions.create({ model: 'edge', messages, max_tokens: 8, stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      done++;
      return text;
    };
    const workers = Array.from({ length: 6 }, async (_, w) => {
      const texts: string[] = [];
      for (let i = 0; i < 10; i++) texts.push((await (w % 2 === 0 ? one() : streamed())) ?? '');
      return texts;
    });
    await waitFor(() => done >= 12);
    await edge[1]!.refuse();
    const texts = (await Promise.all(workers)).flat();
    expect(texts).toHaveLength(60);
    for (const text of texts) expect(text).toMatch(/^gpu-\d$/);
    // After the kill, the dead endpoint is skipped: the others answered the rest.
    expect(texts.slice(-6).every((text) => text !== 'gpu-1')).toBe(true);
  });

  it('all edge endpoints down → falls through to the cloud per `fallback`', async () => {
    const edge = await fakes(2, 'gpu');
    const [cloud] = await fakes(1, 'cloud');
    const t = await start(targetsYaml(edge, cloud!, 'fallback: [edge, cloud, local]\n'));
    await Promise.all(edge.map((f) => f.refuse()));
    const { data, response } = await t.client.chat.completions.create({ model: 'edge', messages, max_tokens: 8 }).withResponse();
    expect(data.choices[0]?.message.content).toBe('cloud-0');
    expect(response.headers.get('x-switchyard-target')).toBe('cloud');
    expect(infoOf(data).fallback).toMatchObject({ from: 'edge', to: 'cloud' });
    // Once the probes found them dead, the pool is down and skipped without a connect attempt.
    await waitFor(async () => ((await (await fetch(`${t.url}/healthz`)).json()) as { backends: { edge: { state: string } } }).backends.edge.state === 'failed');
    const again = await t.client.chat.completions.create({ model: 'edge', messages, max_tokens: 8 }).withResponse();
    expect(again.response.headers.get('x-switchyard-fallback')).toBe('breaker-open');
    expect(again.data.choices[0]?.message.content).toBe('cloud-0');
    // Each endpoint's last failure reads as the cloud link's does in /healthz: when, what kind, cause, detail.
    type Health = { targets: { endpoints: { edge: Array<{ lastFailure: unknown }> } } };
    const health = (await (await fetch(`${t.url}/healthz`)).json()) as Health;
    for (const endpoint of health.targets.endpoints.edge) {
      expect(endpoint.lastFailure).toMatchObject({ at: expect.any(Number), kind: expect.any(String), cause: expect.any(String), detail: expect.any(String) });
    }
  });

  it('a rule with fallback: never whose pool is all down: 503 with Retry-After naming the pool, as for the cloud', async () => {
    const edge = await fakes(2, 'gpu');
    const policy = 'version: 1\nrules:\n  - name: on-site-only\n    when: {}\n    route: edge\n    fallback: never\ndefault: { route: local }\n';
    const t = await start(targetsYaml(edge, null), policy);
    await Promise.all(edge.map((f) => f.refuse()));
    for (const attempt of ['refused', 'skipped']) {
      if (attempt === 'skipped') {
        await waitFor(async () => ((await (await fetch(`${t.url}/healthz`)).json()) as { backends: { edge: { state: string } } }).backends.edge.state === 'failed');
      }
      const error = await t.client.chat.completions.create({ model: 'auto', messages, max_tokens: 8 }).catch((err: unknown) => err);
      expect(error).toMatchObject({ status: 503, code: 'upstream_unavailable' });
      expect((error as { message: string }).message).toMatch(/^503 Target "edge" is unavailable and no fallback is allowed: /);
      expect((error as { headers: Headers }).headers.get('retry-after')).toBe('5');
    }
  });

  it('an endpoint url without /v1 that answers 404 (vLLM at http://gpu-1:8000): the error says the url is probably missing /v1', async () => {
    // Like vLLM: everything outside /v1 is a bare 404.
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const t = await start(`targets:\n  edge:\n    endpoints: [ { url: ${url} } ]\n    model: m\n`);
    const error = await t.client.chat.completions.create({ model: 'edge', messages, max_tokens: 8 }).catch((err: unknown) => err);
    expect(error).toMatchObject({ status: 404 });
    expect((error as { message: string }).message).toContain(`edge endpoint ${url} answered 404`);
    expect((error as { message: string }).message).toContain('is the url in the targets file missing it?');
  });

  it('a pool all down with fallback allowed but nowhere to fall (fallback: [edge]): 503 saying nothing else can answer, not "not allowed"', async () => {
    const edge = await fakes(1, 'gpu');
    const t = await start(targetsYaml(edge, null, 'fallback: [edge]\n'));
    await edge[0]!.refuse();
    const error = await t.client.chat.completions.create({ model: 'edge', messages, max_tokens: 8 }).catch((err: unknown) => err);
    expect(error).toMatchObject({ status: 503, code: 'upstream_unavailable' });
    expect((error as { message: string }).message).toMatch(/^503 Target "edge" is unavailable and nothing else can answer now: /);
  });

  it('a policy routes by target name and by the target\'s own link', async () => {
    const edge = await fakes(2, 'gpu');
    const [cloud] = await fakes(1, 'cloud');
    const policy = [
      'version: 1',
      'rules:',
      '  - name: lan-fine',
      '    when: { links: { edge: { online: true, rttMs: { lt: 2000 } } } }',
      '    route: edge',
      'default: { route: cloud }',
      '',
    ].join('\n');
    const t = await start(targetsYaml(edge, cloud!), policy);
    await waitFor(async () => {
      const health = (await (await fetch(`${t.url}/healthz`)).json()) as { targets: { endpoints: { edge: Array<{ rttMs: number | null }> } } };
      return health.targets.endpoints.edge.some((e) => e.rttMs !== null);
    });
    const lan = await t.client.chat.completions.create({ model: 'auto', messages, max_tokens: 8 }).withResponse();
    expect(lan.response.headers.get('x-switchyard-rule')).toBe('lan-fine');
    expect(lan.response.headers.get('x-switchyard-target')).toBe('edge');

    await Promise.all(edge.map((f) => f.refuse()));
    await waitFor(async () => ((await (await fetch(`${t.url}/healthz`)).json()) as { backends: { edge: { state: string } } }).backends.edge.state === 'failed');
    const wan = await t.client.chat.completions.create({ model: 'auto', messages, max_tokens: 8 }).withResponse();
    expect(wan.response.headers.get('x-switchyard-rule')).toBe('default');
    expect(wan.response.headers.get('x-switchyard-target')).toBe('cloud');
    expect(wan.response.headers.get('x-switchyard-fallback')).toBeNull();
  });

  it('a bad targets file, or a policy routing to an unknown target, is one clear line with file:line', async () => {
    const bad = file('targets.yaml', 'targets:\n  edge:\n    endpoints: [ { url: http://127.0.0.1:9/v1 } ]\n    model: m\n    balance: fastest\n');
    await expect(startTestService({ targetsFile: bad })).rejects.toThrow(
      /^.*targets\.yaml:5:14 targets\.edge\.balance: expected one of "least-busy", "round-robin", got "fastest"$/,
    );
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--no-local', '--port', '0', '--targets', bad], {
      encoding: 'utf8',
      env: { ...process.env, SWITCHYARD_UPSTREAM_URL: '', OPENAI_BASE_URL: '' },
    });
    expect(cli.status).toBe(1);
    expect(cli.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^switchyard serve: .*targets\.yaml:5:14 targets\.edge\.balance: expected one of/)]);
    const capital = file('targets.yaml', 'targets:\n  Edge:\n    endpoints: [ { url: http://127.0.0.1:9/v1 } ]\n    model: m\n');
    await expect(startTestService({ targetsFile: capital })).rejects.toThrow(/targets\.yaml:2:3 targets\.Edge: expected a lowercase name like edge or site-a, got "Edge"$/);
    const edge = await fakes(1, 'gpu');
    const typo = 'version: 1\nrules: []\ndefault: { route: egde }\n';
    const error = await start(targetsYaml(edge, null), typo).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as Error).message).toMatch(/policy\.yaml:3:19 default\.route: expected one of "local", "cloud", "edge", "cascade", got "egde" \(did you mean "edge"\?\)$/);
  });

  it('hot-reloads the targets file: a new endpoint joins; a broken edit or one the policy cannot live with is rejected', async () => {
    const edge = await fakes(2, 'gpu');
    const path = file('targets.yaml', targetsYaml([edge[0]!], null));
    const policy = 'version: 1\nrules: []\ndefault: { route: edge }\n';
    const t = await start({ path }, policy);
    type Health = { targets: { lastError: string | null; endpoints: Record<string, unknown[]> } };
    const health = async (): Promise<Health> => (await (await fetch(`${t.url}/healthz`)).json()) as Health;
    const ask = async (): Promise<string | null | undefined> =>
      (await t.client.chat.completions.create({ model: 'auto', messages, max_tokens: 8 })).choices[0]?.message.content;
    expect(await ask()).toBe('gpu-0');

    writeFileSync(path, targetsYaml(edge, null).replace('least-busy', 'round-robin'));
    await t.service.site!.reload();
    expect((await health()).targets.endpoints['edge']).toHaveLength(2);
    const answers = [await ask(), await ask(), await ask(), await ask()];
    expect(new Set(answers)).toEqual(new Set(['gpu-0', 'gpu-1']));

    writeFileSync(path, targetsYaml(edge, null).replace('least-busy', 'fastest'));
    await t.service.site!.reload();
    expect((await health()).targets.lastError).toMatch(/targets\.yaml:\d+:\d+ targets\.edge\.balance: expected one of "least-busy", "round-robin", got "fastest"/);
    expect(await ask()).toMatch(/^gpu-\d$/);

    writeFileSync(path, targetsYaml(edge, null).replace('edge:', 'site:'));
    await t.service.site!.reload();
    expect((await health()).targets.lastError).toMatch(
      /^.*targets\.yaml:1:1 targets: this edit removes "edge", which the serving policy still routes to; change the policy first\n.*policy\.yaml:3:19 default\.route: expected one of "local", "cloud", "site", "cascade", got "edge"$/,
    );
    expect(await ask()).toMatch(/^gpu-\d$/);
  });
  it('a stream that broke mid-way, or whose client hung up, is no longer counted in flight at its endpoint', async () => {
    const gpu = await new FakeUpstream({ reply: () => 'one two three four five six seven eight', chunkDelayMs: 200 }).start();
    open.push(gpu);
    const t = await start(targetsYaml([gpu], null));
    type Health = { targets: { endpoints: { edge: Array<{ inFlight: number }> } } };
    const inFlight = async (): Promise<number> => ((await (await fetch(`${t.url}/healthz`)).json()) as Health).targets.endpoints.edge[0]!.inFlight;

    gpu.next({ kind: 'reset', afterChunks: 2 });
    const broken = await t.client.chat.completions.create({ model: 'edge', messages, stream: true });
    await expect(async () => {
      for await (const _ of broken);
    }).rejects.toThrow();

    const controller = new AbortController();
    const left = await t.client.chat.completions.create({ model: 'edge', messages, stream: true }, { signal: controller.signal });
    for await (const chunk of left) if (chunk.choices[0]?.delta?.content) break;
    await waitFor(() => gpu.requests.filter((r) => r.path.endsWith('/chat/completions')).at(-1)?.aborted === true);

    await waitFor(async () => (await inFlight()) === 0);
    expect(await inFlight()).toBe(0);
  });
});

describe('a targets file with its own cloud, through `switchyard serve`', () => {
  it('replaces the SWITCHYARD_UPSTREAM_URL shorthand: the shorthand host is never probed; /healthz, the link and the policy’s online are the pool’s', { timeout: 60_000 }, async () => {
    const [cloud] = (await fakes(1, 'cloud')) as [FakeUpstream];
    const [shorthand] = (await fakes(1, 'shorthand')) as [FakeUpstream];
    const targets = file('targets.yaml', `targets:\n  cloud:\n    endpoints: [ { url: ${cloud.url}, keyEnv: OPENAI_API_KEY } ]\n    model: cloud-big\n`);
    const { group, stop } = await startReplicas(1, {
      upstreamUrl: shorthand.url,
      redisUrl: '',
      local: true,
      extra: { OPENAI_API_KEY: 'sk-site', SWITCHYARD_LOG_LEVEL: 'info' },
      args: ['--targets', targets],
    });
    open.push({ close: stop });
    const [replica] = group as [ReplicaProcess];
    await waitFor(async () => {
      const h = await replica.health();
      return h.connectivity.state === 'online' && h.backends.local.state === 'ready';
    }, 20_000);

    const answer = await replica.client.chat.completions.create({ model: 'cloud', messages });
    expect(answer.choices[0]?.message.content).toBe('cloud-0');
    type Signals = { online: boolean; rttMs: number | null; upstreamConfigured: boolean };
    const signals = async (): Promise<Signals> => (await (await fetch(`${replica.url}/v1/signals`)).json()) as Signals;
    expect(await signals()).toMatchObject({ online: true, rttMs: expect.any(Number), upstreamConfigured: true });
    expect(shorthand.requests).toEqual([]);
    expect(replica.log).toContain('the targets file\'s cloud replaces SWITCHYARD_UPSTREAM_URL');

    // The cloud pool goes away: the default policy sees the link offline and answers on the device.
    await cloud.refuse();
    // The refused request (answered by the device) makes the pool probe at once instead of at its next idle probe.
    const refused = await replica.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 4 });
    expect(infoOf(refused)).toMatchObject({ target: 'local', fallback: { from: 'cloud' } });
    await waitFor(async () => (await signals()).online === false, 20_000);
    const { data } = await replica.client.chat.completions.create({ model: 'auto', messages, max_tokens: 4 }).withResponse();
    expect(infoOf(data)).toMatchObject({ target: 'local' });
    expect((data as unknown as { switchyard: { rule: string } }).switchyard.rule).toBe('offline');
    expect(shorthand.requests).toEqual([]);
  });
});

describe('an edge server going away, as the log of `switchyard serve` tells it', () => {
  it('names the endpoint once when it goes down and once when it answers again; every request is answered by the other', { timeout: 60_000 }, async () => {
    const edge = await fakes(2, 'gpu');
    const targets = file('targets.yaml', targetsYaml(edge, null));
    const { group, stop } = await startReplicas(1, { upstreamUrl: '', redisUrl: '', extra: { SWITCHYARD_LOG_LEVEL: 'info' }, args: ['--targets', targets] });
    open.push({ close: stop });
    const [replica] = group as [ReplicaProcess];
    const ask = async (): Promise<string | null | undefined> =>
      (await replica.client.chat.completions.create({ model: 'edge', messages, max_tokens: 8 })).choices[0]?.message.content;

    await edge[0]!.refuse();
    const down = `edge endpoint ${edge[0]!.url} is down: requests skip it until a probe reaches it`;
    for (let i = 0; i < 4; i++) expect(await ask()).toBe('gpu-1');
    await waitFor(() => replica.log.includes(down), 10_000);
    await edge[0]!.accept();
    // A probe that reaches it lets one request through as a trial; its answer closes the breaker.
    await waitFor(async () => (await ask()) === 'gpu-0' && replica.log.includes(`edge endpoint ${edge[0]!.url} answers again`), 30_000);
    expect(replica.log.split(down).length - 1).toBe(1);
  });
});

/** An edge server that answers every chat request 400, echoing the key it was sent in the error message; its /v1 URL. */
async function keyEchoingServer(): Promise<string> {
  const server = http.createServer((req, res) => {
    req.resume();
    if (req.method === 'HEAD') return void res.writeHead(200).end();
    const echoed = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `bad key ${echoed} here`, type: 'invalid_request_error', param: null, code: null } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

describe('an edge endpoint key (keyEnv) through `switchyard serve`', () => {
  it('is scrubbed from an error body the endpoint echoes it in, as the cloud key is', { timeout: 60_000 }, async () => {
    const key = 'edge-secret-abcdef123';
    const url = await keyEchoingServer();
    const targets = file('targets.yaml', `targets:\n  edge:\n    endpoints: [ { url: ${url}, keyEnv: EDGE_KEY } ]\n    model: m\n`);
    const { group, stop } = await startReplicas(1, { upstreamUrl: '', redisUrl: '', extra: { EDGE_KEY: key, SWITCHYARD_UPSTREAM_KEY: '' }, args: ['--targets', targets] });
    open.push({ close: stop });
    const [replica] = group as [ReplicaProcess];
    const error = await replica.client.chat.completions.create({ model: 'edge', messages }).catch((err: unknown) => err);
    expect(error).toMatchObject({ status: 400 });
    expect((error as { message: string }).message).toBe('400 bad key [redacted] here');
  });

  it('is scrubbed too when the endpoint arrives by an edit of the running replica’s targets file', { timeout: 60_000 }, async () => {
    const [first] = await fakes(1, 'gpu');
    const key = 'later-secret-987654zyx';
    const url = await keyEchoingServer();
    const targets = file('targets.yaml', `targets:\n  edge:\n    endpoints: [ { url: ${first!.url} } ]\n    model: m\n`);
    const { group, stop } = await startReplicas(1, { upstreamUrl: '', redisUrl: '', extra: { LATER_KEY: key, SWITCHYARD_UPSTREAM_KEY: '', SWITCHYARD_LOG_LEVEL: 'info' }, args: ['--targets', targets] });
    open.push({ close: stop });
    const [replica] = group as [ReplicaProcess];
    writeFileSync(targets, `targets:\n  edge:\n    endpoints: [ { url: ${url}, keyEnv: LATER_KEY } ]\n    model: m\n`);
    await waitFor(() => replica.log.includes('targets reloaded'), 10_000);
    const error = await replica.client.chat.completions.create({ model: 'edge', messages }).catch((err: unknown) => err);
    expect(error).toMatchObject({ status: 400 });
    expect((error as { message: string }).message).toBe('400 bad key [redacted] here');
  });
});
