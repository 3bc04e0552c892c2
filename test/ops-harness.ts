import { Writable } from 'node:stream';
import { createLocalBackend } from '../src/backends/local-onnx/create-local-backend.js';
import type { LocalBackend } from '../src/backends/local-onnx/local-backend.js';
import { UpstreamBackend } from '../src/backends/upstream/upstream-backend.js';
import { createObservability, createLogger } from '../src/observability/index.js';
import type { Observability, PolicyStatus } from '../src/observability/index.js';
import { defaultPolicyPath, loadPolicyFile } from '../src/policy/index.js';
import { PlaceholderDecider } from './helpers/pinned-decider.js';
import { PolicyDecider } from '../src/routing/policy-decider.js';
import { loadScorer } from '../src/scoring/load-scorer.js';
import { Router } from '../src/routing/router.js';
import { createApp } from '../src/server/app.js';
import { listen } from '../src/server/listen.js';
import { createSecurity, loadSecurityConfig } from '../src/server/security/index.js';
import type { SignalSnapshot } from '../src/signals/snapshot.js';
import { FakeUpstream } from './helpers/fake-upstream.js';
import { snapshot } from './ops-fixtures.js';

export interface OpsServer {
  url: string;
  obs: Observability;
  fake: FakeUpstream;
  local: LocalBackend | null;
  router: Router;
  /** Mutable: tests replay a device trace by assigning fields. */
  signals: SignalSnapshot;
  policy: PolicyStatus;
  close(): Promise<void>;
}

export const UPSTREAM_KEY = 'sk-upstream-never-log-me-0123456789';

/**
 * The real app (createApp + Router + backends) with the security layer in `before` and the metrics and
 * dashboard routers mounted — the wiring the server's composition root is expected to do.
 */
export async function startOpsServer(
  options: {
    env?: NodeJS.ProcessEnv;
    local?: boolean;
    queueCapacity?: number;
    sampleIntervalMs?: number;
    chunkDelayMs?: number;
    /** Receives every log line (JSON text) when given; otherwise logging is silent. */
    logLines?: string[];
    decisionLogFile?: string;
    /** Point the upstream backend here instead of at the fake (e.g. a hostile upstream). */
    upstreamUrl?: string;
    /** Decide with policies/default.yaml and the bundled scorer instead of the placeholder (pins only). */
    policy?: boolean;
  } = {},
): Promise<OpsServer> {
  const fake = await new FakeUpstream({ chunkDelayMs: options.chunkDelayMs ?? 0, model: 'gpt-4o-mini' }).start();
  const cloud = new UpstreamBackend({ baseURL: options.upstreamUrl ?? fake.url, apiKey: UPSTREAM_KEY, model: 'gpt-4o-mini', timeoutMs: 5_000, streamIdleTimeoutMs: 5_000 });
  const local = options.local === true ? createLocalBackend({ queueCapacity: options.queueCapacity ?? 4, threads: 1 }) : null;
  if (local !== null) await local.settled;
  const router: Router = new Router({ local, cloud }, new PlaceholderDecider(() => ({ local: local?.health().models[0] ?? null, cloud: 'gpt-4o-mini' })));
  const security = createSecurity(loadSecurityConfig(options.env ?? {}), { secrets: [UPSTREAM_KEY] });
  const signals = snapshot({ takenAt: Date.now() });
  const policy: PolicyStatus = { file: 'policies/default.yaml', loadedAt: Date.now(), lastError: null };
  const liveSignals = (): SignalSnapshot => ({
    ...signals,
    local: local === null ? signals.local : { state: 'ready', queueDepth: local.health().queueDepth ?? 0, queueCapacity: local.health().queueCapacity ?? 0 },
  });
  const scorer = options.policy === true ? await loadScorer() : null;
  if (scorer !== null) {
    const compiled = loadPolicyFile(defaultPolicyPath, { thresholdForCloudShare: (share) => scorer.thresholdForCloudShare(share) });
    router.setDecider(
      new PolicyDecider({
        policy: () => compiled,
        scorer,
        signals: liveSignals,
        measure: (messages, maxTokens) => {
          const m = local?.measure(messages, maxTokens ?? undefined);
          return m === undefined ? { promptTokens: JSON.stringify(messages).length / 4, contextWindow: null } : { promptTokens: m.promptTokens, contextWindow: m.contextWindow };
        },
        models: () => ({ local: local?.health().models[0] ?? null, cloud: 'gpt-4o-mini' }),
      }),
    );
  }
  const obs = createObservability({
    sources: {
      signals: liveSignals,
      policyStatus: () => policy,
    },
    secrets: security.secrets,
    logger: options.logLines === undefined ? createLogger({ level: 'silent' }) : createLogger({ level: 'debug', secrets: security.secrets, destination: capture(options.logLines) }),
    decisionLog: options.decisionLogFile === undefined ? null : { file: options.decisionLogFile },
    sampleIntervalMs: options.sampleIntervalMs ?? 1000,
  });
  router.addObserver(obs.observer);
  const app = createApp({
    router,
    before: security.before,
    mount: (a) => {
      a.use(obs.metricsRouter());
      a.use(obs.dashboardRouter());
    },
  });
  const listening = await listen(app, { port: 0, host: '127.0.0.1' });
  security.applyTimeouts(listening.server);
  return {
    url: listening.url,
    obs,
    fake,
    local,
    router,
    signals,
    policy,
    async close() {
      await listening.close();
      await obs.close();
      await Promise.all([local?.close(), cloud.close(), scorer?.close()]);
      await fake.close();
    },
  };
}

function capture(lines: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
}
