import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../src/routing/decision.js';
import { DeferredQueue } from '../src/routing/deferred/deferred-queue.js';
import { Dispatcher } from '../src/routing/dispatch/dispatcher.js';
import { UpstreamGate } from '../src/routing/dispatch/upstream-gate.js';
import { type ChatTurn, RequestPipeline, type Responder } from '../src/routing/handle-request.js';
import type { RequestRecord } from '../src/routing/request-record.js';
import { Targets } from '../src/routing/targets.js';
import { decisionFor, refused, ScriptedBackend, type Step } from './helpers/scripted-backend.js';

function rig(decision: Decision, cloudSteps: Step[], localSteps: Step[], upstreamReachable = true) {
  const cloud = new ScriptedBackend('cloud', 'big', cloudSteps);
  const local = new ScriptedBackend('local', 'tiny', localSteps);
  const gate = new UpstreamGate(new Map());
  const targets = new Targets({ local, cloud });
  const records: RequestRecord[] = [];
  const queue = new DeferredQueue({ journalPath: join(mkdtempSync(join(tmpdir(), 'pipeline-')), 'j.jsonl'), run: async () => ({}), isOnline: () => false });
  const pipeline = new RequestPipeline({
    decider: { decide: async () => decision },
    dispatcher: new Dispatcher(targets, gate),
    targets,
    deferred: { queue, upstreamReachable: () => upstreamReachable },
    observers: [{ onRequest: (r) => records.push(r) }],
  });
  return { pipeline, cloud, local, records, queue };
}

function turn(overrides: Partial<ChatTurn> = {}): ChatTurn {
  return {
    id: 'chatcmpl-t',
    startedAt: 0,
    t0: performance.now(),
    route: { requestedModel: 'auto', messages: [{ role: 'user', content: 'hi' }], tags: ['t'], maxTokens: null, fallbackForbidden: false },
    call: { messages: [{ role: 'user', content: 'hi' }], extra: {}, signal: new AbortController().signal, maxTokens: 500 },
    stream: false,
    deferrable: null,
    replay: false,
    apiKeyId: null,
    captureContent: false,
    ...overrides,
  };
}

/** Records what the pipeline asked the wire to do. */
function responder() {
  const said: string[] = [];
  const r: Responder = {
    deferred: (job) => void said.push(`deferred ${job.status}`),
    answer: (result, _d, served) => void said.push(`answer ${served.target}: ${result.content}`),
    part: (part, _d, served) => void said.push(`${part.type} ${served.target}`),
    fail: (error, _d, served, started) => void said.push(`fail ${error.status} ${served.target} started=${started}`),
  };
  return { r, said };
}

describe('RequestPipeline', () => {
  it('a failure still ends in one record, naming the fallback that was tried', async () => {
    const t = rig(decisionFor('cloud'), [{ fail: refused() }], [{ fail: Object.assign(new Error('full'), { status: 429 }) }]);
    const { r, said } = responder();
    const record = await t.pipeline.handle(turn(), r);
    expect(said).toEqual(['fail 429 local started=false']);
    expect(record).toMatchObject({ status: 429, errorKind: 'upstream-status', servedBy: null, fallback: { cause: 'upstream-connection', to: 'local' } });
    expect(t.records).toEqual([record]);
  });

  it("caps max_tokens by the rule's cap", async () => {
    const t = rig(decisionFor('cloud', { maxTokensCap: 100 }), [{ answer: 'ok' }], []);
    const record = await t.pipeline.handle(turn(), responder().r);
    expect(t.cloud.calls[0]?.maxTokens).toBe(100);
    expect(record).toMatchObject({ status: 200, servedBy: 'cloud', servedModel: 'big', usage: { promptTokens: 3 } });
  });

  it('streams parts and times the first content byte', async () => {
    const t = rig(decisionFor('cloud'), [{ answer: 'streamed' }], []);
    const { r, said } = responder();
    const record = await t.pipeline.handle(turn({ stream: true, captureContent: true }), r);
    expect(said).toEqual(['text-delta cloud', 'finish cloud']);
    expect(record.ttftMs).toBeGreaterThanOrEqual(0);
    expect(record).toMatchObject({ status: 200, stream: true, content: { output: 'streamed', messages: [{ role: 'user', content: 'hi' }] } });
  });

  it('asked to defer while the upstream is out of reach: the job is kept and the record says 202', async () => {
    const t = rig(decisionFor('cloud'), [{ answer: 'now' }], [], false);
    const { r, said } = responder();
    const record = await t.pipeline.handle(turn({ deferrable: { model: 'auto', messages: [] } }), r);
    expect(said).toEqual(['deferred queued']);
    expect(record).toMatchObject({ status: 202, servedBy: null });
    expect(t.queue.pending).toBe(1);
    expect(t.cloud.calls).toHaveLength(0);
    await t.queue.close();
  });

  it('a request that cannot be kept for later (the journal fails: a full disk) gets a clear 503 and a record', async () => {
    const t = rig(decisionFor('cloud'), [{ answer: 'now' }], [], false);
    t.queue.enqueue = async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    const { r, said } = responder();
    const record = await t.pipeline.handle(turn({ deferrable: { model: 'auto', messages: [] } }), r);
    expect(said).toEqual(['fail 503 cloud started=false']);
    expect(record).toMatchObject({ status: 503, errorKind: 'unavailable', servedBy: null });
    expect(t.records).toEqual([record]);
    await t.queue.close();
  });

  it('a privacy decision (local, no fallback) is answered locally, never deferred to the cloud', async () => {
    const t = rig(decisionFor('local', { allowFallback: false }), [], [{ answer: 'here' }], false);
    const { r, said } = responder();
    await t.pipeline.handle(turn({ deferrable: { model: 'auto', messages: [] } }), r);
    expect(said).toEqual(['answer local: here']);
    await t.queue.close();
  });

  it('a replayed deferred job goes to the upstream with its own rule', async () => {
    const t = rig(decisionFor('local'), [{ answer: 'later' }], [{ answer: 'no' }]);
    const record = await t.pipeline.handle(turn({ replay: true }), responder().r);
    expect(record).toMatchObject({ servedBy: 'cloud', servedModel: 'big', decision: { rule: 'deferred', allowFallback: false } });
  });
});
