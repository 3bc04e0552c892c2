import { Router } from 'express';
import type { Registry } from 'prom-client';

/** `GET /metrics` in Prometheus text format. Mount with `app.use(createMetricsRouter(registry))`, behind auth. */
export function createMetricsRouter(registry: Registry): Router {
  const router = Router();
  router.get('/metrics', async (_req, res, next) => {
    try {
      const body = await registry.metrics();
      res.setHeader('content-type', registry.contentType);
      res.setHeader('cache-control', 'no-store');
      res.send(body);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
