import type { SignalSnapshot } from '../../signals/snapshot.js';

/**
 * The neutral device a test case starts from, so each case only states what matters to it: mains power,
 * online on a fast unmetered link, CPU at 20%, 8 GB free, cool, local model ready with an empty queue.
 */
export const NEUTRAL_SIGNALS: SignalSnapshot = {
  battery: null,
  cpuLoad: 0.2,
  memoryFreeMb: 8192,
  thermal: { cpuTempC: 50, throttling: false },
  online: true,
  rttMs: 50,
  bandwidthMbps: 50,
  metered: false,
  local: { state: 'ready', queueDepth: 0, queueCapacity: 8 },
  takenAt: 0,
};

/** A battery stated only in part (e.g. `{ percent: 10 }`) fills the rest from here: full and not charging. */
export const NEUTRAL_BATTERY = { percent: 100, charging: false, timeRemainingMin: null } as const;

/** The local context window a case assumes unless it sets `contextWindow`, in tokens. */
export const NEUTRAL_CONTEXT_WINDOW = 4096;

/** Model ids a case's decision names when neither the policy nor the case overrides them. */
export const NEUTRAL_MODELS = { local: 'local-model', cloud: 'cloud-model' } as const;

/** Tier for a bare pinned score (`score: 0.8`): the server's own tiers (the bundled scorer's cut points). */
export { bundledTierOf as tierOf } from '../../scoring/bundled-tier.js';
