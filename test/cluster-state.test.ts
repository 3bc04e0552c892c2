import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeUpstream } from './helpers/fake-upstream.js';
import { freePort, RedisServer, redisMissing } from './helpers/redis-server.js';
import { type ReplicaHealth, ReplicaProcess, startReplicas } from './helpers/replica-process.js';
import { startTestService, waitUntil } from './helpers/service.js';

const messages = [{ role: 'user' as const, content: 'hello there' }];
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function redis(): Promise<RedisServer> {
  const server = await new RedisServer().start();
  cleanup.push(() => server.kill());
  return server;
}

async function upstream(): Promise<FakeUpstream> {
  const fake = await new FakeUpstream().start();
  cleanup.push(() => fake.close());
  return fake;
}

async function replicas(n: number, options: Parameters<typeof startReplicas>[1]): Promise<ReplicaProcess[]> {
  const { group, stop } = await startReplicas(n, options);
  cleanup.push(stop);
  // Sharing, and the device's model (when there is one) loaded: what a load balancer's health check would wait for.
  const ready = (h: ReplicaHealth): boolean => h.state.mode === 'shared' && h.backends.local.state !== 'loading';
  await waitUntil(async () => (await Promise.all(group.map((r) => r.health()))).every(ready), 10_000);
  return group;
}

/** The HTTP status the SDK saw (200 when it answered). */
function statusOf(request: Promise<unknown>): Promise<number> {
  return request.then(
    () => 200,
    (err: { status?: number }) => err.status ?? 0,
  );
}

