import { SwitchyardError } from '../../backends/errors.js';
import { ChatRequestSchema, toCallOptions } from '../../server/chat-request.js';
import { completionBody } from '../../server/completion-body.js';
import { completionId } from '../../server/ids.js';
import { switchyardInfo } from '../../server/switchyard-info.js';
import type { Decision } from '../decision.js';
import type { Router } from '../router.js';
import { deferredRunRecord } from './deferred-record.js';

/** How long one deferred job may take upstream, in ms. */
const JOB_TIMEOUT_MS = 10 * 60_000;

/** Runs a deferred request on the cloud (never locally: that is why it waited) and returns the completion body. */
export async function runDeferred(router: Router, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const parsed = ChatRequestSchema.safeParse(body);
  if (!parsed.success) throw new SwitchyardError('invalid-request', 'The deferred request is no longer valid');
  const request = parsed.data;
  const cloudModel = router.health().cloud.models[0] ?? 'cloud';
  const model = request.model === 'auto' || request.model === 'cloud' || request.model === 'local' ? cloudModel : request.model;
  const decision: Decision = {
    target: 'cloud',
    model,
    rule: 'deferred',
    reasons: ['deferred while the upstream was unreachable; run once it was back'],
    score: null,
    allowFallback: false,
    cascade: false,
    maxTokensCap: null,
    signals: null,
  };
  const options = toCallOptions({ ...request, stream: false }, model, AbortSignal.timeout(JOB_TIMEOUT_MS));
  const id = completionId();
  const startedAt = Date.now();
  try {
    const { result, outcome } = await router.dispatcher.generate(decision, options);
    router.record(deferredRunRecord(id, request.model, decision, startedAt, { outcome, usage: result.usage }));
    return completionBody(id, Math.floor(Date.now() / 1000), result, switchyardInfo(decision, outcome));
  } catch (error) {
    router.record(deferredRunRecord(id, request.model, decision, startedAt, { error }));
    throw error;
  }
}
