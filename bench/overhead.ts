/**
 * npm run bench:overhead — what the router adds in front of an upstream, against the floor any router pays here.
 * The fake upstream, a bare node:http keep-alive proxy (the floor), the parts floor (express + the openai SDK
 * passing the request through with no routing: what any router built on our chosen parts pays), the router with
 * its keep-alive fetch and the router with the SDK's default (global) fetch run as separate processes; this
 * process is the client. BENCH_PROFILE=1 also profiles the router and prints where its CPU went, by part. Variants
 * are interleaved round by round in one run: latency one request at a time (median, p99), time to the first
 * streamed content byte, then throughput with 8 concurrent clients. The goal compares the router with the floor
 * measured in the same run, so a busy machine moves both.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { cpuByPart } from './support/cpu-profile-parts.js';
import { startProcess, stopAll } from './support/processes.js';
import { median, quantile, table } from './support/stats.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 10);
const PER_ROUND = 200;
const STREAMS_PER_ROUND = 50;
const THROUGHPUT_MS = 1_500;
const CLIENTS = 8;

const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
const messages = [{ role: 'user', content: 'Say something short.' }];
const wholeBody = JSON.stringify({ model: 'cloud', messages, max_tokens: 32 });
const streamBody = JSON.stringify({ model: 'cloud', messages, max_tokens: 32, stream: true });

/** One request; resolves with [ms to the whole answer, ms to the first non-empty content delta (streams)]. */
async function call(base: string, body = wholeBody): Promise<[number, number]> {
  try {
    return await attempt(base, body);
  } catch (err) {
    // A kept-alive socket the server closed while it idled (its 5 s keep-alive timeout, while other variants
    // ran): node's documented race; the request never reached the server, so it is sent again once.
    const error = err as NodeJS.ErrnoException & { reusedSocket?: boolean };
    if (error.code !== 'ECONNRESET' || error.reusedSocket !== true) throw err;
    return attempt(base, body);
  }
}

function attempt(base: string, body: string): Promise<[number, number]> {
  const url = new URL(`${base}/chat/completions`);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let firstContent = Number.NaN;
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (!Number.isNaN(firstContent)) return;
          pending += chunk;
          // The first event whose delta carries text: the moment a user would see the answer begin.
          if (/"delta":\{[^}]*"content":"[^"]/.test(pending)) firstContent = performance.now() - started;
        });
        res.on('end', () => (res.statusCode === 200 ? resolve([performance.now() - started, firstContent]) : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end(body);
  });
}

/** CPU time a process has used (user + system), in ms, from /proc (Linux; NaN elsewhere). Clock ticks are 10 ms. */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN; // not Linux: the CPU column stays empty
  }
}

/** Requests per second with CLIENTS in flight, and the serving process's CPU ms per request meanwhile. */
async function throughput(base: string, pid: number | undefined): Promise<[number, number]> {
  const cpuBefore = cpuMs(pid);
  const deadline = performance.now() + THROUGHPUT_MS;
  let done = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < deadline) {
        await call(base);
        done++;
      }
    }),
  );
  return [done / (THROUGHPUT_MS / 1000), (cpuMs(pid) - cpuBefore) / done];
}

const FLOOR = 'floor: bare node:http proxy';
const PARTS = 'parts floor: express + openai SDK, no routing';
const ROUTER = 'switchyard (keep-alive fetch)';
// BENCH_PROFILE=1: the router also writes a CPU profile, summarised by part of the request path at the end.
const profileDir = process.env['BENCH_PROFILE'] === '1' ? mkdtempSync(join(tmpdir(), 'switchyard-overhead-')) : null;
const upstream = await startProcess('bench/support/fake-upstream-server.ts');
const raw = await startProcess('bench/support/raw-proxy.ts', [upstream.url]);
const parts = await startProcess('bench/support/parts-floor-server.ts', [upstream.url]);
const keepAlive = await startProcess(
  'bench/support/router-server.ts',
  [upstream.url, 'keep-alive'],
  profileDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
);
const global = await startProcess('bench/support/router-server.ts', [upstream.url, 'global']);
// BENCH_COMPARE=<another checkout>/bench/support/router-server.ts adds that router (e.g. main) to the same run.
const compareScript = process.env['BENCH_COMPARE'];
const compare = compareScript === undefined ? null : await startProcess(compareScript, [upstream.url, 'keep-alive']);
const variants: Record<string, string> = {
  direct: upstream.url,
  [FLOOR]: raw.url,
  [PARTS]: parts.url,
  [ROUTER]: keepAlive.url,
  'switchyard (global fetch)': global.url,
  ...(compare === null ? {} : { [`compare: ${compareScript}`]: compare.url }),
};
const pids: Record<string, number | undefined> = {
  direct: upstream.child.pid,
  [FLOOR]: raw.child.pid,
  [PARTS]: parts.child.pid,
  [ROUTER]: keepAlive.child.pid,
  'switchyard (global fetch)': global.child.pid,
  ...(compare === null ? {} : { [`compare: ${compareScript}`]: compare.child.pid }),
};
const cpu: Record<string, number[]> = {};
const latency: Record<string, number[]> = {};
const firstByte: Record<string, number[]> = {};
const rps: Record<string, number[]> = {};
const push = (into: Record<string, number[]>, name: string, value: number): void => {
  into[name] ??= [];
  into[name].push(value);
};
try {
  for (const base of Object.values(variants)) for (let i = 0; i < 200; i++) await call(base, i % 2 === 0 ? wholeBody : streamBody); // warm-up (JIT, sockets)
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, base] of Object.entries(variants)) {
      for (let i = 0; i < PER_ROUND; i++) push(latency, name, (await call(base))[0]);
      for (let i = 0; i < STREAMS_PER_ROUND; i++) push(firstByte, name, (await call(base, streamBody))[1]);
    }
  }
  for (let round = 0; round < 3; round++) {
    for (const [name, base] of Object.entries(variants)) {
      const [perSecond, cpuPerRequest] = await throughput(base, pids[name]);
      push(rps, name, perSecond);
      push(cpu, name, cpuPerRequest);
    }
  }
} finally {
  const routerExited = new Promise((resolve) => keepAlive.child.once('exit', resolve));
  void stopAll([upstream.child, raw.child, parts.child, keepAlive.child, global.child, ...(compare === null ? [] : [compare.child])]);
  agent.destroy();
  await routerExited; // its CPU profile is written on exit
}

