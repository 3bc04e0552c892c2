import type { Express } from 'express';
import type { Backend } from './backends/backend.js';
import { createKeepAliveFetch } from './backends/upstream/keep-alive-fetch.js';
import { UpstreamBackend, type UpstreamConfig } from './backends/upstream/upstream-backend.js';
import type { KnownModels } from './routing/pinning.js';
import { PlaceholderDecider } from './routing/placeholder-decider.js';
import { Router } from './routing/router.js';
import { createApp } from './server/app.js';
import { listen, type Listening } from './server/listen.js';

export interface ServiceOptions {
  upstream: UpstreamConfig | null;
  /** A ready-made local backend (the serve command builds it from --local-model). */
  local?: Backend | null;
  /** Which fetch the upstream SDK client uses; `keep-alive` (node:http) is the measured-faster default. */
  upstreamFetch?: 'keep-alive' | 'global';
  bodyLimit?: string;
}

export interface Service {
  app: Express;
  router: Router;
  listen(port: number, host: string): Promise<Listening>;
  close(): Promise<void>;
}

/** The composition root: builds backends, the router and the app from options. Nothing here reads argv. */
export function createService(options: ServiceOptions): Service {
  const upstreamFetch = options.upstreamFetch === 'global' ? null : createKeepAliveFetch();
  const cloud =
    options.upstream === null ? null : new UpstreamBackend(options.upstream, upstreamFetch === null ? {} : { fetch: upstreamFetch.fetch });
  const local = options.local ?? null;
  const router: Router = new Router({ local, cloud }, new PlaceholderDecider((): KnownModels => modelsOf(router)));
  const app = createApp({ router, ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }) });
  const listening: Listening[] = [];
  return {
    app,
    router,
    async listen(port, host) {
      const server = await listen(app, { port, host });
      listening.push(server);
      return server;
    },
    async close() {
      await Promise.all(listening.map((l) => l.close()));
      await Promise.all([local?.close(), cloud?.close()]);
      upstreamFetch?.close();
    },
  };
}

function modelsOf(router: Router): KnownModels {
  const health = router.health();
  return { local: health.local.models[0] ?? null, cloud: health.cloud.models[0] ?? null };
}
