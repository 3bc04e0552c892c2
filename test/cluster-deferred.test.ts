import { afterEach, describe, expect, it } from 'vitest';
import { FakeUpstream } from './helpers/fake-upstream.js';
import { RedisServer, redisMissing } from './helpers/redis-server.js';
import { ReplicaProcess } from './helpers/replica-process.js';
import { waitUntil } from './helpers/service.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

const timings = { SWITCHYARD_SHARED_BREAKER_OPEN_MS: '500', SWITCHYARD_DEFERRED_POLL_MS: '200', SWITCHYARD_DEFERRED_CLAIM_MS: '1500' };
const prompt = 'summarise the quarterly report';

async function defer(replica: ReplicaProcess): Promise<string> {
  const res = await fetch(`${replica.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-switchyard-defer': '1' },
    body: JSON.stringify({ model: 'cloud', messages: [{ role: 'user', content: prompt }] }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function jobOn(replica: ReplicaProcess, id: string): Promise<{ status: string; completion?: { id: string; choices: Array<{ message: { content: string } }> } }> {
  return (await (await fetch(`${replica.url}/v1/deferred/${id}`)).json()) as never;
}

describe.skipIf(redisMissing !== null)('the store-and-forward queue shared in Redis (separate processes)', () => {
  it('a deferred job whose replica is SIGKILLed is completed by another, once, and answers on every replica', async () => {
    const redis = await new RedisServer().start();
    cleanup.push(() => redis.kill());
    const fake = await new FakeUpstream().start();
    cleanup.push(() => fake.close());
    const group = await Promise.all([0, 1, 2].map(() => new ReplicaProcess({ upstreamUrl: fake.url, redisUrl: redis.url, extra: timings }).start()));
    cleanup.push(async () => {
      await Promise.all(group.map((r) => r.stop()));
    });
    const [a, b, c] = group as [ReplicaProcess, ReplicaProcess, ReplicaProcess];

    await fake.refuse();
    await a.client.chat.completions.create({ model: 'cloud', messages: [{ role: 'user', content: 'hi' }] }).catch(() => null);
    await waitUntil(async () => (await a.health()).connectivity.state === 'offline', 10_000);
    const id = await defer(a);
    await a.stop('SIGKILL');

    expect((await jobOn(b, id)).status).toBe('queued'); // b already knows a's job
    await fake.accept();
    await waitUntil(async () => (await jobOn(b, id)).status === 'completed', 20_000);
    const onB = await jobOn(b, id);
    const onC = await jobOn(c, id);
    expect(onB.completion?.choices[0]?.message.content).toBe(`Echo: ${prompt}`);
    expect(onC).toEqual(onB);
    const runs = fake.requests.filter((r) => JSON.stringify(r.body).includes(prompt));
    expect(runs).toHaveLength(1);
  });

  it('/healthz counts the jobs waiting in Redis while the cloud is away, and 0 once they ran', async () => {
    const redis = await new RedisServer().start();
    cleanup.push(() => redis.kill());
    const fake = await new FakeUpstream().start();
    cleanup.push(() => fake.close());
    // The breaker stays open the default 15 s: nothing is tried, so nothing else would count the queue.
    const a = await new ReplicaProcess({ upstreamUrl: fake.url, redisUrl: redis.url, extra: { SWITCHYARD_DEFERRED_POLL_MS: '200' } }).start();
    cleanup.push(() => a.stop());
    await fake.refuse();
    await a.client.chat.completions.create({ model: 'cloud', messages: [{ role: 'user', content: 'hi' }] }).catch(() => null);
    await waitUntil(async () => (await a.health()).connectivity.state === 'offline', 10_000);
    await defer(a);
    await defer(a);
    await waitUntil(async () => (await a.health()).deferred?.pending === 2, 5_000);
    await fake.accept();
    await waitUntil(async () => (await a.health()).deferred?.pending === 0, 30_000);
  });

  it('a replica SIGKILLed while running a job loses it to another replica, which completes it once', async () => {
    const redis = await new RedisServer().start();
    cleanup.push(() => redis.kill());
    const fake = await new FakeUpstream().start();
    cleanup.push(() => fake.close());
    const a = await new ReplicaProcess({ upstreamUrl: fake.url, redisUrl: redis.url, extra: timings }).start();
    cleanup.push(() => a.stop());
    await fake.refuse();
    await a.client.chat.completions.create({ model: 'cloud', messages: [{ role: 'user', content: 'hi' }] }).catch(() => null);
    await waitUntil(async () => (await a.health()).connectivity.state === 'offline', 10_000);
    const id = await defer(a);

    fake.next({ kind: 'stall' }); // a takes the job when the link is back, and hangs on it
    await fake.accept();
    await waitUntil(async () => fake.requests.some((r) => JSON.stringify(r.body).includes(prompt)), 15_000);
    await a.stop('SIGKILL');

    const b = await new ReplicaProcess({ upstreamUrl: fake.url, redisUrl: redis.url, extra: timings }).start();
    cleanup.push(() => b.stop());
    await waitUntil(async () => (await jobOn(b, id)).status === 'completed', 15_000);
    expect((await jobOn(b, id)).completion?.choices[0]?.message.content).toBe(`Echo: ${prompt}`);
    const answered = fake.requests.filter((r) => JSON.stringify(r.body).includes(prompt) && !r.aborted);
    expect(answered).toHaveLength(1); // the stalled attempt died with a; one answer
  });
});
