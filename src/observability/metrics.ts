import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestRecord } from '../routing/request-record.js';
import type { RequestAccounting } from './energy.js';
import { registerStatusGauges } from './status-gauges.js';
import type { StatusSources } from './status-sources.js';

/** mWh → J (the Prometheus base unit for energy). */
const JOULES_PER_MWH = 3.6;

/**
 * Every Switchyard series, in its own registry (never prom-client's global one, so two servers in one
 * process do not collide). All names start with `switchyard_`, including Node's default process metrics.
 */
export class SwitchyardMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'endpoint' | 'target' | 'model' | 'rule' | 'fallback' | 'status'>;
  private readonly fallbacks: Counter<'cause' | 'from' | 'to'>;
  private readonly duration: Histogram<'endpoint' | 'target'>;
  private readonly ttft: Histogram<'target'>;
  private readonly score: Histogram;
  private readonly tokens: Counter<'direction' | 'target' | 'model'>;
  private readonly localEnergy: Counter;
  private readonly cloudCost: Counter<'model'>;
  private readonly savedCost: Counter;
  private readonly savedEnergy: Counter;
  readonly decisionLogDropped: Counter;

  constructor(sources: StatusSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'switchyard_' });
    this.requests = new Counter({
      name: 'switchyard_requests_total',
      help: 'Finished requests by served target, concrete model, policy rule, fallback cause ("none") and HTTP status.',
      labelNames: ['endpoint', 'target', 'model', 'rule', 'fallback', 'status'],
      registers,
    });
    this.fallbacks = new Counter({
      name: 'switchyard_fallbacks_total',
      help: 'Answers that came from the other side than decided, by cause.',
      labelNames: ['cause', 'from', 'to'],
      registers,
    });
    this.duration = new Histogram({
      name: 'switchyard_request_duration_seconds',
      help: 'Arrival to last byte.',
      labelNames: ['endpoint', 'target'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.ttft = new Histogram({
      name: 'switchyard_time_to_first_token_seconds',
      help: 'Arrival to first content byte of streamed answers.',
      labelNames: ['target'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers,
    });
    this.score = new Histogram({
      name: 'switchyard_decision_score',
      help: 'Complexity score of routed requests (0 simple .. 1 hard).',
      buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      registers,
    });
    this.tokens = new Counter({
      name: 'switchyard_tokens_total',
      help: 'Tokens reported by the backend; direction "in" = prompt, "out" = completion.',
      labelNames: ['direction', 'target', 'model'],
      registers,
    });
    this.localEnergy = new Counter({
      name: 'switchyard_local_energy_joules_total',
      help: 'Estimated device energy above idle spent on local generation (CPU time × power profile).',
      registers,
    });
    this.cloudCost = new Counter({
      name: 'switchyard_cloud_cost_usd_total',
      help: 'Upstream cost from reported tokens × configured price.',
      labelNames: ['model'],
      registers,
    });
    this.savedCost = new Counter({
      name: 'switchyard_saved_cost_usd_total',
      help: 'Counterfactual: what the cloud would have charged for answers served locally.',
      registers,
    });
    this.savedEnergy = new Counter({
      name: 'switchyard_saved_energy_joules_total',
      help: 'Counterfactual: device energy the cloud answers would have taken locally (measured decode rate).',
      registers,
    });
    this.decisionLogDropped = new Counter({
      name: 'switchyard_decision_log_dropped_total',
      help: 'Decision-log lines lost because the disk was too slow or a write failed.',
      registers,
    });
    registerStatusGauges(this.registry, sources);
  }

  onRequest(record: RequestRecord, accounting: RequestAccounting): void {
    const target = record.servedBy ?? 'none';
    const model = record.servedModel ?? record.decision.model;
    this.requests.inc({
      endpoint: record.endpoint,
      target,
      model,
      rule: record.decision.rule,
      fallback: record.fallback?.cause ?? 'none',
      status: String(record.status),
    });
    if (record.fallback !== null) {
      this.fallbacks.inc({ cause: record.fallback.cause, from: record.fallback.from, to: record.fallback.to });
    }
    this.duration.observe({ endpoint: record.endpoint, target }, record.latencyMs / 1000);
    if (record.ttftMs !== null) this.ttft.observe({ target }, record.ttftMs / 1000);
    if (record.decision.score !== null) this.score.observe(record.decision.score);
    if (record.usage.promptTokens !== undefined) this.tokens.inc({ direction: 'in', target, model }, record.usage.promptTokens);
    if (record.usage.completionTokens !== undefined) this.tokens.inc({ direction: 'out', target, model }, record.usage.completionTokens);
    if (accounting.localEnergyMwh !== null) this.localEnergy.inc(accounting.localEnergyMwh * JOULES_PER_MWH);
    if (accounting.cloudCostUsd !== null) this.cloudCost.inc({ model }, accounting.cloudCostUsd);
    if (accounting.savedCostUsd !== null) this.savedCost.inc(accounting.savedCostUsd);
    if (accounting.savedEnergyMwh !== null) this.savedEnergy.inc(accounting.savedEnergyMwh * JOULES_PER_MWH);
  }
}
