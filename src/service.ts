import { join } from 'node:path';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Backend, ChatMessage, ToolDefinition } from './backends/backend.js';
import { DEFAULT_UPSTREAM_IDLE_TIMEOUT_MS, DEFAULT_UPSTREAM_TIMEOUT_MS } from './config.js';
import { createKeepAliveFetch } from './backends/upstream/keep-alive-fetch.js';
import { type UpstreamConfig, UpstreamBackend } from './backends/upstream/upstream-backend.js';
import { createObservability, type Observability, SecretList } from './observability/index.js';
import { defaultPolicyPath, estimateTokens, PolicyWatcher } from './policy/index.js';
import { DeferredQueue } from './routing/deferred/deferred-queue.js';
import { Dispatcher } from './routing/dispatch/dispatcher.js';
import { UpstreamGate } from './routing/dispatch/upstream-gate.js';
import { RequestPipeline } from './routing/handle-request.js';
import type { KnownModels } from './routing/pinning.js';
import { type PromptMeasure, RouteDecider } from './routing/route-decider.js';
import type { EndpointOptions } from './routing/pool/pool-endpoint.js';
import { endpointKeys } from './routing/targets-file/compile.js';
import { SiteTargets } from './routing/targets-file/site-targets.js';
import { type Backends, DEFAULT_FALLBACK, Targets } from './routing/targets.js';
import type { CircuitBreaker } from './routing/upstream-health/circuit-breaker.js';
import type { ConnectivityStatus } from './routing/upstream-health/connectivity.js';
import { endpointKey } from './routing/upstream-health/endpoint-breaker.js';
import { UpstreamHealth } from './routing/upstream-health/upstream-health.js';
import { loadScorer, type Scorer } from './scoring/index.js';
import { createApp } from './server/app.js';
import { runDeferredJob } from './server/deferred-job.js';
import { type Listening, listen } from './server/listen.js';
import { createSecurity, type SecurityConfig } from './server/security/index.js';
import type { ReplicaTimings } from './config.js';
import type { SignalHub } from './signals/signal-hub.js';
import { staticSignals } from './signals/static-signals.js';
import { openSharedState } from './state/open-state.js';
import { shareDecisions } from './observability/share-decisions.js';
import { type ConfigAgreement, type ServedConfig, watchConfigAgreement } from './state/config-agreement.js';
import { RedisDeferredQueue } from './state/redis-deferred-queue.js';
import { RedisState } from './state/redis-state.js';
import type { DeferredStore } from './routing/deferred/deferred-store.js';
import type { SharedState } from './state/shared-state.js';

/** A local backend that can also measure a prompt against its context window (LocalBackend does). */
export type LocalModelBackend = Backend & {
  measure?(messages: ChatMessage[], maxTokens?: number, tools?: readonly ToolDefinition[]): { promptTokens: number; contextWindow: number };
};

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
  /** `--targets FILE`: named pools of upstream endpoints and the fallback order. Watched and hot-reloaded. */
  targetsFile?: string;
  /** Probe timing of the pools' endpoints (tests shorten it). */
  endpointProbe?: EndpointOptions['probe'];
  /** Share rate limits, breaker verdicts and deferred work with the other replicas here (`SWITCHYARD_REDIS_URL`). */
  redisUrl?: string | null;
  /** Timings of the shared state (see `replicaTimingsFromEnv`). */
  replicas?: ReplicaTimings;
  /** More values never to show in logs or error bodies besides `upstream.apiKey`: a targets file's endpoint keys. */
  secrets?: readonly string[] | SecretList;
}

export interface Service {
  app: Express;
  pipeline: RequestPipeline;
  targets: Targets;
  breaker: CircuitBreaker;
  deferred: DeferredStore | null;
  policy: PolicyWatcher;
  /** The targets file and its pools; null without `targetsFile`. */
  site: SiteTargets | null;
  observability: Observability;
  /** The replica-shared state (Redis) or this process's own. */
  state: SharedState;
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
  const cloud = options.upstream === null ? null : new UpstreamBackend(options.upstream, upstreamFetch === null ? {} : { fetch: upstreamFetch.fetch });
  const snapshot = signals !== null ? () => signals.snapshot() : staticSignals(() => local?.health() ?? null);

  // One list for the logger, the decision log and error bodies; a targets edit adds its endpoints' keys to it.
  const secrets = options.secrets instanceof SecretList ? options.secrets : new SecretList(options.secrets ?? []);
  secrets.add([...(options.upstream === null ? [] : [options.upstream.apiKey]), ...(options.security?.apiKeys ?? [])]);
  let site: SiteTargets | null = null;
  // A targets file's own `cloud` pool is the cloud: its endpoints' health is the link, not the shorthand's.
  const connectivity = (): ConnectivityStatus => site?.cloudConnectivity() ?? upstreamHealth.connectivity();

