import type { RequestRecord } from '../routing/request-record.js';
import type { RequestAccounting } from './energy.js';
import type { FeedDecision } from './feed-types.js';
import type { Redactor } from './redact.js';

/** The dashboard's view of a finished request: no content, no key id, reasons scrubbed. */
export function toFeedDecision(record: RequestRecord, accounting: RequestAccounting, redactor: Redactor, at: number): FeedDecision {
  const { decision, fallback, usage } = record;
  return {
    id: record.id,
    at,
    endpoint: record.endpoint,
    decided: decision.target,
    servedBy: record.servedBy,
    model: record.servedModel ?? decision.model,
    rule: decision.rule,
    score: decision.score,
    task: decision.task,
    language: decision.language,
    reasons: decision.reasons.slice(0, 4).map((r) => redactor.text(r)),
    fallback: fallback === null ? null : { cause: fallback.cause, from: fallback.from, to: fallback.to },
    status: record.status,
    latencyMs: record.latencyMs,
    ttftMs: record.ttftMs,
    promptTokens: usage.promptTokens ?? null,
    completionTokens: usage.completionTokens ?? null,
    accounting,
  };
}
