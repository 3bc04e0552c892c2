import express, { type Express, type RequestHandler, type Router } from 'express';
import type { DeferredStore } from '../routing/deferred/deferred-store.js';
import type { RequestPipeline } from '../routing/handle-request.js';
import type { RouteDecider } from '../routing/route-decider.js';
import type { Targets } from '../routing/targets.js';
import type { SignalHub } from '../signals/signal-hub.js';
import { errorBody, errorHandler, notFoundHandler } from './openai-error.js';
import { type ChatRouteOptions, chatCompletions } from './routes/chat-completions.js';
import { getDeferred } from './routes/deferred.js';
import { healthz } from './routes/healthz.js';
import { listModels, retrieveModel } from './routes/models.js';
import { routeDryRun } from './routes/route-dry-run.js';
import { createSignalsRouter } from './routes/signals.js';

export interface AppOptions {
  pipeline: RequestPipeline;
  /** POST /v1/route asks the decider alone: a dry run is not a request the pipeline records. */
  decider: Pick<RouteDecider, 'explain'>;
  targets: Targets;
  chat?: ChatRouteOptions;
  /** Largest accepted request body (express/bytes syntax, e.g. `4mb`). */
  bodyLimit?: string;
  /** Extra sections for /healthz. */
  health?: () => Record<string, unknown>;
  /** Runs before the API routes (auth, rate limits). */
  before?: RequestHandler[];
  /** GET /v1/signals, when the service reads signals. */
  signals?: Pick<SignalHub, 'snapshot' | 'sources' | 'measuresLink'> | null;
  /** GET /v1/deferred/:id, when store-and-forward is on. */
  deferred?: DeferredStore | null;
  /** Routers served after the API (metrics, dashboard). */
  routers?: Router[];
}

/** The express app: every route in one place, and OpenAI-shaped errors for everything else. */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/healthz', healthz(options.targets, options.health));
  for (const handler of options.before ?? []) app.use(handler);
  app.use(express.json({ limit: options.bodyLimit ?? '4mb' }));
  app.post('/v1/chat/completions', requireJson, chatCompletions(options.pipeline, options.chat));
  app.get('/v1/models', listModels(options.targets));
  app.get('/v1/models/*id', retrieveModel(options.targets));
  app.post('/v1/route', routeDryRun(options.decider));
  if (options.signals) app.use(createSignalsRouter(options.signals));
  if (options.deferred) app.get('/v1/deferred/:id', getDeferred(options.deferred));
  for (const router of options.routers ?? []) app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

/** express.json() leaves the body undefined for other content types; say so instead of "expected object". */
const requireJson: RequestHandler = (req, res, next) => {
  if (req.body === undefined) {
    res.status(400).json(errorBody(400, 'The request body must be JSON, sent with Content-Type: application/json.', null, 'invalid_content_type'));
    return;
  }
  next();
};
