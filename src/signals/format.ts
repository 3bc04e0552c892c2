import type { SignalSources } from './compose.js';
import type { SignalSnapshot } from './snapshot.js';

/** A human-readable table of a snapshot: field, value with unit, and where the value came from. */
export function formatSnapshotTable(snapshot: SignalSnapshot, sources: SignalSources, upstreamConfigured = true): string {
  const { battery, thermal, local } = snapshot;
  const rows: [string, string, string][] = [
    ['battery', battery === null ? 'none (mains power)' : `${battery.percent}%${battery.charging ? ', charging' : ''}${battery.timeRemainingMin === null ? '' : `, ${battery.timeRemainingMin} min left`}`, sources.battery],
    ['cpuLoad', snapshot.cpuLoad === null ? 'unknown' : `${(snapshot.cpuLoad * 100).toFixed(1)}% of all cores`, sources.cpuLoad],
    ['memoryFreeMb', snapshot.memoryFreeMb === null ? 'unknown' : `${snapshot.memoryFreeMb} MB available`, sources.memoryFreeMb],
    ['thermal', thermal === null ? 'unknown' : `${thermal.cpuTempC === null ? 'temp unknown' : `${thermal.cpuTempC} °C`}, ${thermal.throttling === null ? 'throttling unknown' : thermal.throttling ? 'throttling' : 'not throttling'}`, sources.thermal],
    // Without an upstream there is no link to measure; `online` then only says a network interface is up.
    ['online', upstreamConfigured ? (snapshot.online ? 'yes' : 'no') : `no upstream configured (network ${snapshot.online ? 'up' : 'down'})`, sources.online],
    ['rttMs', snapshot.rttMs === null ? 'unknown' : `${snapshot.rttMs} ms`, sources.rttMs],
    ['bandwidthMbps', snapshot.bandwidthMbps === null ? 'unknown' : `${snapshot.bandwidthMbps} Mbit/s`, sources.bandwidthMbps],
    ['metered', snapshot.metered === null ? 'unknown' : snapshot.metered ? 'yes' : 'no', sources.metered],
    ['local', `${local.state}, queue ${local.queueDepth}/${local.queueCapacity}`, 'live'],
  ];
  const width = (i: 0 | 1): number => Math.max(...rows.map((row) => row[i].length));
  const lines = rows.map(([field, value, source]) => `${field.padEnd(width(0))}  ${value.padEnd(width(1))}  ${source}`);
  return `${lines.join('\n')}\ntaken at ${new Date(snapshot.takenAt).toISOString()}\n`;
}

/**
 * The JSON shape of `switchyard signals --json` and `GET /v1/signals`: the snapshot, whether an upstream is
 * configured at all (without one, the link fields describe only the device's interfaces), and each field's source.
 */
export function snapshotJson(
  snapshot: SignalSnapshot,
  sources: SignalSources,
  upstreamConfigured: boolean,
): SignalSnapshot & { upstreamConfigured: boolean; sources: SignalSources } {
  return { ...snapshot, upstreamConfigured, sources };
}
