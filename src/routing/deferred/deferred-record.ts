import type { Usage } from '../../backends/backend.js';
import { classifyError } from '../../backends/errors.js';
import type { Decision } from '../decision.js';
import type { Outcome } from '../dispatch.js';
import type { RequestRecord } from '../request-record.js';

/**
 * The record of a deferred job's run, so metrics, the decision log and the dashboard see its completion (the
 * 202 that accepted it was recorded when it arrived). `outcome` is null when the run failed before an answer.
 */
export function deferredRunRecord(
  id: string,
  requestedModel: string,
  decision: Decision,
  startedAt: number,
  ran: { outcome: Outcome; usage: Usage } | { error: unknown },
): RequestRecord {
  const failed = 'error' in ran ? classifyError(ran.error) : null;
  const outcome = 'outcome' in ran ? ran.outcome : null;
  return {
    id,
    startedAt,
    endpoint: 'chat',
    requestedModel,
    stream: false,
    decision,
    fallback: outcome?.fallback ?? null,
    servedBy: outcome?.servedBy ?? null,
    servedModel: outcome?.model ?? null,
    status: failed?.status ?? 200,
    errorKind: failed?.kind ?? null,
    latencyMs: Date.now() - startedAt,
    ttftMs: null,
    usage: 'usage' in ran ? ran.usage : { promptTokens: undefined, completionTokens: undefined },
    localComputeMs: outcome?.computeMs ?? null,
    apiKeyId: null,
  };
}
