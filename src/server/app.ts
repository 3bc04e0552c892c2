import express, { type Express, type RequestHandler } from 'express';
import type { Router } from '../routing/router.js';
import { errorBody, errorHandler, notFoundHandler } from './openai-error.js';
import { chatCompletions, type ChatRouteOptions } from './routes/chat-completions.js';
import { healthz } from './routes/healthz.js';
import { listModels } from './routes/models.js';

export interface AppOptions {
  router: Router;
  chat?: ChatRouteOptions;
  /** Largest accepted request body (express/bytes syntax, e.g. `4mb`). */
  bodyLimit?: string;
  /** Extra sections for /healthz. */
  health?: () => Record<string, unknown>;
  /** Runs before the API routes (auth, rate limits). */
  before?: RequestHandler[];
  /** Mounts further routes (signals, dry run, metrics, dashboard) before the 404 handler. */
  mount?: (app: Express) => void;
}

/** The express app: OpenAI-compatible routes, and OpenAI-shaped errors for everything else. */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/healthz', healthz(options.router, options.health));
  for (const handler of options.before ?? []) app.use(handler);
  app.use(express.json({ limit: options.bodyLimit ?? '4mb' }));
  app.post('/v1/chat/completions', requireJson, chatCompletions(options.router, options.chat));
  app.get('/v1/models', listModels(options.router));
  options.mount?.(app);
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
