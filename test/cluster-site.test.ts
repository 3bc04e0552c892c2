import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeUpstream } from './helpers/fake-upstream.js';
import { RedisServer, redisMissing } from './helpers/redis-server.js';
import { startTestService, type TestService, waitFor, waitUntil } from './helpers/service.js';

const messages = [{ role: 'user' as const, content: 'hello there' }];
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

/** Probes too slow to matter here: what a replica knows about an endpoint comes from requests, its own or a peer's. */
const quietProbe = { initialBackoffMs: 60_000, maxBackoffMs: 60_000, probeTimeoutMs: 3_000, idleProbeMs: 60_000 };

type EndpointHealth = { url: string; breaker: string };
async function edgeEndpoints(t: TestService): Promise<EndpointHealth[]> {
  const body = (await (await fetch(`${t.url}/healthz`)).json()) as { targets: { endpoints: { edge: EndpointHealth[] } } };
  return body.targets.endpoints.edge;
}

describe.skipIf(redisMissing !== null)('a site’s replicas share each edge endpoint’s breaker', () => {
  it('one replica sees gpu-0 stall; the other stops sending to gpu-0 only, and every request is answered by gpu-1', async () => {
    const server = await new RedisServer().start();
    cleanup.push(() => server.kill());
    const gpus = await Promise.all([0, 1].map((i) => new FakeUpstream({ reply: () => `gpu-${i}` }).start()));
    cleanup.push(async () => {
      await Promise.all(gpus.map((g) => g.close()));
    });
    gpus[0]!.fallback = { kind: 'stall' };
    const dir = mkdtempSync(join(tmpdir(), 'sy-cluster-site-'));
    const targetsFile = join(dir, 'targets.yaml');
    writeFileSync(targetsFile, `targets:\n  edge:\n    endpoints:\n${gpus.map((g) => `      - { url: ${g.url} }`).join('\n')}\n    model: edge-7b\n    balance: round-robin\n`);
    const options = { targetsFile, endpointProbe: quietProbe, redisUrl: server.url, timeoutMs: 300, breakerThreshold: 1, replicas: { breakerOpenMs: 60_000 } };
    const a = await startTestService(options);
    const b = await startTestService(options);
    cleanup.push(async () => {
      await Promise.all([a.close(), b.close()]);
    });
    await waitFor(() => a.service.state.status().connected && b.service.state.status().connected);

    // Round-robin sends one of the first two to gpu-0: it stalls past the budget, the request moves to gpu-1.
    for (let i = 0; i < 2; i++) {
      const answer = await a.client.chat.completions.create({ model: 'edge', messages, max_tokens: 4 });
      expect(answer.choices[0]?.message.content).toBe('gpu-1');
    }
    expect((await edgeEndpoints(a)).map((e) => e.breaker)).toEqual(['open', 'closed']);
    await waitUntil(async () => (await edgeEndpoints(b)).map((e) => e.breaker).join() === 'open,closed');

    const sentToGpu0 = gpus[0]!.requests.length;
    const answers = await Promise.all(Array.from({ length: 6 }, () => b.client.chat.completions.create({ model: 'edge', messages, max_tokens: 4 }).withResponse()));
    for (const { data, response } of answers) {
      expect(response.headers.get('x-switchyard-target')).toBe('edge');
      expect(response.headers.get('x-switchyard-fallback')).toBeNull();
      expect(data.choices[0]?.message.content).toBe('gpu-1');
    }
    expect(gpus[0]!.requests.length).toBe(sentToGpu0); // b never waited on the stalled server
  });
});

describe.skipIf(redisMissing !== null)('a site’s dashboards show the group', () => {
  it('a request answered by one replica appears, marked with that replica, on the other’s dashboard feed and totals', async () => {
    const server = await new RedisServer().start();
    cleanup.push(() => server.kill());
    const fake = await new FakeUpstream().start();
    cleanup.push(() => fake.close());
    const a = await startTestService({ fake, redisUrl: server.url });
    const b = await startTestService({ fake, redisUrl: server.url });
    cleanup.push(async () => {
      await Promise.all([a.close(), b.close()]);
    });
    await waitFor(() => a.service.state.status().connected && b.service.state.status().connected);

    await a.client.chat.completions.create({ model: 'cloud', messages, max_tokens: 4 });
    await waitFor(() => b.service.observability.feed.state().totals.requests === 1);
    const seen = b.service.observability.feed.state().decisions[0];
    expect(seen).toMatchObject({ servedBy: 'cloud', status: 200, replica: expect.any(String) });
    expect(seen?.id).toBe(a.service.observability.feed.state().decisions[0]?.id);
    expect(b.service.observability.feed.state().totals.byTarget).toEqual({ cloud: 1 });
    // a's own row is not echoed back to it
    expect(a.service.observability.feed.state().totals.requests).toBe(1);
    expect(a.service.observability.feed.state().decisions[0]?.replica).toBeUndefined();
  });
});
