import { afterEach, describe, expect, it } from 'vitest';
import { SecurityConfigSchema } from '../src/server/security/security-config.js';
import { RedisServer, redisMissing } from './helpers/redis-server.js';
import { ScriptedBackend } from './helpers/scripted-backend.js';
import { startTestService, type TestService, waitFor, waitUntil } from './helpers/service.js';
import { FakeUpstream } from './helpers/fake-upstream.js';

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

async function replicas(n: number, options: Parameters<typeof startTestService>[0]): Promise<TestService[]> {
  const started: TestService[] = [];
  for (let i = 0; i < n; i++) started.push(await startTestService(options));
  cleanup.push(async () => {
    await Promise.all(started.map((t) => t.close()));
  });
  return started;
}

async function healthState(t: TestService): Promise<{ store: string; mode: string; connected: boolean; since: string }> {
  const body = (await (await fetch(`${t.url}/healthz`)).json()) as { state: { store: string; mode: string; connected: boolean; since: string } };
  return body.state;
}

describe.skipIf(redisMissing !== null)('replicas sharing state in Redis', () => {
  it('a rate limit of N per minute holds across 3 replicas, not N × 3', async () => {
    const server = await redis();
    const fake = await new FakeUpstream().start();
    cleanup.push(() => fake.close());
    const security = SecurityConfigSchema.parse({ apiKeys: ['client-key'], rateLimit: { requestsPerMinute: 6, burst: 6 } });
    const group = await replicas(3, { fake, security, redisUrl: server.url });
    await waitFor(() => group.every((t) => t.service.state.status().connected));
    const outcomes: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = group[i % 3]!;
      const status = await t.client.chat.completions
        .create({ model: 'cloud', messages, max_tokens: 4 })
        .then(() => 200)
        .catch((err: { status?: number }) => err.status ?? 0);
      outcomes.push(status);
    }
    expect(outcomes.filter((s) => s === 200)).toHaveLength(6);
    expect(outcomes.filter((s) => s === 429)).toHaveLength(9);
  });

  it('one replica trips the breaker on a stalled cloud; another answers without waiting on it', async () => {
    const server = await redis();
    const fake = await new FakeUpstream().start();
    cleanup.push(() => fake.close());
    fake.fallback = { kind: 'stall' };
    const local = new ScriptedBackend('local', 'tiny', [{ answer: 'from the device' }]);
    const [a, b] = await replicas(2, { fake, local, redisUrl: server.url, timeoutMs: 300, breakerThreshold: 1 });
    await waitFor(() => a!.service.state.status().connected && b!.service.state.status().connected);

    const first = await a!.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 4 }).withResponse();
    expect(first.response.headers.get('x-switchyard-target')).toBe('local');
    expect(a!.service.breaker.state).toBe('open');
    await waitFor(() => b!.service.breaker.state === 'open');

    const sentBefore = fake.requests.length;
    const second = await b!.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 4 }).withResponse();
    expect(second.response.headers.get('x-switchyard-target')).toBe('local');
    expect(second.data.choices[0]?.message.content).toBe('from the device');
    expect(fake.requests.length).toBe(sentBefore); // b never sent it to the stalled cloud
  });

  it('Redis killed and restarted under load: every request is answered, /healthz says so, state resumes', async () => {
    const server = await redis();
    const fake = await new FakeUpstream().start();
    cleanup.push(() => fake.close());
    const security = SecurityConfigSchema.parse({ apiKeys: ['client-key'], rateLimit: { requestsPerMinute: 6000, burst: 1000 } });
    const group = await replicas(2, { fake, security, redisUrl: server.url });
    await waitFor(() => group.every((t) => t.service.state.status().connected));

    let stop = false;
    const statuses: number[] = [];
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        const t = group[i % 2]!;
        statuses.push(
          await t.client.chat.completions
            .create({ model: 'cloud', messages, max_tokens: 4 })
            .then(() => 200)
            .catch((err: { status?: number }) => err.status ?? 0),
        );
      }
    })();
    await waitFor(() => statuses.length > 20, 5_000);
    await server.kill();
    await waitFor(() => group.every((t) => !t.service.state.status().connected));
    expect(await healthState(group[0]!)).toMatchObject({ store: 'redis', mode: 'degraded', connected: false });
    const duringOutage = statuses.length;
    await waitFor(() => statuses.length > duringOutage + 20, 5_000);
    await server.start();
    await waitFor(() => group.every((t) => t.service.state.status().connected), 5_000);
    const afterReturn = statuses.length;
    await waitFor(() => statuses.length > afterReturn + 20, 5_000);
    stop = true;
    await load;
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(await healthState(group[1]!)).toMatchObject({ store: 'redis', mode: 'shared', connected: true });
  });
});

describe.skipIf(redisMissing !== null)('deferred work while Redis is away', () => {
  it('a job accepted while Redis was down is kept locally, forwarded when it returns, and completed for every replica', async () => {
    const server = await redis();
    const fake = await new FakeUpstream().start();
    cleanup.push(() => fake.close());
    const timings = { breakerOpenMs: 300, pollMs: 100 };
    const [a, b] = await replicas(2, { fake, redisUrl: server.url, breakerThreshold: 1, replicas: timings });
    await waitFor(() => a!.service.state.status().connected && b!.service.state.status().connected);
    await fake.refuse();
    await a!.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 4 }).catch(() => null); // a finds the cloud down

    await server.kill();
    await waitFor(() => !a!.service.state.status().connected);
    const res = await fetch(`${a!.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchyard-defer': '1' },
      body: JSON.stringify({ model: 'cloud', messages: [{ role: 'user', content: 'kept through the outage' }] }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(((await (await fetch(`${a!.url}/v1/deferred/${id}`)).json()) as { status: string }).status).toBe('queued');

    await server.start();
    await fake.accept();
    const onB = async (): Promise<{ status: string; completion?: { choices: Array<{ message: { content: string } }> } }> =>
      (await (await fetch(`${b!.url}/v1/deferred/${id}`)).json()) as never;
    await waitUntil(async () => (await onB()).status === 'completed', 10_000);
    expect((await onB()).completion?.choices[0]?.message.content).toBe('Echo: kept through the outage');
    expect(fake.requests.filter((r) => JSON.stringify(r.body).includes('kept through the outage'))).toHaveLength(1);
  });
});

describe('without SWITCHYARD_REDIS_URL', () => {
  it('runs on its own state and says so in /healthz', async () => {
    const t = await startTestService();
    cleanup.push(() => t.close());
    expect(await healthState(t)).toMatchObject({ store: 'memory', connected: true });
  });
});
