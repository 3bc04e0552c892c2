import type { RequestHandler } from 'express';
import type { DeferredJob } from '../../routing/deferred/deferred-queue.js';
import type { DeferredStore } from '../../routing/deferred/deferred-store.js';
import { errorBody } from '../openai-error.js';

/** The public view of a deferred job: its status, then the completion (or the error) once it ran. */
export function deferredBody(job: DeferredJob): Record<string, unknown> {
  return {
    id: job.id,
    object: 'switchyard.deferred',
    status: job.status,
    created_at: Math.floor(job.createdAt / 1000),
    url: `/v1/deferred/${job.id}`,
    ...(job.response === undefined ? {} : { completion: job.response }),
    ...(job.error === undefined ? {} : { error: errorBody(job.error.status, job.error.message).error }),
  };
}

/** `x-switchyard-defer: 1` (or `true`) asks to keep the request for later when the cloud is out of reach. */
export function wantsDefer(header: string | string[] | undefined): boolean {
  const value = String(Array.isArray(header) ? header[0] : (header ?? '')).toLowerCase();
  return value === '1' || value === 'true' || value === 'yes';
}

/** GET /v1/deferred/:id */
export function getDeferred(queue: DeferredStore): RequestHandler {
  return async (req, res) => {
    const job = await queue.lookup(String(req.params['id']));
    if (job === undefined) {
      res.status(404).json(errorBody(404, `No deferred job with id '${String(req.params['id'])}'`, 'id', 'not_found'));
      return;
    }
    res.json(deferredBody(job));
  };
}