  const scorer = options.scorer ?? (await loadScorer());
  const observability = createObservability({
    sources: {
      signals: snapshot,
      policyStatus: () => ({ ...policy.status, loadedAt: Date.parse(policy.status.loadedAt) }),
      connectivity,
      endpoints: () => site?.endpoints() ?? {},
    },
    secrets,
    ...(options.observability?.logger === undefined ? {} : { logger: options.observability.logger }),
    decisionLog: options.observability?.decisionLog ?? null,
  });
  const log = observability.logger;
  const state = openSharedState(options.redisUrl ?? null, log);
  // Each replica's dashboard shows the group's recent decisions (a no-op without Redis).
  const unshareDecisions = shareDecisions(observability.feed, state.peers);
  const timings = options.replicas ?? {};
  // One replica's breaker verdicts reach the others (per endpoint key), when the replicas share a Redis.
  const shared = state instanceof RedisState ? { board: state.breakers, ...(timings.breakerOpenMs === undefined ? {} : { openMs: timings.breakerOpenMs }) } : undefined;
  const upstreamHealth = new UpstreamHealth({
    key: endpointKey('cloud', options.upstream?.baseURL ?? 'none'),
    link,
    interfacesOnline: () => snapshot().online,
    upstreamConfigured: options.upstream !== null,
    ...(options.breakerThreshold === undefined ? {} : { failureThreshold: options.breakerThreshold }),
    ...(shared === undefined ? {} : { shared }),
  });
  // What starts here (pool probes) and above (metric sampling) must not outlive a failed start.
  let policy: PolicyWatcher;
  try {
    site =
      options.targetsFile === undefined
        ? null
        : new SiteTargets({
            file: options.targetsFile,
            envCloud: options.upstream !== null,
            endpoint: {
              timeoutMs: options.upstream?.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS,
              streamIdleTimeoutMs: options.upstream?.streamIdleTimeoutMs ?? DEFAULT_UPSTREAM_IDLE_TIMEOUT_MS,
              ...(options.breakerThreshold === undefined ? {} : { breakerThreshold: options.breakerThreshold }),
              ...(options.endpointProbe === undefined ? {} : { probe: options.endpointProbe }),
              ...(shared === undefined ? {} : { shared }),
              onBreakerChange: ({ target, url, state, lastFailure }) => {
                if (state === 'open') log.warn({ target, endpoint: url, cause: lastFailure?.cause ?? null, detail: lastFailure?.detail ?? null }, `${target} endpoint ${url} is down: requests skip it until a probe reaches it`);
                else if (state === 'closed') log.info({ target, endpoint: url }, `${target} endpoint ${url} answers again`);
              },
            },
            checkPolicy: (names) => policy.checkTargets(names),
            onReload: (config) => {
              secrets.add(endpointKeys(config));
              targets.reconfigure(backendsOf(), config.fallback);
              agreement?.announce();
              log.info({ targets: config.file, names: site?.names() }, 'targets reloaded');
            },
            onError: (err) => log.error({ targets: options.targetsFile, err: err.message }, 'targets change rejected; the previous targets keep serving'),
          });
    if (site !== null) secrets.add(endpointKeys(site.config));
    policy = new PolicyWatcher(options.policyFile ?? defaultPolicyPath, {
      targetNames: () => site?.names() ?? ['local', 'cloud'],
      thresholdForCloudShare: (share) => scorer.thresholdForCloudShare(share),
      onReload: () => {
        log.info({ policy: policy.status.file }, 'policy reloaded');
        agreement?.announce();
      },
      onError: (err) =>
        log.error({ policy: options.policyFile ?? defaultPolicyPath, err: err.message }, 'policy change rejected; the previous policy keeps serving'),
    });
  } catch (err) {
    upstreamHealth.close();
    await Promise.all([site?.close(), observability.close(), state.close()]);
    throw err;
  }

  // Replicas of one group must route alike: each tells the others what it serves and warns when they differ.
  const agreement: ConfigAgreement | null =
    state instanceof RedisState
      ? watchConfigAgreement(state, () => servedConfig(policy, site), (fields, message) => log.warn(fields, message))
      : null;

