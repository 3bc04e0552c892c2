import { z } from 'zod';

/**
 * One reading of the device and the link, as the router sees it at decision time.
 * `null` always means "unknown here" (no battery = mains power is `battery: null`); never a guessed value.
 */
export const BatterySchema = z.object({
  /** State of charge, 0..100. */
  percent: z.number().min(0).max(100),
  charging: z.boolean(),
  /** Estimated minutes left on battery; null when charging or unknown. */
  timeRemainingMin: z.number().nullable().default(null),
});

export const ThermalSchema = z.object({
  /** Main CPU package temperature in °C; null when the OS does not expose it. */
  cpuTempC: z.number().nullable().default(null),
  /** Whether the CPU is being thermally throttled; null when unknowable. */
  throttling: z.boolean().nullable().default(null),
});

export const LocalModelSignalSchema = z.object({
  state: z.enum(['absent', 'loading', 'ready', 'failed']),
  /** Requests waiting for or running on the local model. */
  queueDepth: z.number().int().min(0),
  /** How many may wait before the local model answers 429. */
  queueCapacity: z.number().int().min(0),
  /**
   * How long a request arriving now would wait for the local model, in ms (work ahead ÷ measured tokens/s).
   * Absent when unknown (no local model loaded).
   */
  expectedWaitMs: z.number().min(0).optional(),
});

export const SignalSnapshotSchema = z.object({
  battery: BatterySchema.nullable(),
  /** CPU load over the last sampling window, 0..1 across all cores; null when unknown. */
  cpuLoad: z.number().min(0).max(1).nullable(),
  /** Memory available to new allocations, in MB; null when unknown. */
  memoryFreeMb: z.number().min(0).nullable(),
  thermal: ThermalSchema.nullable(),
  /** Whether the upstream is believed reachable. */
  online: z.boolean(),
  /** Round-trip time to the upstream host in ms (smoothed); null before any measurement. */
  rttMs: z.number().min(0).nullable(),
  /** Downstream bandwidth from the upstream in Mbit/s (smoothed); null before any measurement. */
  bandwidthMbps: z.number().min(0).nullable(),
  /** Cellular / hotspot / metered link; null when unknowable. */
  metered: z.boolean().nullable(),
  local: LocalModelSignalSchema,
  /** When this snapshot was assembled, ms since the epoch. */
  takenAt: z.number(),
});

export type Battery = z.infer<typeof BatterySchema>;
export type Thermal = z.infer<typeof ThermalSchema>;
export type LocalModelSignal = z.infer<typeof LocalModelSignalSchema>;
export type SignalSnapshot = z.infer<typeof SignalSnapshotSchema>;
