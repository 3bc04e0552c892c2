import type { RequestHandler } from 'express';
import { packageVersion } from '../../paths.js';
import type { Targets } from '../../routing/targets.js';

/**
 * GET /healthz: always answers (before the local model has loaded too), with each backend's state and any
 * extra sections the service adds (policy reload status, connectivity).
 */
export function healthz(targets: Targets, extras: () => Record<string, unknown> = () => ({})): RequestHandler {
  const started = Date.now();
  return (_req, res) => {
    const backends = targets.health();
    const usable = Object.values(backends).some((backend) => backend.state === 'ready');
    res.json({
      status: usable ? 'ok' : 'degraded',
      version: packageVersion,
      uptimeS: Math.round((Date.now() - started) / 1000),
      backends,
      ...extras(),
    });
  };
}
