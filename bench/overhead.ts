/**
 * npm run bench:overhead — what the router adds in front of an upstream.
 * The fake upstream, a bare node:http proxy (the floor any router pays here), a router using our keep-alive
 * fetch and a router using the SDK's default (global) fetch run as separate processes; this process is the client. Variants are interleaved round by round in one run:
 * latency one request at a time (median, p99), then throughput with 8 concurrent clients.
 */
import http from 'node:http';
import { median, quantile, table } from './support/stats.js';
import { startProcess, stopAll } from './support/processes.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 10);
const PER_ROUND = 200;
const THROUGHPUT_MS = 1_500;
const CLIENTS = 8;

const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
const body = JSON.stringify({ model: 'cloud', messages: [{ role: 'user', content: 'Say something short.' }], max_tokens: 32 });

function call(base: string): Promise<number> {
  const url = new URL(`${base}/chat/completions`);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function throughput(base: string): Promise<number> {
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
  return done / (THROUGHPUT_MS / 1000);
}

const upstream = await startProcess('bench/support/fake-upstream-server.ts');
const raw = await startProcess('bench/support/raw-proxy.ts', [upstream.url]);
const keepAlive = await startProcess('bench/support/router-server.ts', [upstream.url, 'keep-alive']);
const global = await startProcess('bench/support/router-server.ts', [upstream.url, 'global']);
const variants = {
  direct: upstream.url,
  'floor: bare node:http proxy': raw.url,
  'router (keep-alive fetch)': keepAlive.url,
  'router (global fetch)': global.url,
};
const latency: Record<string, number[]> = {};
const rps: Record<string, number[]> = {};
try {
  for (const base of Object.values(variants)) for (let i = 0; i < 200; i++) await call(base); // warm-up (JIT, sockets)
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, base] of Object.entries(variants)) {
      for (let i = 0; i < PER_ROUND; i++) (latency[name] ??= []).push(await call(base));
    }
  }
  for (let round = 0; round < 3; round++) {
    for (const [name, base] of Object.entries(variants)) (rps[name] ??= []).push(await throughput(base));
  }
} finally {
  stopAll([upstream.child, raw.child, keepAlive.child, global.child]);
  agent.destroy();
}

const direct = latency['direct']!;
const directRps = median(rps['direct']!);
const rows = Object.keys(variants).map((name) => {
  const l = latency[name]!;
  return [
    name,
    median(l),
    quantile(l, 0.99),
    name === 'direct' ? '—' : (median(l) - median(direct)).toFixed(3),
    name === 'direct' ? '—' : (quantile(l, 0.99) - quantile(direct, 0.99)).toFixed(3),
    median(rps[name]!),
    (median(rps[name]!) / directRps).toFixed(2) + '×',
  ];
});
console.log(`bench:overhead — ${ROUNDS}×${PER_ROUND} sequential requests per variant (interleaved), throughput ${CLIENTS} clients × 3 rounds of ${THROUGHPUT_MS} ms`);
console.log(table(['variant', 'median ms', 'p99 ms', 'added median ms', 'added p99 ms', 'req/s (8 clients)', 'vs direct'], rows));
console.log('Goals: added median ≤ 0.5 ms, added p99 ≤ 2 ms, throughput ≥ 0.8× direct.');