describe.skipIf(redisMissing !== null)('replica processes sharing state in Redis', () => {
  it('a rate limit of 6 per minute holds across 3 replica processes, not 6 × 3: 6 answered, 9 × 429 with Retry-After', async () => {
    const server = await redis();
    const fake = await upstream();
    const extra = { SWITCHYARD_API_KEYS: 'client-key-1', SWITCHYARD_RATE_LIMIT_RPM: '6', SWITCHYARD_RATE_LIMIT_BURST: '6' };
    const group = await replicas(3, { upstreamUrl: fake.url, redisUrl: server.url, apiKey: 'client-key-1', extra });

    const outcomes: Array<{ status: number; retryAfter: string | null; error: unknown }> = [];
    for (let i = 0; i < 15; i++) {
      const replica = group[i % 3]!; // round-robin, as a load balancer spreads one client's requests
      outcomes.push(
        await replica.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 4 }).then(
          () => ({ status: 200, retryAfter: null, error: null }),
          (err: unknown) => {
            if (!(err instanceof OpenAI.APIError)) throw err;
            return { status: err.status ?? 0, retryAfter: err.headers?.get('retry-after') ?? null, error: err.error };
          },
        ),
      );
    }
    expect(outcomes.filter((o) => o.status === 200)).toHaveLength(6);
    const limited = outcomes.filter((o) => o.status === 429);
    expect(limited).toHaveLength(9);
    for (const o of limited) {
      expect(Number(o.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(o.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded', message: expect.stringContaining('limit 6 per minute') });
    }
    expect(fake.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(6);
  });

  it('one replica process finds the cloud stalled; another answers from the device without ever trying it', async () => {
    const server = await redis();
    const fake = await upstream();
    fake.fallback = { kind: 'stall' }; // chat requests hang; the reachability probe (HEAD) still answers
    const extra = { SWITCHYARD_UPSTREAM_TIMEOUT_MS: '400', SWITCHYARD_SHARED_BREAKER_OPEN_MS: '60000' };
    const [a, b] = (await replicas(2, { upstreamUrl: fake.url, redisUrl: server.url, local: true, extra })) as [ReplicaProcess, ReplicaProcess];
    expect((await b.health()).connectivity.breaker).toBe('closed');

    // Three timeouts on a open its breaker (each of them still answered, by the device).
    for (let i = 0; i < 3; i++) {
      const { response } = await a.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 4 }).withResponse();
      expect(response.headers.get('x-switchyard-target')).toBe('local');
    }
    expect((await a.health()).connectivity.breaker).toBe('open');
    await waitUntil(async () => (await b.health()).connectivity.breaker === 'open', 5_000);

    const sentBefore = fake.requests.length;
    const answers = await Promise.all(
      Array.from({ length: 3 }, () => b.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 4 }).withResponse()),
    );
    for (const { data, response } of answers) {
      expect(response.headers.get('x-switchyard-target')).toBe('local');
      expect(response.headers.get('x-switchyard-fallback')).toBe('breaker-open');
      expect(data.choices[0]?.message.content).toEqual(expect.any(String));
    }
    expect(fake.requests.length).toBe(sentBefore); // b never sent anything to the stalled cloud
  });

  it('Redis SIGKILLed and restarted under load: every request answered, every deferred job completed once and fetchable everywhere', async () => {
    const server = await redis();
    const fake = await upstream();
    const extra = {
      SWITCHYARD_API_KEYS: 'client-key-1',
      SWITCHYARD_RATE_LIMIT_RPM: '60000',
      SWITCHYARD_RATE_LIMIT_BURST: '10000',
      SWITCHYARD_UPSTREAM_TIMEOUT_MS: '1000',
      SWITCHYARD_DEFERRED_POLL_MS: '200',
    };
    const group = await replicas(2, { upstreamUrl: fake.url, redisUrl: server.url, local: true, apiKey: 'client-key-1', extra });
    await fake.refuse(); // the cloud is unreachable: ordinary requests are answered by the device, deferred ones wait
    await waitUntil(async () => {
      await statusOf(group[0]!.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 4 })); // until the breakers open
      return (await Promise.all(group.map((r) => r.health()))).every((h) => h.connectivity.breaker === 'open');
    }, 10_000);

    let stop = false;
    const statuses: number[] = [];
    const accepted: Array<{ id: string; prompt: string; by: ReplicaProcess }> = [];
    const ordinary = async (client: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const replica = group[(client + i) % group.length]!;
        statuses.push(await statusOf(replica.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 4 })));
      }
    };
    const deferring = async (client: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const replica = group[(client + i) % group.length]!;
        const prompt = `deferred job ${client}-${i}`;
        const res = await fetch(`${replica.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer client-key-1', 'x-switchyard-defer': '1' },
          body: JSON.stringify({ model: 'cloud', messages: [{ role: 'user', content: prompt }], max_tokens: 8 }),
          signal: AbortSignal.timeout(15_000),
        });
        statuses.push(res.status);
        if (res.status === 202) accepted.push({ id: ((await res.json()) as { id: string }).id, prompt, by: replica });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const load = Promise.all([ordinary(0), ordinary(1), deferring(0), deferring(1)]);
    cleanup.push(async () => {
      stop = true; // a failed assertion below still ends the clients before the replicas stop
      await load.catch(() => undefined);
    });
    const grows = async (count: number): Promise<void> => {
      const from = accepted.length;
      await waitUntil(async () => accepted.length >= from + count, 10_000);
    };

    const modes = async (): Promise<string[]> => (await Promise.all(group.map((r) => r.health()))).map((h) => h.state.mode);
    const jobOn = async (replica: ReplicaProcess, id: string): Promise<{ status: string; completion?: { choices: Array<{ message: { content: string } }> } }> =>
      (await (await fetch(`${replica.url}/v1/deferred/${id}`, { headers: { authorization: 'Bearer client-key-1' } })).json()) as never;

    await grows(4);
    await server.kill(); // mid-load: requests are in flight
    const answeredBefore = statuses.length;
    await waitUntil(async () => (await modes()).every((mode) => mode === 'degraded'), 5_000);
    const beforeOutage = [...accepted];
    for (const { id, by } of beforeOutage) expect((await jobOn(by, id)).status).toBe('queued'); // the replica that said 202 still knows it
    await grows(4);
    expect(statuses.length).toBeGreaterThan(answeredBefore + 8);
    await server.start(); // same port, empty: every job the stream held is gone
    await waitUntil(async () => (await modes()).every((mode) => mode === 'shared'), 10_000);
    await grows(4);
    stop = true;
    await load;
    expect(statuses.filter((s) => s !== 200 && s !== 202)).toEqual([]); // no 5xx (or anything else) while Redis was away

    await fake.accept();
    await waitUntil(async () => {
      const seen = await Promise.all(accepted.map(({ id }) => jobOn(group[0]!, id)));
      return seen.every((job) => job.status === 'completed');
    }, 20_000);
    for (const { id, prompt } of accepted) {
      for (const replica of group) expect((await jobOn(replica, id)).completion?.choices[0]?.message.content).toBe(`Echo: ${prompt}`);
      expect(fake.requests.filter((r) => JSON.stringify(r.body).includes(`"${prompt}"`))).toHaveLength(1);
    }
  });
});

describe.skipIf(redisMissing !== null)('a replica whose Redis is not there at start', () => {
  it('starts on its own state, says so once in its log with the address and the reason, and shares once Redis is up', async () => {
    const fake = await upstream();
    const server = new RedisServer();
    server.port = await freePort(); // nothing listens there yet: a Redis not started, or a typo in the port
    cleanup.push(() => server.kill());
    const { group, stop } = await startReplicas(1, { upstreamUrl: fake.url, redisUrl: server.url });
    cleanup.push(stop);
    const [replica] = group as [ReplicaProcess];
    await waitUntil(async () => replica.log.includes('redis unreachable at start'), 10_000);
    expect(replica.log).toContain(server.url);
    expect(replica.log).toContain('ECONNREFUSED');
    expect((await replica.health()).state).toMatchObject({ store: 'redis', mode: 'degraded', connected: false });
    await replica.client.chat.completions.create({ model: 'cloud', messages });

    await server.start();
    await waitUntil(async () => (await replica.health()).state.mode === 'shared', 10_000);
    expect(replica.log.split('redis unreachable at start').length - 1).toBe(1);
  });
});

describe.skipIf(redisMissing !== null)('replicas given different policies', () => {
  it('each says so in its log and in /healthz, naming the other replica; replicas with the same files say nothing', async () => {
    const [fake, server] = await Promise.all([upstream(), redis()]);
    const { group: same, stop: stopSame } = await startReplicas(2, { upstreamUrl: fake.url, redisUrl: server.url });
    cleanup.push(stopSame);
    const other = new ReplicaProcess({ upstreamUrl: fake.url, redisUrl: server.url, args: ['--policy', 'policies/cost-saver.yaml'] });
    cleanup.push(() => other.stop());
    await other.start();
    type Health = ReplicaHealth & { state: { disagreeing: Array<{ replica: string; differs: string[]; policyFile: string }> } };
    const health = async (r: ReplicaProcess): Promise<Health> => (await r.health()) as Health;
    // The newcomer announces itself on connecting; the two others announce every 10 s.
    await waitUntil(async () => (await health(other)).state.disagreeing.length === 2, 15_000);
    await waitUntil(async () => (await Promise.all(same.map(health))).every((h) => h.state.disagreeing.length === 1), 15_000);
    for (const replica of same) {
      // Only the replica with the other policy is named; the two with the same files agree.
      expect((await health(replica)).state.disagreeing).toEqual([
        { replica: expect.any(String), differs: ['policy'], policyFile: 'policies/cost-saver.yaml', heardAt: expect.any(Number) },
      ]);
      expect(replica.log.split('serves a different policy').length - 1).toBe(1);
    }
    expect(other.log).toMatch(/replica \S+ serves a different policy: the same request is routed differently depending on the replica/);
    expect(other.log.split('serves a different policy').length - 1).toBe(2);
  });
});

describe('without SWITCHYARD_REDIS_URL', () => {
  it('runs on its own state and says so in /healthz', async () => {
    const t = await startTestService();
    cleanup.push(() => t.close());
    const body = (await (await fetch(`${t.url}/healthz`)).json()) as { state: unknown };
    expect(body.state).toMatchObject({ store: 'memory', mode: 'alone', connected: true });
  });
});
