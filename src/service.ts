import { join } from 'node:path';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Backend, ChatMessage } from './backends/backend.js';
import { createKeepAliveFetch } from './backends/upstream/keep-alive-fetch.js';
import { UpstreamBackend, type UpstreamConfig } from './backends/upstream/upstream-backend.js';
import { createObservability, type Observability } from './observability/index.js';
import { defaultPolicyPath, PolicyWatcher } from './policy/index.js';
import { CircuitBreaker } from './routing/circuit-breaker.js';
import { connectivityOf, type ConnectivityStatus } from './routing/connectivity.js';
import { DeferredQueue } from './routing/deferred/deferred-queue.js';
import { runDeferred } from './routing/deferred/run-deferred.js';
import type { KnownModels } from './routing/pinning.js';
import { estimateTokens, PolicyDecider, type PromptMeasure } from './routing/policy-decider.js';
import { Router } from './routing/router.js';
import { loadScorer, type Scorer } from './scoring/index.js';
import { createApp } from './server/app.js';
import { listen, type Listening } from './server/listen.js';
import { getDeferred } from './server/routes/deferred.js';
import { routeDryRun } from './server/routes/route-dry-run.js';
import { createSignalsRouter } from './server/routes/signals.js';
import { createSecurity, type SecurityConfig } from './server/security/index.js';
import type { SignalHub } from './signals/signal-hub.js';
import { staticSignals } from './signals/static-signals.js';

/** A local backend that can also measure a prompt against its context window (LocalBackend does). */
export type LocalModelBackend = Backend & { measure?(messages: ChatMessage[], maxTokens?: number): { promptTokens: number; contextWindow: number } };

export interface ServiceOptions {
  upstream: UpstreamConfig | null;
  local?: LocalModelBackend | null;
  /** Device and link signals; its link monitor is fed by real upstream responses and drives the breaker. */
  signals?: SignalHub | null;
  /** The routing policy; default policies/default.yaml. Watched and hot-reloaded. */
  policyFile?: string;
  scorer?: Scorer;
  /** Client keys, rate limits, body limit, timeouts. Absent: open (a single-user device), 4 MB bodies. */
  security?: SecurityConfig;
  /** Metrics, decision log, dashboard. Absent: metrics and dashboard on, no decision log file. */
  observability?: { logger?: Logger; decisionLog?: { file: string; maxBytes?: number; maxFiles?: number; includeContent?: boolean } | null };
  /** Which fetch the upstream SDK client uses; `keep-alive` (node:http) is the measured-faster default. */
  upstreamFetch?: 'keep-alive' | 'global';
  /** Where durable state (the deferred-work journal) lives. */
  dataDir?: string;
  /** Consecutive upstream failures that open the breaker. */
  breakerThreshold?: number;
  /** Cascade rules escalate local answers whose confidence is below this (0..1). */
  cascadeMinConfidence?: number;
}

export interface Service {
  app: Express;
  router: Router;
  breaker: CircuitBreaker;
  deferred: DeferredQueue | null;
  policy: PolicyWatcher;
  observability: Observability;
  connectivity(): ConnectivityStatus;
  listen(port: number, host: string): Promise<Listening>;
  close(): Promise<void>;
}

