import type { RequestHandler } from 'express';
import type { Targets } from '../../routing/targets.js';

/** GET /v1/models: the routing aliases (`auto` and every target name), then the concrete models behind them. */
export function listModels(targets: Targets): RequestHandler {
  return (_req, res) => {
    const health = targets.health();
    const entry = (id: string, owner: string): Record<string, unknown> => ({ id, object: 'model', created: 0, owned_by: owner });
    // Only aliases something can answer: `cloud` needs an upstream, `local` a local model, a pool its file.
    const names = targets.names().filter((name) => health[name]?.state !== 'absent');
    const data = [entry('auto', 'switchyard'), ...names.map((name) => entry(name, 'switchyard'))];
    // A local model says what it honours (tools, JSON Schema), so clients can tell before they ask.
    const capabilities = health.local.capabilities === undefined ? {} : { capabilities: health.local.capabilities };
    for (const id of health.local.models) data.push({ ...entry(id, 'switchyard-local'), ...capabilities });
    for (const name of names) {
      if (name === 'local') continue;
      // The cloud's models have always been listed as `upstream`; a pool's are owned by its target name.
      for (const id of health[name]?.models ?? []) data.push(entry(id, name === 'cloud' ? 'upstream' : name));
    }
    res.json({ object: 'list', data });
  };
}
