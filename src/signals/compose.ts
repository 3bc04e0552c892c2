import { layerOverrides } from './layer.js';
import type { SignalOverride } from './override.js';
import type { Battery, LocalModelSignal, SignalSnapshot, Thermal } from './snapshot.js';

/** The fields a reading can come from; `local` and `takenAt` always come from the process itself. */
export const SIGNAL_FIELDS = ['battery', 'cpuLoad', 'memoryFreeMb', 'thermal', 'online', 'rttMs', 'bandwidthMbps', 'metered'] as const;
export type SignalField = (typeof SIGNAL_FIELDS)[number];
/** Where a field's value came from: measured here, a replayed device trace, or the override file. */
export type SignalSource = 'live' | 'trace' | 'override';
export type SignalSources = Record<SignalField, SignalSource>;

/** What the readers and the link monitor measured, before any trace or override. */
export type LiveReadings = Omit<SignalSnapshot, 'local' | 'takenAt'>;

export interface Composed {
  snapshot: SignalSnapshot;
  sources: SignalSources;
}

/** Layers override over trace over live readings. Pure; the result is frozen so no reader can mutate it. */
export function compose(
  live: LiveReadings,
  trace: SignalOverride,
  override: SignalOverride,
  local: LocalModelSignal,
  takenAt: number,
): Composed {
  const top = layerOverrides(trace, override);
  const sources = {} as SignalSources;
  for (const field of SIGNAL_FIELDS) {
    sources[field] = override[field] !== undefined ? 'override' : trace[field] !== undefined ? 'trace' : 'live';
  }
  const snapshot: SignalSnapshot = {
    battery: top.battery === undefined ? live.battery : batteryFrom(top.battery, live.battery),
    cpuLoad: top.cpuLoad === undefined ? live.cpuLoad : top.cpuLoad,
    memoryFreeMb: top.memoryFreeMb === undefined ? live.memoryFreeMb : top.memoryFreeMb,
    thermal: top.thermal === undefined ? live.thermal : thermalFrom(top.thermal, live.thermal),
    online: top.online ?? live.online,
    rttMs: top.rttMs === undefined ? live.rttMs : top.rttMs,
    bandwidthMbps: top.bandwidthMbps === undefined ? live.bandwidthMbps : top.bandwidthMbps,
    metered: top.metered === undefined ? live.metered : top.metered,
    local,
    takenAt,
  };
  return { snapshot: deepFreeze(snapshot), sources: Object.freeze(sources) };
}

function batteryFrom(given: NonNullable<SignalOverride['battery']> | null, live: Battery | null): Battery | null {
  if (given === null) return null;
  return {
    percent: given.percent,
    charging: given.charging ?? live?.charging ?? false,
    timeRemainingMin: given.timeRemainingMin ?? null,
  };
}

function thermalFrom(given: NonNullable<SignalOverride['thermal']> | null, live: Thermal | null): Thermal | null {
  if (given === null) return null;
  return {
    cpuTempC: given.cpuTempC !== undefined ? given.cpuTempC : (live?.cpuTempC ?? null),
    throttling: given.throttling !== undefined ? given.throttling : (live?.throttling ?? null),
  };
}

function deepFreeze(snapshot: SignalSnapshot): SignalSnapshot {
  if (snapshot.battery !== null) Object.freeze(snapshot.battery);
  if (snapshot.thermal !== null) Object.freeze(snapshot.thermal);
  Object.freeze(snapshot.local);
  return Object.freeze(snapshot);
}

/** Same readings, ignoring when they were taken (so an unchanged re-sample does not count as a change). */
export function sameReadings(a: SignalSnapshot, b: SignalSnapshot): boolean {
  return (
    sameBattery(a.battery, b.battery) &&
    a.cpuLoad === b.cpuLoad &&
    a.memoryFreeMb === b.memoryFreeMb &&
    a.thermal?.cpuTempC === b.thermal?.cpuTempC &&
    a.thermal?.throttling === b.thermal?.throttling &&
    (a.thermal === null) === (b.thermal === null) &&
    a.online === b.online &&
    a.rttMs === b.rttMs &&
    a.bandwidthMbps === b.bandwidthMbps &&
    a.metered === b.metered &&
    sameLocal(a.local, b.local)
  );
}

export function sameLocal(a: LocalModelSignal, b: LocalModelSignal): boolean {
  return a.state === b.state && a.queueDepth === b.queueDepth && a.queueCapacity === b.queueCapacity && a.expectedWaitMs === b.expectedWaitMs;
}

function sameBattery(a: Battery | null, b: Battery | null): boolean {
  if (a === null || b === null) return a === b;
  return a.percent === b.percent && a.charging === b.charging && a.timeRemainingMin === b.timeRemainingMin;
}
