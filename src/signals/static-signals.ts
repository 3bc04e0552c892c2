import type { BackendHealth } from '../backends/backend.js';
import type { LocalModelSignal, SignalSnapshot } from './snapshot.js';

/** The local model's part of a snapshot, from its backend's health. */
export function localSignalOf(health: BackendHealth | null): LocalModelSignal {
  return {
    state: health?.state ?? 'absent',
    queueDepth: health?.queueDepth ?? 0,
    queueCapacity: health?.queueCapacity ?? 0,
    ...(health?.expectedWaitMs === undefined ? {} : { expectedWaitMs: health.expectedWaitMs }),
  };
}

/**
 * Signals when no hub runs (embedding, tests): nothing about the device is known, the link is assumed up, and
 * the local model's state is read from its backend.
 */
export function staticSignals(localHealth: () => BackendHealth | null): () => SignalSnapshot {
  const takenAt = Date.now();
  return () => {
    return {
      battery: null,
      cpuLoad: null,
      memoryFreeMb: null,
      thermal: null,
      online: true,
      rttMs: null,
      bandwidthMbps: null,
      metered: null,
      local: localSignalOf(localHealth()),
      takenAt,
    };
  };
}
