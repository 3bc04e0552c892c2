import type { RequestHandler } from 'express';
import type { RouteDecider } from '../../routing/route-decider.js';
import type { RouteRequest } from '../../routing/route-request.js';
import { SignalOverrideSchema } from '../../signals/override.js';
import { ChatRequestSchema } from '../chat-request.js';
import { sendError, validationError } from '../openai-error.js';
import { toRouteRequest } from '../request-context.js';

/** A chat request plus, optionally, `signals`: fields that replace the live readings for this decision only. */
const DryRunSchema = ChatRequestSchema.extend({ signals: SignalOverrideSchema.optional() });

/**
 * POST /v1/route: the decision for a chat request, with its reasons and the signals it used, plus what
 * `switchyard route --json` shows beside it (the score's tier and reasons, the prompt's tokens against the local
 * window); nothing generated.
 */
export function routeDryRun(decider: Pick<RouteDecider, 'explain'>): RequestHandler {
  return async (req, res) => {
    const parsed = DryRunSchema.safeParse(req.body);
    if (!parsed.success) {
      sendError(res, validationError(parsed.error.issues));
      return;
    }
    const { signals, ...request } = parsed.data;
    const routeRequest: RouteRequest = toRouteRequest(request, req.headers);
    if (signals !== undefined) routeRequest.signalOverrides = signals;
    const { decision, input } = await decider.explain(routeRequest);
    res.json({ object: 'switchyard.decision', ...decision, tier: input.score.tier, scoreReasons: input.score.reasons, context: input.context });
  };
}
