import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBackend, type LocalBackend } from '../src/backends/local-onnx/index.js';
import { fromPackageRoot } from '../src/paths.js';
import { FakeUpstream } from './helpers/fake-upstream.js';
import { startTestService, waitUntil, type TestService } from './helpers/service.js';

type Info = { target: string; decided: string; fallback: { cause: string; from: string; to: string } | null };
const messages = [{ role: 'user' as const, content: 'Explain how a railway switchyard sorts freight cars.' }];
const policyFile = fromPackageRoot('test', 'fixtures', 'routing', 'cascade-all.yaml');

describe('cascade: answer locally, escalate when the local answer is unsure', () => {
  let local: LocalBackend;
  beforeAll(async () => {
    local = createLocalBackend({ modelDir: fromPackageRoot('models', 'tiny-llama') });
    await local.settled;
  });
  afterAll(async () => {
    await local.close();
  });
  const shared = () => ({ target: 'local' as const, generate: local.generate.bind(local), stream: local.stream.bind(local), health: local.health.bind(local), close: async () => {} });

  it('an unsure local answer (random weights) is replaced by the cloud answer, marked low-confidence', async () => {
    const t: TestService = await startTestService({ local: shared(), policyFile });
    try {
      const { data, response } = await t.client.chat.completions.create({ model: 'auto', messages, max_tokens: 8 }).withResponse();
      expect(response.headers.get('x-switchyard-rule')).toBe('cascade-everything');
      expect(response.headers.get('x-switchyard-target')).toBe('cloud');
      expect(response.headers.get('x-switchyard-fallback')).toBe('low-confidence');
      expect(data.choices[0]?.message.content).toBe('Echo: Explain how a railway switchyard sorts freight cars.'.split(' ').slice(0, 8).join(' ') + ' ');
      const info = (data as unknown as { switchyard: Info }).switchyard;
      expect(info).toMatchObject({ decided: 'local', target: 'cloud', fallback: { cause: 'low-confidence', from: 'local', to: 'cloud' } });

      // Streamed: the held local answer is dropped, the cloud's is streamed, the final chunk says why.
      const stream = await t.client.chat.completions.create({ model: 'auto', messages, max_tokens: 8, stream: true });
      let text = '';
      let last: Info | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        last = (chunk as unknown as { switchyard?: Info }).switchyard ?? last;
      }
      expect(text).toBe(data.choices[0]?.message.content);
      expect(last?.fallback?.cause).toBe('low-confidence');
    } finally {
      await t.close();
    }
  });

  it("a rule's own threshold (minConfidence) wins over the router's", async () => {
    const lenient = fromPackageRoot('test', 'fixtures', 'routing', 'cascade-lenient.yaml');
    const t = await startTestService({ local: shared(), policyFile: lenient });
    try {
      const { response } = await t.client.chat.completions.create({ model: 'auto', messages, max_tokens: 8 }).withResponse();
      expect(response.headers.get('x-switchyard-rule')).toBe('cascade-lenient');
      expect(response.headers.get('x-switchyard-target')).toBe('local');
      expect(response.headers.get('x-switchyard-fallback')).toBeNull();
      const dry = await fetch(`${t.url}/v1/route`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'auto', messages }) });
      const decision = (await dry.json()) as { cascade: boolean; cascadeMinConfidence: number; reasons: string[] };
      expect(decision).toMatchObject({ cascade: true, cascadeMinConfidence: 1e-9 });
      expect(decision.reasons).toContain('cascade: answer locally, escalate to the cloud if confidence < 1e-9');
    } finally {
      await t.close();
    }
  });

  it('a confident enough local answer stays local', async () => {
    const t = await startTestService({ local: shared(), policyFile, cascadeMinConfidence: 0 });
    try {
      const { response } = await t.client.chat.completions.create({ model: 'auto', messages, max_tokens: 8 }).withResponse();
      expect(response.headers.get('x-switchyard-target')).toBe('local');
      expect(response.headers.get('x-switchyard-fallback')).toBeNull();
      expect(t.fake.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(0);
    } finally {
      await t.close();
    }
  });
  it("judges a local answer that ended by itself on the geometric mean of its tokens' probabilities, as its logprobs show", async () => {
    // Seed 4 makes the tiny model end its answer (EOS) after 4 tokens; the end token is not part of the answer.
    const ask = { messages: [{ role: 'user' as const, content: 'hi' }], max_tokens: 40, temperature: 1, seed: 4 };
    const plain = await startTestService({ local: shared() });
    let meanConfidence: number;
    try {
      const answer = await plain.client.chat.completions.create({ ...ask, model: 'local', logprobs: true });
      expect(answer.choices[0]?.finish_reason).toBe('stop');
      const logprobs = answer.choices[0]?.logprobs?.content?.map((entry) => entry.logprob) ?? [];
      expect(logprobs).toHaveLength(answer.usage?.completion_tokens ?? -1);
      meanConfidence = Math.exp(logprobs.reduce((sum, lp) => sum + lp, 0) / logprobs.length);
    } finally {
      await plain.close();
    }
    // A threshold just under that mean keeps the same answer local; one just over it escalates it.
    for (const [factor, target] of [[0.9, 'local'], [1.1, 'cloud']] as const) {
      const t = await startTestService({ local: shared(), policyFile, cascadeMinConfidence: meanConfidence * factor });
      try {
        const { response } = await t.client.chat.completions.create({ ...ask, model: 'auto' }).withResponse();
        expect(response.headers.get('x-switchyard-rule')).toBe('cascade-everything');
        expect(response.headers.get('x-switchyard-target')).toBe(target);
      } finally {
        await t.close();
      }
    }
  });

  it('an empty local answer (the model ended at once) is escalated, not kept', async () => {
    const t = await startTestService({ local: shared(), policyFile });
    try {
      // Seed 168 makes the tiny model end its answer before its first token.
      const ask = { model: 'auto', messages: [{ role: 'user' as const, content: 'hi' }], max_tokens: 8, temperature: 1, seed: 168 };
      const local = await t.client.chat.completions.create({ ...ask, model: 'local' });
      expect(local.choices[0]?.message.content).toBe('');
      const { data, response } = await t.client.chat.completions.create(ask).withResponse();
      expect(response.headers.get('x-switchyard-target')).toBe('cloud');
      expect(response.headers.get('x-switchyard-fallback')).toBe('low-confidence');
      expect(data.choices[0]?.message.content).toBe('Echo: hi');
    } finally {
      await t.close();
    }
  });

  it('escalates to a site pool when the rule names one (escalateTo: edge), and the cloud is never asked', async () => {
    const gpu = await new FakeUpstream({ reply: () => 'from the edge server' }).start();
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-cascade-'));
    const targetsFile = join(dir, 'targets.yaml');
    writeFileSync(targetsFile, `targets:\n  edge:\n    endpoints: [ { url: ${gpu.url} } ]\n    model: edge-7b\n`);
    const toEdge = join(dir, 'policy.yaml');
    writeFileSync(toEdge, 'version: 1\nrules: []\ndefault:\n  name: cascade-to-edge\n  route: cascade\n  escalateTo: edge\n');
    const t = await startTestService({ local: shared(), policyFile: toEdge, targetsFile });
    try {
      const { data, response } = await t.client.chat.completions.create({ model: 'auto', messages, max_tokens: 8 }).withResponse();
      expect(response.headers.get('x-switchyard-target')).toBe('edge');
      expect(response.headers.get('x-switchyard-model')).toBe('edge-7b');
      expect(response.headers.get('x-switchyard-fallback')).toBe('low-confidence');
      expect(data.choices[0]?.message.content).toBe('from the edge server');
      expect((data as unknown as { switchyard: Info }).switchyard).toMatchObject({ decided: 'local', target: 'edge', fallback: { from: 'local', to: 'edge' } });
      expect(t.fake.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(0);

      const dry = await fetch(`${t.url}/v1/route`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'auto', messages }) });
      const decision = (await dry.json()) as { cascade: boolean; cascadeTo: string; reasons: string[] };
      expect(decision).toMatchObject({ cascade: true, cascadeTo: 'edge' });
      expect(decision.reasons).toContain('cascade: answer locally, escalate to "edge" if confidence is low');

      // The edge server gone: the local answer is kept (with a warning when the escalation was tried and failed).
      await gpu.close();
      const kept = await t.client.chat.completions.create({ model: 'auto', messages, max_tokens: 8 }).withResponse();
      expect(kept.response.headers.get('x-switchyard-target')).toBe('local');
      expect(t.fake.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(0);
    } finally {
      await t.close();
      await gpu.close();
    }
  });

  it('an escalated stream whose client hung up is no longer counted in flight at the cloud pool', async () => {
    const gpu = await new FakeUpstream({ reply: () => 'one two three four five six seven eight', chunkDelayMs: 200 }).start();
    const targetsFile = join(mkdtempSync(join(tmpdir(), 'switchyard-cascade-')), 'targets.yaml');
    writeFileSync(targetsFile, `targets:\n  cloud:\n    endpoints: [ { url: ${gpu.url} } ]\n    model: cloud-big\n`);
    const t = await startTestService({ local: shared(), policyFile, targetsFile });
    try {
      type Health = { targets: { endpoints: { cloud: Array<{ inFlight: number }> } } };
      const inFlight = async (): Promise<number> => ((await (await fetch(`${t.url}/healthz`)).json()) as Health).targets.endpoints.cloud[0]!.inFlight;
      const stream = await t.client.chat.completions.create({ model: 'auto', messages, max_tokens: 8, stream: true });
      for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) break;
      await waitUntil(async () => gpu.requests.filter((r) => r.path.endsWith('/chat/completions')).at(-1)?.aborted === true);
      await waitUntil(async () => (await inFlight()) === 0);
      expect(await inFlight()).toBe(0);
    } finally {
      await t.close();
      await gpu.close();
    }
  });
});
