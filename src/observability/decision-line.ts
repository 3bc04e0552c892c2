import type { RequestRecord } from '../routing/request-record.js';
import type { RequestAccounting } from './energy.js';
import type { Redactor } from './redact.js';

/**
 * Message content a caller may attach to a record when content logging is explicitly enabled.
 * Not part of the RequestRecord contract: records never carry it unless the server opts in.
 */
export interface RecordContent {
  messages: Array<{ role: string; content: string }>;
  output: string | null;
}
export type RecordWithContent = RequestRecord & { content?: RecordContent };

/** One decision-log line (schema version 1). Field names are stable: operators grep and jq them. */
export function toDecisionLine(
  record: RecordWithContent,
  accounting: RequestAccounting,
  redactor: Redactor,
  includeContent: boolean,
): Record<string, unknown> {
  const { decision } = record;
  const line: Record<string, unknown> = {
    v: 1,
    ts: new Date(record.startedAt).toISOString(),
    id: record.id,
    endpoint: record.endpoint,
    requestedModel: record.requestedModel,
    stream: record.stream,
    decision: {
      target: decision.target,
      model: decision.model,
      rule: decision.rule,
      score: decision.score,
      task: decision.task,
      language: decision.language,
      reasons: decision.reasons.map((r) => redactor.text(r)),
      allowFallback: decision.allowFallback,
      cascade: decision.cascade,
      maxTokensCap: decision.maxTokensCap,
    },
    signals: decision.signals,
    fallback: record.fallback === null ? null : { ...record.fallback, detail: redactor.text(record.fallback.detail) },
    servedBy: record.servedBy,
    servedModel: record.servedModel,
    status: record.status,
    errorKind: record.errorKind,
    latencyMs: record.latencyMs,
    ttftMs: record.ttftMs,
    tokens: { prompt: record.usage.promptTokens ?? null, completion: record.usage.completionTokens ?? null },
    localComputeMs: record.localComputeMs,
    apiKeyId: record.apiKeyId,
    energy: accounting,
  };
  if (includeContent && record.content !== undefined) line.content = redactor.value(record.content);
  return line;
}
