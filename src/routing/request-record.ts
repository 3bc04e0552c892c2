import type { Usage } from '../backends/backend.js';
import type { Decision, Fallback, Target } from './decision.js';

/**
 * One finished request, as the router saw it. Emitted once per chat completion (and per dry run) to every
 * observer: metrics, the decision log, energy/cost accounting and the dashboard all read this one value.
 * It holds no message content; only when content logging is switched on does the chat route attach some
 * (observability's RecordWithContent), for the decision log alone.
 */
export interface RequestRecord {
  id: string;
  /** ms since the epoch when the request arrived. */
  startedAt: number;
  endpoint: 'chat' | 'route';
  /** The `model` field the client sent (`auto`, `local`, `cloud` or a concrete id). */
  requestedModel: string;
  stream: boolean;
  decision: Decision;
  fallback: Fallback | null;
  /** Who produced the answer (after any fallback); null when nothing was generated. */
  servedBy: Target | null;
  /** The concrete model that answered; null when nothing was generated. */
  servedModel: string | null;
  /** HTTP status sent to the client. */
  status: number;
  /** Error kind when the request failed (see backends/errors.ts). */
  errorKind: string | null;
  /** Arrival to last byte, in ms. */
  latencyMs: number;
  /** Arrival to first content byte, in ms; null for non-stream or failed requests. */
  ttftMs: number | null;
  usage: Usage;
  /** Local generation only: wall time the model spent computing, in ms (for energy estimates). */
  localComputeMs: number | null;
  /** The id (not the secret) of the client API key, when keys are configured. */
  apiKeyId: string | null;
}

export interface RequestObserver {
  onRequest(record: RequestRecord): void;
}
