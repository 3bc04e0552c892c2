import { Router } from 'express';
import type { Response } from 'express';
import { loadDashboardAssets } from '../dashboard/assets.js';
import type { EventFeed } from '../../observability/event-feed.js';
import type { FeedEvent } from '../../observability/feed-types.js';

export interface DashboardRouterOptions {
  feed: EventFeed;
  /** Concurrent live-update connections; more get 503 so idle tabs cannot pile up. Default 32. */
  maxClients?: number;
  /** Comment line sent this often so proxies keep idle streams open, in ms. Default 15000. */
  heartbeatMs?: number;
  /** A client whose socket buffer holds more than this many bytes is too slow and gets cut off. Default 1 MiB. */
  maxBufferedBytes?: number;
}

/**
 * `GET /dashboard` (page), `/dashboard/<asset>`, `/dashboard/state` (JSON) and `/dashboard/events` (SSE).
 * Mount with `app.use(createDashboardRouter({ feed }))` behind the same auth as the API.
 */
export function createDashboardRouter(options: DashboardRouterOptions): Router {
  const { feed } = options;
  const assets = loadDashboardAssets();
  const maxClients = options.maxClients ?? 32;
  const router = Router();

  router.get('/dashboard/state', (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.json(feed.state());
  });

  router.get('/dashboard/events', (req, res) => {
    if (feed.listenerCount >= maxClients) {
      res.status(503).json({ error: { message: 'Too many dashboard connections', type: 'server_error', param: null, code: 'too_many_connections' } });
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(sse('state', feed.state()));
    const unsubscribe = feed.subscribe((event) => send(res, event, options.maxBufferedBytes ?? 1024 * 1024));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), options.heartbeatMs ?? 15_000);
    const end = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
    };
    req.on('close', end);
    res.on('close', end);
  });

  router.get(['/dashboard', '/dashboard/', '/dashboard/*asset'], (req, res, next) => {
    const path = req.path.replace(/^\/dashboard\/?/, '');
    const asset = assets.get(path);
    if (asset === undefined) {
      next();
      return;
    }
    res.setHeader('content-type', asset.contentType);
    res.setHeader('cache-control', path.startsWith('vendor/') ? 'public, max-age=86400' : 'no-cache');
    res.setHeader('x-content-type-options', 'nosniff');
    // Everything the page needs is served from here: no inline script, no third-party origin.
    res.setHeader('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'");
    res.send(asset.body);
  });
  return router;
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function send(res: Response, event: FeedEvent, maxBufferedBytes: number): void {
  if (res.writableLength > maxBufferedBytes) {
    res.destroy();
    return;
  }
  res.write(sse(event.type, event));
}
