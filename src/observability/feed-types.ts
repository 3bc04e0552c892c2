import type { Target } from '../routing/decision.js';
import type { RequestAccounting } from './energy.js';
import type { ConnectivityStatus, PolicyStatus } from './status-sources.js';

/** One finished request as the dashboard shows it (no content, reasons already redacted). */
export interface FeedDecision {
  id: string;
  /** ms since the epoch when the request finished. */
  at: number;
  endpoint: 'chat' | 'route';
  decided: Target;
  servedBy: Target | null;
  model: string;
  rule: string;
  score: number | null;
  /** The scorer's task (`coding`, `chat`, …); null when not scored. */
  task: string | null;
  /** The request's language (`en`, `zh`, `und`); null when not scored. */
  language: string | null;
  reasons: string[];
  fallback: { cause: string; from: Target; to: Target } | null;
  status: number;
  latencyMs: number;
  ttftMs: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  accounting: RequestAccounting;
  /** Set when another replica answered it (shared through Redis); absent for this replica's own. */
  replica?: string;
}

/** One periodic reading for the time-series plots; null = unknown at that instant. */
export interface FeedSample {
  at: number;
  batteryPercent: number | null;
  cpuLoad: number | null;
  rttMs: number | null;
  bandwidthMbps: number | null;
  online: boolean | null;
  queueDepth: number | null;
  /** Completion tokens finished during the last interval ÷ interval length, tokens/s. */
  tokensPerSecond: number;
  /** Requests finished during the last interval, by who served them. */
  local: number;
  cloud: number;
  /** Served by a site's pools (`edge` and the like, from `--targets`). */
  pools: number;
  fallbacks: number;
  /** Running totals at this instant (for the savings plot). */
  savedCostUsd: number;
  savedEnergyMwh: number;
}

export interface FeedTotals {
  since: number;
  requests: number;
  local: number;
  cloud: number;
  /** Answers by the target that served them (`local`, `cloud`, and a site's pools such as `edge`). */
  byTarget: Record<string, number>;
  /** Accepted with 202 to run once the upstream is back (their runs are counted again when they finish). */
  deferred: number;
  /** `POST /v1/route`: decided, nothing generated. */
  dryRuns: number;
  failed: number;
  fallbacks: number;
  promptTokens: number;
  completionTokens: number;
  localEnergyMwh: number;
  cloudCostUsd: number;
  savedCostUsd: number;
  savedEnergyMwh: number;
}

export interface FeedState {
  decisions: FeedDecision[];
  samples: FeedSample[];
  totals: FeedTotals;
  policy: PolicyStatus | null;
  connectivity: ConnectivityStatus;
  device: { activeWatts: number; idleWatts: number };
  localTokensPerSecond: number | null;
}

export type FeedEvent =
  | { type: 'decision'; decision: FeedDecision; totals: FeedTotals }
  | { type: 'sample'; sample: FeedSample; policy: PolicyStatus | null; connectivity: ConnectivityStatus; localTokensPerSecond: number | null };
