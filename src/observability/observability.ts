import type { Logger } from 'pino';
import type { Router } from 'express';
import type { RequestObserver } from '../routing/request-record.js';
import { createDashboardRouter } from '../server/routes/dashboard.js';
import { createMetricsRouter } from '../server/routes/metrics.js';
import { DecisionLog } from './decision-log.js';
import type { RecordWithContent } from './decision-line.js';
import { toDecisionLine } from './decision-line.js';
import { loadEnergyConfig } from './energy-config.js';
import type { EnergyConfig } from './energy-config.js';
import { EnergyAccountant } from './energy.js';
import { EventFeed } from './event-feed.js';
import { toFeedDecision } from './feed-decision.js';
import { createLogger } from './logger.js';
import { SwitchyardMetrics } from './metrics.js';
import { Redactor, type SecretList } from './redact.js';
import { defaultConnectivity } from './status-sources.js';
import type { StatusSources } from './status-sources.js';

export interface ObservabilityOptions {
  /** Live state sampled for gauges and plots; connectivity defaults to online/closed until failover wires it. */
  sources: Pick<StatusSources, 'signals' | 'policyStatus'> & Partial<Pick<StatusSources, 'connectivity' | 'endpoints'>>;
  /** Energy/cost model; default `loadEnergyConfig(process.env)`. */
  energy?: EnergyConfig;
  /** Values never to appear in logs (upstream key, client keys). */
  secrets?: string[] | SecretList;
  logger?: Logger;
  /** JSONL decision log; omit or null to disable. */
  decisionLog?: { file: string; maxBytes?: number; maxFiles?: number; includeContent?: boolean } | null;
  now?: () => number;
  /** Signal sampling period for the dashboard plots, in ms. Default 1000. */
  sampleIntervalMs?: number;
}

export interface Observability {
  /** Pass to the router: one call per finished request. Never throws into the request path. */
  observer: RequestObserver;
  metrics: SwitchyardMetrics;
  feed: EventFeed;
  accountant: EnergyAccountant;
  logger: Logger;
  redactor: Redactor;
  /** `GET /metrics`. */
  metricsRouter(): Router;
  /** `GET /dashboard`, `/dashboard/events`, `/dashboard/state`, assets. */
  dashboardRouter(): Router;
  /** Stops sampling and flushes the decision log. */
  close(): Promise<void>;
}

/** Metrics, decision log, energy/cost accounting and the dashboard feed behind one RequestObserver. */
export function createObservability(options: ObservabilityOptions): Observability {
  const sources: StatusSources = { connectivity: defaultConnectivity, ...options.sources };
  const energy = options.energy ?? loadEnergyConfig(process.env);
  const redactor = new Redactor(options.secrets ?? []);
  const logger = options.logger ?? createLogger({ secrets: options.secrets ?? [] });
  const accountant = new EnergyAccountant(energy);
  const metrics = new SwitchyardMetrics(sources);
  const logOptions = options.decisionLog ?? null;
  const decisionLog =
    logOptions === null
      ? null
      : new DecisionLog({
          file: logOptions.file,
          ...(logOptions.maxBytes === undefined ? {} : { maxBytes: logOptions.maxBytes }),
          ...(logOptions.maxFiles === undefined ? {} : { maxFiles: logOptions.maxFiles }),
          onError: (err) => {
            metrics.decisionLogDropped.inc();
            logger.warn({ err }, 'decision log write failed');
          },
        });
  const feed = new EventFeed({
    sources,
    device: energy.device,
    localTokensPerSecond: () => accountant.localTokensPerSecond,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.sampleIntervalMs === undefined ? {} : { sampleIntervalMs: options.sampleIntervalMs }),
  });
  feed.start();
  const now = options.now ?? Date.now;

  const observer: RequestObserver = {
    onRequest(record: RecordWithContent) {
      try {
        const accounting = accountant.account(record);
        metrics.onRequest(record, accounting);
        decisionLog?.write(toDecisionLine(record, accounting, redactor, logOptions?.includeContent === true));
        feed.record(toFeedDecision(record, accounting, redactor, now()));
      } catch (err) {
        // An observer bug must not fail a request that was already answered; it must still be visible.
        logger.error({ err, requestId: record.id }, 'observability failed to record a request');
      }
    },
  };

  return {
    observer,
    metrics,
    feed,
    accountant,
    logger,
    redactor,
    metricsRouter: () => createMetricsRouter(metrics.registry),
    dashboardRouter: () => createDashboardRouter({ feed }),
    async close() {
      feed.stop();
      await decisionLog?.flush();
    },
  };
}
