import { join } from 'node:path';
import type { Express } from 'express';
import type { Backend } from './backends/backend.js';
import { createKeepAliveFetch } from './backends/upstream/keep-alive-fetch.js';
import { UpstreamBackend, type UpstreamConfig } from './backends/upstream/upstream-backend.js';
import { CircuitBreaker } from './routing/circuit-breaker.js';
import { connectivityOf, type ConnectivityStatus } from './routing/connectivity.js';
import { DeferredQueue } from './routing/deferred/deferred-queue.js';
import { runDeferred } from './routing/deferred/run-deferred.js';
import type { KnownModels } from './routing/pinning.js';
import { PlaceholderDecider } from './routing/placeholder-decider.js';
import { Router } from './routing/router.js';
import { createApp } from './server/app.js';
import { listen, type Listening } from './server/listen.js';
import { getDeferred } from './server/routes/deferred.js';
import type { SignalHub } from './signals/signal-hub.js';

export interface ServiceOptions {
  upstream: UpstreamConfig | null;
  /** A ready-made local backend (the serve command builds it from --local-model). */
  local?: Backend | null;
  /** Device and link signals; its link monitor is fed by real upstream responses and drives the breaker. */
  signals?: SignalHub | null;
  /** Which fetch the upstream SDK client uses; `keep-alive` (node:http) is the measured-faster default. */
  upstreamFetch?: 'keep-alive' | 'global';
  /** Where durable state (the deferred-work journal) lives. */
  dataDir?: string;
  /** Consecutive upstream failures that open the breaker. */
  breakerThreshold?: number;
  bodyLimit?: string;
}

export interface Service {
  app: Express;
  router: Router;
  breaker: CircuitBreaker;
  deferred: DeferredQueue | null;
  connectivity(): ConnectivityStatus;
  listen(port: number, host: string): Promise<Listening>;
  close(): Promise<void>;
}

/** The composition root: builds backends, the router and the app from options. Nothing here reads argv. */
export function createService(options: ServiceOptions): Service {
  const signals = options.signals ?? null;
  const link = signals?.link ?? null;
  const upstreamFetch =
    options.upstreamFetch === 'global' ? null : createKeepAliveFetch(link === null ? {} : { onResponse: (timing) => link.recordResponse(timing) });
  const cloud =
    options.upstream === null ? null : new UpstreamBackend(options.upstream, upstreamFetch === null ? {} : { fetch: upstreamFetch.fetch });
  const local = options.local ?? null;

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
  const connectivity = (): ConnectivityStatus => connectivityOf(breaker, signals?.snapshot().online ?? true);

  const router: Router = new Router({ local, cloud }, new PlaceholderDecider((): KnownModels => modelsOf(router)), { dispatch: { breaker } });
  const cloudReachable = (): boolean => cloud !== null && connectivity().state !== 'offline';
  const deferred =
    cloud === null
      ? null
      : new DeferredQueue({
          journalPath: join(options.dataDir ?? '.switchyard', 'deferred.jsonl'),
          run: (request) => runDeferred(router, request),
          isOnline: cloudReachable,
        });
  deferred?.start();

  const app = createApp({
    router,
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    chat: { deferred: deferred === null ? undefined : { queue: deferred, cloudReachable } },
    health: () => ({ connectivity: connectivity(), deferred: deferred === null ? null : { pending: deferred.pending } }),
    mount: (a) => {
      if (deferred !== null) a.get('/v1/deferred/:id', getDeferred(deferred));
    },
  });
  const listening: Listening[] = [];
  return {
    app,
    router,
    breaker,
    deferred,
    connectivity,
    async listen(port, host) {
      const server = await listen(app, { port, host });
      listening.push(server);
      return server;
    },
    async close() {
      await Promise.all(listening.map((l) => l.close()));
      unsubscribeLink?.();
      await deferred?.close();
      await Promise.all([local?.close(), cloud?.close()]);
      upstreamFetch?.close();
    },
  };
}

function modelsOf(router: Router): KnownModels {
  const health = router.health();
  return { local: health.local.models[0] ?? null, cloud: health.cloud.models[0] ?? null };
}
