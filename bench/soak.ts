/**
 * npm run bench:soak — a few minutes of mixed traffic against one server process, printing its RSS and heap
 * over time (read from its own /metrics), then whether memory stayed flat.
 *
 * The server runs in a child process (this file with `--serve`) so the RSS is the server's alone, not the
 * load generator's. Traffic: local generations (bundled tiny model), cloud answers (stream and not) from a
 * fake upstream on 127.0.0.1, malformed bodies, bad keys, rate-limited bursts, /metrics scrapes, and a
 * dashboard SSE stream held open throughout. Duration: `--seconds N` (default 180) or SOAK_SECONDS.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

const KEY = 'soak-client-key-0123456789';
/** SOAK_MIX narrows the traffic to find what grows: all (default) | local | cloud | errors. */
const MIX = process.env.SOAK_MIX ?? 'all';
const MIXES: Record<string, number[]> = { all: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], local: [0, 1, 2], cloud: [3, 4, 5], errors: [6, 7, 8] };


if (process.argv.includes('--serve')) {
  const { startOpsServer } = await import('../test/ops-harness.js');
  const server = await startOpsServer({
    env: { SWITCHYARD_API_KEYS: KEY, SWITCHYARD_RATE_LIMIT_RPM: '30000', SWITCHYARD_RATE_LIMIT_BURST: '500' },
    local: true,
    queueCapacity: 4,
  });
  // The fake upstream records every request it saw (for tests); a soak must not count that as our growth.
  setInterval(() => (server.fake.requests.length = 0), 1_000).unref();
  // On request from the parent: a full GC, then the heap that is really retained.
  process.on('message', (message) => {
    if (message !== 'gc') return;
    (globalThis as unknown as { gc: () => void }).gc();
    process.send?.({ heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20, rssMb: process.memoryUsage().rss / 2 ** 20 });
  });
  process.stdout.write(`URL ${server.url}\n`);
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
} else {
  await soak();
}

async function soak(): Promise<void> {
  const argIndex = process.argv.indexOf('--seconds');
  const seconds = Number(argIndex > 0 ? process.argv[argIndex + 1] : (process.env.SOAK_SECONDS ?? 180));
  const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), '--serve'], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const retained = (): Promise<{ heapUsedMb: number; rssMb: number }> =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve(m as { heapUsedMb: number; rssMb: number }));
      child.send('gc');
    });
  // The server must not outlive this process, whatever happens below.
  process.once('exit', () => child.kill('SIGTERM'));
  const stdout = child.stdout;
  if (stdout === null) throw new Error('server child has no stdout pipe');
  const url = await new Promise<string>((resolve, reject) => {
    stdout.on('data', (chunk: Buffer) => {
      const match = /URL (\S+)/.exec(chunk.toString());
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
  });
  console.log(`soak: ${seconds}s of ${MIX} traffic against ${url} (pid ${child.pid}); machine may be shared, watch the trend not the level`);

  const counts = new Map<number, number>();
  let done = 0;
  const deadline = Date.now() + seconds * 1000;
  const sse = holdDashboardStream(url);
  const workers = Array.from({ length: 8 }, (_, w) => (async () => {
    for (let i = 0; Date.now() < deadline; i++) {
      const status = await send(url, pickRequest(w, i)).catch(() => -1);
      counts.set(status, (counts.get(status) ?? 0) + 1);
      done++;
    }
  })());

  const rows: Array<{ t: number; rssMb: number; liveMb: number }> = [];
  const started = Date.now();
  console.log('   t(s)   RSS(MB)  heap(MB) heapTot(MB)  live(MB)  requests   (live = heap after a forced full GC)');
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, Math.min(5_000, Math.max(0, deadline - Date.now()))));
    const metrics = await get(`${url}/metrics`);
    const read = (name: string): number => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(metrics)?.[1]) / 2 ** 20;
    const heap = read('switchyard_nodejs_heap_size_used_bytes');
    const heapTotal = read('switchyard_nodejs_heap_size_total_bytes');
    const { heapUsedMb: live, rssMb: rss } = await retained();
    const t = Math.round((Date.now() - started) / 1000);
    rows.push({ t, rssMb: rss, liveMb: live });
    console.log(`${String(t).padStart(7)} ${rss.toFixed(1).padStart(9)} ${heap.toFixed(1).padStart(9)} ${heapTotal.toFixed(1).padStart(10)} ${live.toFixed(1).padStart(9)} ${String(done).padStart(9)}`);
  }

  // Flat = the median of the last third is within 10% (RSS: or 25 MB; live heap: or 5 MB) of the median of
  // the second third (the first third is warm-up: JIT, model load, pools filling).
  const third = Math.max(1, Math.floor(rows.length / 3));
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const verdict = (label: string, pick: (r: (typeof rows)[number]) => number, slackMb: number): boolean => {
    const mid = median(rows.slice(third, 2 * third).map(pick));
    const last = median(rows.slice(-third).map(pick));
    const growth = last - mid;
    const flat = growth < Math.max(slackMb, mid * 0.1);
    console.log(`${label} median mid-run ${mid.toFixed(1)} MB → end ${last.toFixed(1)} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB): ${flat ? 'FLAT' : 'GROWING'}`);
    return flat;
  };
  console.log(`statuses: ${JSON.stringify(Object.fromEntries([...counts].sort(([a], [b]) => a - b)))}; ${(done / seconds).toFixed(0)} req/s`);
  await Promise.all(workers);
  sse.destroy();
  child.kill('SIGTERM');
  const flat = [verdict('live heap', (r) => r.liveMb, 5), verdict('RSS', (r) => r.rssMb, 25)].every(Boolean);
  process.exitCode = flat ? 0 : 1;
}

interface Req {
  path: string;
  body?: string;
  headers: Record<string, string>;
}

function pickRequest(worker: number, i: number): Req {
  const slots = MIXES[MIX] ?? (MIXES.all as number[]);
  return requestFor(worker, i, slots[i % slots.length] as number);
}

function requestFor(worker: number, i: number, slot: number): Req {
  const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  const chat = (model: string, stream: boolean): string =>
    JSON.stringify({ model, stream, max_tokens: 16, messages: [{ role: 'user', content: `Once upon a time (${worker}/${i}) there was` }] });
  switch (slot) {
    case 0: case 1: case 2: return { path: '/v1/chat/completions', body: chat('local', i % 2 === 0), headers: auth };
    case 3: case 4: case 5: return { path: '/v1/chat/completions', body: chat('cloud', i % 2 === 0), headers: auth };
    case 6: return { path: '/v1/chat/completions', body: '{"model": "cloud", "messages": [', headers: auth };
    case 7: return { path: '/v1/chat/completions', body: JSON.stringify({ model: 5, messages: 'x' }), headers: auth };
    case 8: return { path: '/v1/chat/completions', body: chat('cloud', false), headers: { ...auth, authorization: 'Bearer wrong-key-000000' } };
    default: return { path: '/metrics', headers: auth };
  }
}

function send(base: string, req: Req): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = request(`${base}${req.path}`, { method: req.body === undefined ? 'GET' : 'POST', headers: req.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { authorization: `Bearer ${KEY}` } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** A dashboard tab left open for the whole run (its events are read and dropped). */
function holdDashboardStream(base: string): ReturnType<typeof request> {
  const r = request(`${base}/dashboard/events`, { headers: { authorization: `Bearer ${KEY}` } }, (res) => res.resume());
  // The stream is destroyed on purpose at the end; any other failure is worth seeing.
  r.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ECONNRESET' && err.message !== 'socket hang up') console.error('dashboard stream failed:', err.message);
  });
  r.end();
  return r;
}