  const models = (): KnownModels => {
    const byTarget: Record<string, string | null> = {};
    for (const name of targets.names()) byTarget[name] = targets.defaultModel(name);
    return { ...byTarget, local: targets.defaultModel('local'), cloud: targets.defaultModel('cloud') };
  };
  const measure = (messages: ChatMessage[], maxTokens: number | null, tools?: readonly ToolDefinition[]): PromptMeasure => {
    if (local?.measure === undefined || local.health().state === 'absent') return { promptTokens: estimateTokens(messages), contextWindow: null };
    try {
      return local.measure(messages, maxTokens ?? undefined, tools);
    } catch (err) {
      // Tokenizer not loaded yet (or failed): estimate; the window is unknown, so nothing counts as fitting.
      log.debug({ err: err instanceof Error ? err.message : String(err) }, 'local tokenizer unavailable; prompt tokens estimated');
      return { promptTokens: estimateTokens(messages), contextWindow: null };
    }
  };
  const decider = new RouteDecider({ policy: () => policy.current, scorer, signals: snapshot, measure, models, links: () => site?.links() ?? {}, targets: () => targets.existing() });
  // A targets file's own `cloud` pool replaces the SWITCHYARD_UPSTREAM_URL shorthand (and its breaker, and its link).
  const ownsCloud = site?.ownsCloud === true;
  if (ownsCloud) signals?.useCloudLink(() => site?.links()['cloud'] ?? null);
  const gate = new UpstreamGate(ownsCloud ? new Map() : new Map([['cloud', upstreamHealth.breaker]]));
  const backendsOf = (): Backends => ({ local, cloud: ownsCloud ? null : cloud, ...site?.backends() });
  const targets = new Targets(backendsOf(), (target) => gate.isOpen(target), site?.config.fallback ?? DEFAULT_FALLBACK);
  const dispatcher = new Dispatcher(targets, gate, options.cascadeMinConfidence === undefined ? {} : { cascadeMinConfidence: options.cascadeMinConfidence });

  // Deferred work waits for the cloud: the targets file's own `cloud` pool when it has one, else the shorthand's.
  const upstreamReachable = (): boolean => (ownsCloud ? targets.ready('cloud') !== null : cloud !== null && upstreamHealth.reachable());
  const run = (body: Record<string, unknown>, tags: string[]): Promise<Record<string, unknown>> => runDeferredJob(pipeline, body, tags);
  const journal = (): DeferredQueue =>
    new DeferredQueue({ journalPath: join(options.dataDir ?? '.switchyard', 'deferred.jsonl'), run, isOnline: upstreamReachable });
  const deferred: DeferredStore | null =
    cloud === null && !ownsCloud
      ? null
      : state instanceof RedisState
        ? new RedisDeferredQueue({
            state,
            local: journal(),
            run,
            isOnline: upstreamReachable,
            ...(timings.claimIdleMs === undefined ? {} : { claimIdleMs: timings.claimIdleMs }),
            ...(timings.pollMs === undefined ? {} : { pollMs: timings.pollMs }),
          })
        : journal();
  const pipeline: RequestPipeline = new RequestPipeline({
    decider,
    dispatcher,
    targets,
    deferred: deferred === null ? null : { queue: deferred, upstreamReachable },
    observers: [observability.observer],
  });
  // The breaker leaving `open` means the upstream answers again: run what waited for it.
  upstreamHealth.onChange((state) => {
    if (state !== 'open') deferred?.kick();
  });
  deferred?.start();

  const security =
    options.security === undefined ? null : createSecurity(options.security, { secrets, state });
  const app = createApp({
    pipeline,
    decider,
    targets,
    ...(security === null ? {} : { before: security.before, bodyLimit: security.bodyLimit }),
    chat: {
      scrub: (text) => observability.redactor.text(text),
      captureContent: options.observability?.decisionLog?.includeContent === true,
    },
    health: () => ({
      connectivity: connectivity(),
      state: agreement === null ? state.status() : { ...state.status(), disagreeing: agreement.disagreeing() },
      policy: policy.status,
      deferred: deferred === null ? null : { pending: deferred.pending, skippedOnLoad: deferred.skippedOnLoad },
      ...(site === null ? {} : { targets: { ...site.status, fallback: site.config.fallback, endpoints: site.endpoints() } }),
    }),
    signals,
    deferred,
    routers: [observability.metricsRouter(), observability.dashboardRouter()],
  });

  const listening: Listening[] = [];
  return {
    app,
    pipeline,
    targets,
    breaker: upstreamHealth.breaker,
    deferred,
    policy,
    site,
    observability,
    state,
    connectivity,
    async listen(port, host) {
      const server = await listen(app, { port, host });
      security?.applyTimeouts(server.server);
      listening.push(server);
      return server;
    },
    async close() {
      await Promise.all(listening.map((l) => l.close()));
      upstreamHealth.close();
      policy.close();
      await deferred?.close();
      await observability.close();
      unshareDecisions();
      agreement?.close();
      await state.close();
      await Promise.all([targets.close(), site?.close(), options.scorer === undefined ? scorer.close() : undefined]);
      upstreamFetch?.close();
    },
  };
}

/** What this replica serves, for comparing with the others: the policy as written and the pools without their keys. */
function servedConfig(policy: PolicyWatcher, site: SiteTargets | null): ServedConfig {
  const targets =
    site === null
      ? null
      : { pools: site.config.pools.map((p) => ({ name: p.name, model: p.model, balance: p.balance, urls: p.endpoints.map((e) => e.url) })), fallback: site.config.fallback };
  return { policyFile: policy.status.file, policy: policy.current.source, targets };
}
