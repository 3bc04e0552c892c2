/**
 * The link to one upstream target, from the probes and responses of its endpoints: a pool is online while any
 * endpoint answers; RTT and bandwidth are the best endpoint's (the pool sends work to its healthy members).
 */
export interface TargetLink {
  online: boolean;
  /** Smoothed time to response headers of the fastest reachable endpoint, in ms; null before any measurement. */
  rttMs: number | null;
  /** Smoothed downstream throughput of the best endpoint, in Mbit/s; null before any measurement. */
  bandwidthMbps: number | null;
}
