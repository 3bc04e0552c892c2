import { Router } from 'express';
import { snapshotJson } from '../../signals/format.js';
import type { SignalHub } from '../../signals/signal-hub.js';

/**
 * GET /v1/signals → the snapshot the router would decide on right now, plus `sources` saying which fields
 * are live, replayed from a trace, or overridden. Mount with `app.use(createSignalsRouter(hub))`.
 */
export function createSignalsRouter(hub: Pick<SignalHub, 'snapshot' | 'sources' | 'measuresLink'>): Router {
  const router = Router();
  router.get('/v1/signals', (_req, res) => {
    res.json(snapshotJson(hub.snapshot(), hub.sources(), hub.measuresLink));
  });
  return router;
}