/** The composition root: builds every part from options and wires them together. Nothing here reads argv. */
export async function createService(options: ServiceOptions): Promise<Service> {
  const signals = options.signals ?? null;
  const link = signals?.link ?? null;
  const local = options.local ?? null;
  const upstreamFetch =
    options.upstreamFetch === 'global' ? null : createKeepAliveFetch(link === null ? {} : { onResponse: (timing) => link.recordResponse(timing) });
  const cloud =
    options.upstream === null ? null : new UpstreamBackend(options.upstream, upstreamFetch === null ? {} : { fetch: upstreamFetch.fetch });
  const snapshot = signals !== null ? () => signals.snapshot() : staticSignals(() => local?.health() ?? null);

  const breaker = new CircuitBreaker({
    ...(options.breakerThreshold === undefined ? {} : { failureThreshold: options.breakerThreshold }),
    // A connection failure or timeout makes the link monitor probe soon; its verdicts move the breaker.
    onFailure: (failure) => {
      if (failure.cause.endsWith('-connection') || failure.cause.endsWith('-timeout')) {
        link?.recordFailure(failure.cause.endsWith('-timeout') ? 'timeout' : 'connection');
      }
    },
    onChange: (state) => {
      if (state !== 'open') deferred?.kick();
    },
  });
  const unsubscribeLink = link?.onChange(() => breaker.linkReachable(link.reachable)) ?? null;
  const connectivity = (): ConnectivityStatus => connectivityOf(breaker, snapshot().online);

  const scorer = options.scorer ?? (await loadScorer());
  const observability = createObservability({
    sources: {
      signals: snapshot,
      policyStatus: () => ({ ...policy.status, loadedAt: Date.parse(policy.status.loadedAt) }),
      connectivity,
    },
    secrets: [...(options.security?.apiKeys ?? []), ...(options.upstream === null ? [] : [options.upstream.apiKey])],
    ...(options.observability?.logger === undefined ? {} : { logger: options.observability.logger }),
    decisionLog: options.observability?.decisionLog ?? null,
  });
  const log = observability.logger;
  const policy = new PolicyWatcher(options.policyFile ?? defaultPolicyPath, {
    thresholdForCloudShare: (share) => scorer.thresholdForCloudShare(share),
    onReload: () => log.info({ policy: policy.status.file }, 'policy reloaded'),
    onError: (err) => log.error({ policy: options.policyFile ?? defaultPolicyPath, err: err.message }, 'policy change rejected; the previous policy keeps serving'),
  });

  const models = (): KnownModels => ({ local: local?.health().models[0] ?? null, cloud: cloud?.health().models[0] ?? null });
  const measure = (messages: ChatMessage[], maxTokens: number | null): PromptMeasure => {
    if (local?.measure === undefined || local.health().state === 'absent') return { promptTokens: estimateTokens(messages), contextWindow: null };
    try {
      return local.measure(messages, maxTokens ?? undefined);
    } catch {
      // Tokenizer not loaded yet (or failed): estimate; the window is unknown, so nothing counts as fitting.
      return { promptTokens: estimateTokens(messages), contextWindow: null };
    }
  };
  const decider = new PolicyDecider({ policy: () => policy.current, scorer, signals: snapshot, measure, models });
  const router = new Router({ local, cloud }, decider, {
    observers: [observability.observer],
    dispatch: { breaker, ...(options.cascadeMinConfidence === undefined ? {} : { cascadeMinConfidence: options.cascadeMinConfidence }) },
  });

  const cloudReachable = (): boolean => cloud !== null && connectivity().state !== 'offline';
  const deferred =
    cloud === null
      ? null
      : new DeferredQueue({ journalPath: join(options.dataDir ?? '.switchyard', 'deferred.jsonl'), run: (request) => runDeferred(router, request), isOnline: cloudReachable });
  deferred?.start();

  const security = options.security === undefined ? null : createSecurity(options.security, { secrets: options.upstream === null ? [] : [options.upstream.apiKey] });
  const app = createApp({
    router,
    ...(security === null ? {} : { before: security.before, bodyLimit: security.bodyLimit }),
    chat: {
      deferred: deferred === null ? undefined : { queue: deferred, cloudReachable },
      scrub: (text) => observability.redactor.text(text),
      captureContent: options.observability?.decisionLog?.includeContent === true,
    },
    health: () => ({
      connectivity: connectivity(),
      policy: policy.status,
      deferred: deferred === null ? null : { pending: deferred.pending },
    }),
    mount: (a) => {
      a.post('/v1/route', routeDryRun(router));
      if (signals !== null) a.use(createSignalsRouter(signals));
      if (deferred !== null) a.get('/v1/deferred/:id', getDeferred(deferred));
      a.use(observability.metricsRouter());
      a.use(observability.dashboardRouter());
    },
  });

  const listening: Listening[] = [];
  return {
    app,
    router,
    breaker,
    deferred,
    policy,
    observability,
    connectivity,
    async listen(port, host) {
      const server = await listen(app, { port, host });
      security?.applyTimeouts(server.server);
      listening.push(server);
      return server;
    },
    async close() {
      await Promise.all(listening.map((l) => l.close()));
      unsubscribeLink?.();
      policy.close();
      await deferred?.close();
      await observability.close();
      await Promise.all([local?.close(), cloud?.close(), options.scorer === undefined ? scorer.close() : undefined]);
      upstreamFetch?.close();
    },
  };
}