const direct = { p50: median(latency['direct']!), p99: quantile(latency['direct']!, 0.99), first: median(firstByte['direct']!), rps: median(rps['direct']!) };
const added = (name: string) => ({
  p50: median(latency[name]!) - direct.p50,
  p99: quantile(latency[name]!, 0.99) - direct.p99,
  first: median(firstByte[name]!) - direct.first,
  rps: median(rps[name]!),
});
const rows = Object.keys(variants).map((name) => {
  const a = added(name);
  const isDirect = name === 'direct';
  return [
    name,
    median(latency[name]!),
    isDirect ? '—' : a.p50.toFixed(3),
    isDirect ? '—' : a.p99.toFixed(3),
    median(firstByte[name]!),
    isDirect ? '—' : a.first.toFixed(3),
    a.rps,
    `${(a.rps / direct.rps).toFixed(2)}×`,
    median(cpu[name]!),
  ];
});
console.log(
  `bench:overhead — ${ROUNDS}×${PER_ROUND} sequential requests and ${ROUNDS}×${STREAMS_PER_ROUND} streams per variant (interleaved), throughput ${CLIENTS} clients × 3 rounds of ${THROUGHPUT_MS} ms`,
);
console.log(
  table(
    [
      'variant',
      'median ms',
      'added median ms',
      'added p99 ms',
      'first content byte ms',
      'added first byte ms',
      `req/s (${CLIENTS} clients)`,
      'vs direct',
      'CPU ms/request (that process)',
    ],
    rows,
  ),
);

const floor = added(FLOOR);
const router = added(ROUTER);
const partsFloor = added(PARTS);
const ms = (v: number): string => `${v.toFixed(3)} ms`;
const verdict = (met: boolean): string => (met ? 'met' : 'NOT met');
// Each goal for Switchyard, and whether the chosen parts alone (express + the SDK, nothing else) could meet it.
const goals: [string, string, string, string, string, boolean, boolean][] = [
  ['added median', ms(router.p50), ms(partsFloor.p50), ms(floor.p50), '≤ floor + 0.3 ms', router.p50 <= floor.p50 + 0.3, partsFloor.p50 <= floor.p50 + 0.3],
  ['added p99', ms(router.p99), ms(partsFloor.p99), ms(floor.p99), '≤ 2 ms', router.p99 <= 2, partsFloor.p99 <= 2],
  [
    'throughput',
    `${router.rps.toFixed(0)} req/s (${(router.rps / floor.rps).toFixed(2)}×)`,
    `${partsFloor.rps.toFixed(0)} req/s (${(partsFloor.rps / floor.rps).toFixed(2)}×)`,
    `${floor.rps.toFixed(0)} req/s`,
    '≥ 0.8× floor',
    router.rps >= 0.8 * floor.rps,
    partsFloor.rps >= 0.8 * floor.rps,
  ],
  ['added first content byte', ms(router.first), ms(partsFloor.first), ms(floor.first), '≤ floor + 0.5 ms', router.first <= floor.first + 0.5, partsFloor.first <= floor.first + 0.5],
];
console.log('\nSwitchyard (keep-alive fetch) and the parts floor against the floor, same run:');
console.log(
  table(
    ['measure', 'switchyard', 'parts floor', 'floor', 'goal', 'switchyard', 'parts floor'],
    goals.map(([what, r, p, f, goal, met, partsMet]) => [what, r, p, f, goal, verdict(met), verdict(partsMet)]),
  ),
);

if (profileDir !== null) {
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no CPU profile written in ${profileDir}`);
  console.log(`\nWhere the router's CPU went (busy samples of the whole run, ${join(profileDir, file)}):`);
  console.log(table(['part', 'share'], cpuByPart(join(profileDir, file)).map(([part, share]) => [part, `${(share * 100).toFixed(1)}%`])));
}
