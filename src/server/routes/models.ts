import type { RequestHandler } from 'express';
import type { Targets } from '../../routing/targets.js';
import { errorBody } from '../openai-error.js';

/** GET /v1/models: the routing aliases (`auto` and every target name), then the concrete models behind them. */
export function listModels(targets: Targets): RequestHandler {
  return (_req, res) => void res.json({ object: 'list', data: modelEntries(targets) });
}

/** GET /v1/models/{id} (the SDKs' `models.retrieve`): one entry of the list, or OpenAI's 404 `model_not_found`. */
export function retrieveModel(targets: Targets): RequestHandler {
  return (req, res) => {
    // `*id` matches ids with slashes too (`HuggingFaceTB/SmolLM2-135M-Instruct`), as segments.
    const segments = (req.params as { id?: string | string[] }).id ?? [];
    const id = Array.isArray(segments) ? segments.join('/') : segments;
    const entry = modelEntries(targets).find((m) => m['id'] === id);
    if (entry !== undefined) return void res.json(entry);
    res.status(404).json(errorBody(404, `The model '${id}' does not exist`, 'model', 'model_not_found', 'invalid_request_error'));
  };
}

/** The list's entries: aliases first (`auto`, then each target that can answer), then their concrete models. */
function modelEntries(targets: Targets): Array<Record<string, unknown>> {
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
  return data;
}
