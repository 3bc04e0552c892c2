import { Gauge, type Registry } from 'prom-client';
import type { SignalField, SignalSources } from './compose.js';
import type { SignalSnapshot } from './snapshot.js';

type Read = (s: SignalSnapshot) => number | boolean | null | undefined;

/** Gauge name → help and how to read it off a snapshot; Prometheus base units (bytes, seconds, ratios). */
const GAUGES: Record<string, [help: string, field: SignalField | null, read: Read]> = {
  switchyard_battery_percent: ['Battery state of charge, 0..100 (absent: no battery or unknown).', 'battery', (s) => s.battery?.percent],
  switchyard_battery_charging: ['1 while the battery charges.', 'battery', (s) => s.battery?.charging],
  switchyard_cpu_load_ratio: ['CPU load over the last sampling window, 0..1 across all cores.', 'cpuLoad', (s) => s.cpuLoad],
  switchyard_memory_available_bytes: ['Memory available to new allocations, in bytes.', 'memoryFreeMb', (s) => (s.memoryFreeMb === null ? null : s.memoryFreeMb * 1024 * 1024)],
  switchyard_cpu_temperature_celsius: ['CPU package temperature in °C.', 'thermal', (s) => s.thermal?.cpuTempC],
  switchyard_cpu_throttling: ['1 while the CPU is thermally throttled.', 'thermal', (s) => s.thermal?.throttling],
  switchyard_online: ['1 while the upstream is believed reachable.', 'online', (s) => s.online],
  switchyard_upstream_rtt_seconds: ['Smoothed time to response headers from the upstream, in seconds.', 'rttMs', (s) => (s.rttMs === null ? null : s.rttMs / 1000)],
  switchyard_upstream_bandwidth_bits_per_second: ['Smoothed downstream throughput from the upstream, in bit/s.', 'bandwidthMbps', (s) => (s.bandwidthMbps === null ? null : s.bandwidthMbps * 1e6)],
  switchyard_metered: ['1 on a cellular / tethered link.', 'metered', (s) => s.metered],
  switchyard_local_queue_depth: ['Requests waiting for or running on the local model.', null, (s) => s.local.queueDepth],
  switchyard_local_ready: ['1 when the local model is loaded and ready.', null, (s) => s.local.state === 'ready'],
};

/**
 * Registers one gauge per snapshot field, read at scrape time, labelled with the value's `source`
 * (live / trace / override). An unknown reading exports no sample rather than a made-up 0.
 */
export function registerSignalGauges(registry: Registry, hub: { snapshot(): SignalSnapshot; sources(): SignalSources }): void {
  for (const [name, [help, field, read]] of Object.entries(GAUGES)) {
    new Gauge({
      name,
      help,
      labelNames: ['source'],
      registers: [registry],
      collect() {
        const value = read(hub.snapshot());
        this.reset();
        if (value === null || value === undefined) return;
        this.set({ source: field === null ? 'live' : hub.sources()[field] }, typeof value === 'boolean' ? Number(value) : value);
      },
    });
  }
}
