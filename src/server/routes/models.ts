import type { RequestHandler } from 'express';
import type { Targets } from '../../routing/targets.js';

/** GET /v1/models: the routing aliases, then the concrete models behind them. */
export function listModels(targets: Targets): RequestHandler {
  return (_req, res) => {
    const health = targets.health();
    const entry = (id: string, owner: string): Record<string, unknown> => ({ id, object: 'model', created: 0, owned_by: owner });
    // Only aliases something can answer: `cloud` needs an upstream, `local` a local model.
    const data = [entry('auto', 'switchyard')];
    if (health.local.state !== 'absent') data.push(entry('local', 'switchyard'));
    if (health.cloud.state !== 'absent') data.push(entry('cloud', 'switchyard'));
    // A local model says what it honours (tools, JSON Schema), so clients can tell before they ask.
    const capabilities = health.local.capabilities === undefined ? {} : { capabilities: health.local.capabilities };
    for (const id of health.local.models) data.push({ ...entry(id, 'switchyard-local'), ...capabilities });
    for (const id of health.cloud.models) data.push(entry(id, 'upstream'));
    res.json({ object: 'list', data });
  };
}
