import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Backend } from '../../src/backends/backend.js';
import { createLocalBackend } from '../../src/backends/local-onnx/index.js';
import type { SignalHub } from '../../src/signals/signal-hub.js';
import { createService, type Service, type ServiceOptions } from '../../src/service.js';
import { FakeUpstream, type FakeUpstreamOptions } from './fake-upstream.js';

export interface TestService {
  url: string;
  /** The official SDK pointed at the router. */
  client: OpenAI;
  fake: FakeUpstream;
  service: Service;
  close(): Promise<void>;
}

/** A real router on 127.0.0.1 in front of a real fake upstream on 127.0.0.1. */
export async function startTestService(
  options: {
    upstream?: FakeUpstreamOptions;
    local?: Backend | null;
    idleTimeoutMs?: number;
    timeoutMs?: number;
    /** Built from the fake's URL once it listens. */
    signals?: (upstreamUrl: string) => SignalHub;
    dataDir?: string;
    breakerThreshold?: number;
    fake?: FakeUpstream;
    policyFile?: string;
    cascadeMinConfidence?: number;
    /** Point the upstream backend here instead of at the fake (e.g. a hostile upstream). */
    upstreamUrl?: string;
    upstreamKey?: string;
    upstreamModel?: string;
    security?: ServiceOptions['security'];
    observability?: ServiceOptions['observability'];
    targetsFile?: string;
    endpointProbe?: ServiceOptions['endpointProbe'];
    redisUrl?: string;
    replicas?: ServiceOptions['replicas'];
    scorer?: ServiceOptions['scorer'];
  } = {},
): Promise<TestService> {
  const fake = options.fake ?? (await new FakeUpstream(options.upstream).start());
  const upstreamUrl = options.upstreamUrl ?? fake.url;
  const signals = options.signals?.(upstreamUrl) ?? null;
  signals?.start();
  await signals?.ready();
  const service = await createService({
    upstream: {
      baseURL: upstreamUrl,
      apiKey: options.upstreamKey ?? 'sk-upstream-secret',
      model: options.upstreamModel ?? 'fake-large-1',
      timeoutMs: options.timeoutMs ?? 5_000,
      streamIdleTimeoutMs: options.idleTimeoutMs ?? 5_000,
    },
    local: options.local ?? null,
    signals,
    dataDir: options.dataDir ?? mkdtempSync(join(tmpdir(), 'switchyard-test-')),
    ...(options.breakerThreshold === undefined ? {} : { breakerThreshold: options.breakerThreshold }),
    ...(options.policyFile === undefined ? {} : { policyFile: options.policyFile }),
    ...(options.cascadeMinConfidence === undefined ? {} : { cascadeMinConfidence: options.cascadeMinConfidence }),
    ...(options.security === undefined ? {} : { security: options.security }),
    ...(options.observability === undefined ? {} : { observability: options.observability }),
    ...(options.targetsFile === undefined ? {} : { targetsFile: options.targetsFile }),
    ...(options.endpointProbe === undefined ? {} : { endpointProbe: options.endpointProbe }),
    ...(options.redisUrl === undefined ? {} : { redisUrl: options.redisUrl }),
    ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
    ...(options.scorer === undefined ? {} : { scorer: options.scorer }),
  });
  const listening = await service.listen(0, '127.0.0.1');
  const client = new OpenAI({ baseURL: `${listening.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
  return {
    url: listening.url,
    client,
    fake,
    service,
    async close() {
      await service.close();
      await signals?.stop();
      if (options.fake === undefined) await fake.close();
    },
  };
}

/** A test service whose local side is the bundled tiny model (one thread); close() stops both. */
export async function startTestServiceWithTinyModel(): Promise<TestService> {
  const local = createLocalBackend({ threads: 1 });
  await local.settled;
  const t = await startTestService({ local });
  return {
    ...t,
    async close() {
      await t.close();
      await local.close();
    },
  };
}

export async function waitFor(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
