/**
 * npm run bench:cluster — replicas sharing state in Redis, against fake upstreams, in one run:
 * 1. the latency Redis adds per request: one replica with Redis against the same router on its own (memory state),
 *    both with client keys and a rate limit on, so each request takes a token (one Lua round trip with Redis);
 *    requests one at a time, interleaved round by round; median and p99.
 * 2. throughput of 1 vs 3 replicas sharing one Redis, clients spread round-robin over the replicas.
 * Every process (fake upstream, routers, redis-server) runs on this machine: on 2 shared cores, 3 replicas compete
 * with the client and each other for CPU, so the 3-replica figure is a floor, not what 3 machines would give.
 */
import http from 'node:http';
import { RedisServer, redisMissing } from '../test/helpers/redis-server.js';
import { startProcess, stopAll } from './support/processes.js';
import { median, quantile, table } from './support/stats.js';

if (redisMissing !== null) {
  console.log(`bench:cluster skipped: ${redisMissing}`);
  process.exit(0);
}

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 10);
const PER_ROUND = 200;
const THROUGHPUT_MS = 2_000;
const CLIENTS = 12;
/** A request without an answer this long fails the run, naming the replica, instead of hanging it, in ms. */
const REQUEST_TIMEOUT_MS = 10_000;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const body = JSON.stringify({ model: 'cloud', messages: [{ role: 'user', content: 'Say something short.' }], max_tokens: 32 });

function call(base: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(`${base}/chat/completions`),
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: 'Bearer bench-client-key' },
      },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer from ${base} within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Requests per second with CLIENTS in flight, client i sending to replica i mod n. */
async function throughput(bases: string[]): Promise<number> {
  const deadline = performance.now() + THROUGHPUT_MS;
  let done = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      const base = bases[i % bases.length]!;
      while (performance.now() < deadline) {
        await call(base);
        done++;
      }
    }),
  );
  return done / (THROUGHPUT_MS / 1000);
}

const redis = await new RedisServer().start();
const started: Array<Awaited<ReturnType<typeof startProcess>>> = [];
/** Started processes are stopped (and Redis killed) even when one of them fails to start. */
const start = async (script: string, args: string[] = []): Promise<Awaited<ReturnType<typeof startProcess>>> => {
  const child = await startProcess(script, args);
  started.push(child);
  return child;
};
const ALONE = 'one router, memory state';
const SHARED = 'one replica, Redis state';
const latency: Record<string, number[]> = { [ALONE]: [], [SHARED]: [] };
const rps: Record<string, number[]> = { [ALONE]: [], '1 replica + Redis': [], '3 replicas + Redis': [] };
try {
  const upstream = await start('bench/support/fake-upstream-server.ts');
  const alone = await start('bench/support/replica-server.ts', [upstream.url, 'none']);
  const replicas = await Promise.all([0, 1, 2].map(() => start('bench/support/replica-server.ts', [upstream.url, redis.url])));
  const all = [alone.url, ...replicas.map((r) => r.url)];
  for (const base of all) for (let i = 0; i < 200; i++) await call(base); // warm-up (JIT, sockets, Redis connection)
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < PER_ROUND; i++) latency[ALONE]!.push(await call(alone.url));
    for (let i = 0; i < PER_ROUND; i++) latency[SHARED]!.push(await call(replicas[0]!.url));
  }
  for (let round = 0; round < 3; round++) {
    rps[ALONE]!.push(await throughput([alone.url]));
    rps['1 replica + Redis']!.push(await throughput([replicas[0]!.url]));
    rps['3 replicas + Redis']!.push(await throughput(replicas.map((r) => r.url)));
  }
} finally {
  agent.destroy(); // first: a replica's close then waits on no client socket
  await stopAll(started.map((p) => p.child));
  await redis.kill();
}

const added = median(latency[SHARED]!) - median(latency[ALONE]!);
console.log(`bench:cluster — ${ROUNDS}×${PER_ROUND} sequential requests per variant (interleaved); throughput ${CLIENTS} clients × 3 rounds of ${THROUGHPUT_MS} ms`);
console.log(
  table(
    ['variant', 'median ms', 'p99 ms'],
    Object.entries(latency).map(([name, values]) => [name, median(values), quantile(values, 0.99)]),
  ),
);
const one = median(rps['1 replica + Redis']!);
console.log(
  table(
    ['throughput', 'req/s', 'vs 1 replica + Redis'],
    Object.entries(rps).map(([name, values]) => [name, median(values), `${(median(values) / one).toFixed(2)}×`]),
  ),
);
console.log(
  table(
    ['measure', 'value', 'goal', ''],
    [['added median per request (Redis vs memory)', `${added.toFixed(3)} ms`, '≤ 0.3 ms', added <= 0.3 ? 'met' : 'NOT met']],
  ),
);
