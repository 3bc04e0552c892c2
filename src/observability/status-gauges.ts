import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { EndpointStatus } from '../routing/pool/pool-endpoint.js';
import type { SignalSnapshot } from '../signals/snapshot.js';
import { loadedAtMs } from './status-sources.js';
import type { StatusSources } from './status-sources.js';

const CONNECTIVITY_STATES = ['online', 'degraded', 'offline', 'no-upstream'] as const;
const BREAKER_STATES = ['closed', 'open', 'half-open'] as const;

/** Gauges read at scrape time from the injected sources; an unknown reading exports no sample at all. */
export function registerStatusGauges(registry: Registry, sources: StatusSources): void {
  const registers = [registry];
  // prom-client exports 0 for an unlabelled gauge after reset(); a constant `scope` label lets an unknown
  // reading export no sample at all, which is what "unknown" must look like to PromQL.
  const signal = (name: string, help: string, scope: 'device' | 'link', read: (s: SignalSnapshot) => number | null | undefined): void => {
    new Gauge({
      name,
      help,
      labelNames: ['scope'],
      registers,
      collect() {
        this.reset();
        const snapshot = sources.signals();
        const value = snapshot === null ? null : read(snapshot);
        if (value !== null && value !== undefined) this.set({ scope }, value);
      },
    });
  };
  signal('switchyard_battery_percent', 'Battery state of charge, 0..100 (absent on mains-only devices).', 'device', (s) => s.battery?.percent);
  signal('switchyard_battery_charging', '1 when charging, 0 on battery.', 'device', (s) => (s.battery === null ? null : Number(s.battery.charging)));
  signal('switchyard_cpu_load_ratio', 'CPU load over the last sampling window, 0..1 across all cores.', 'device', (s) => s.cpuLoad);
  signal('switchyard_memory_free_bytes', 'Memory available to new allocations.', 'device', (s) => (s.memoryFreeMb === null ? null : s.memoryFreeMb * 1024 * 1024));
  signal('switchyard_cpu_temperature_celsius', 'CPU package temperature.', 'device', (s) => s.thermal?.cpuTempC);
  signal('switchyard_link_online', '1 when the upstream is believed reachable.', 'link', (s) => Number(s.online));
  signal('switchyard_link_rtt_seconds', 'Smoothed round-trip time to the upstream.', 'link', (s) => (s.rttMs === null ? null : s.rttMs / 1000));
  signal('switchyard_link_bandwidth_bits_per_second', 'Smoothed downstream bandwidth from the upstream.', 'link', (s) => (s.bandwidthMbps === null ? null : s.bandwidthMbps * 1e6));
  signal('switchyard_link_metered', '1 on a metered link.', 'link', (s) => (s.metered === null ? null : Number(s.metered)));
  signal('switchyard_local_queue_depth', 'Requests waiting for or running on the local model.', 'device', (s) => s.local.queueDepth);
  signal('switchyard_local_expected_wait_seconds', 'How long a request arriving now would wait for the local model.', 'device', (s) =>
    s.local.expectedWaitMs === undefined ? null : s.local.expectedWaitMs / 1000,
  );
  signal('switchyard_local_queue_capacity', 'Queue length past which the local model answers 429.', 'device', (s) => s.local.queueCapacity);

  new Gauge({
    name: 'switchyard_connectivity_state',
    help: '1 for the current connectivity state, 0 for the others.',
    labelNames: ['state'],
    registers,
    collect() {
      const { state } = sources.connectivity();
      for (const s of CONNECTIVITY_STATES) this.set({ state: s }, s === state ? 1 : 0);
    },
  });
  new Gauge({
    name: 'switchyard_breaker_state',
    help: '1 for the upstream circuit breaker\'s current state, 0 for the others.',
    labelNames: ['state'],
    registers,
    collect() {
      const { breaker } = sources.connectivity();
      for (const s of BREAKER_STATES) this.set({ state: s }, s === breaker ? 1 : 0);
    },
  });
  registerEndpointGauges(registry, sources);
  new Gauge({
    name: 'switchyard_policy_loaded_timestamp_seconds',
    help: 'When the active policy was last loaded successfully.',
    labelNames: ['file'],
    registers,
    collect() {
      this.reset();
      const status = sources.policyStatus();
      if (status !== null && Number.isFinite(loadedAtMs(status))) this.set({ file: status.file }, loadedAtMs(status) / 1000);
    },
  });
  new Gauge({
    name: 'switchyard_policy_reload_ok',
    help: '1 when the last policy (re)load succeeded, 0 when it failed and the previous policy stayed active.',
    labelNames: ['file'],
    registers,
    collect() {
      this.reset();
      const status = sources.policyStatus();
      if (status !== null) this.set({ file: status.file }, status.lastError === null ? 1 : 0);
    },
  });
}

/**
 * A site's pools, one series per endpoint (`target`, `url`): whether it takes requests, its breaker, requests in
 * flight and probed round trip. Without a targets file there are no samples; a removed endpoint's series go.
 */
function registerEndpointGauges(registry: Registry, sources: StatusSources): void {
  const each = (read: (target: string, endpoint: EndpointStatus) => void): void => {
    for (const [target, endpoints] of Object.entries(sources.endpoints?.() ?? {})) for (const endpoint of endpoints) read(target, endpoint);
  };
  const gauge = (name: string, help: string, value: (endpoint: EndpointStatus) => number | null): void => {
    new Gauge({
      name,
      help,
      labelNames: ['target', 'url'],
      registers: [registry],
      collect() {
        this.reset();
        each((target, endpoint) => {
          const v = value(endpoint);
          if (v !== null) this.set({ target, url: endpoint.url }, v);
        });
      },
    });
  };
  gauge('switchyard_endpoint_up', '1 while a pool endpoint takes requests (breaker not open, not found unreachable), else 0.', (e) =>
    Number(e.breaker !== 'open' && e.reachable !== false),
  );
  gauge('switchyard_endpoint_in_flight', 'Requests a pool endpoint is answering now.', (e) => e.inFlight);
  gauge('switchyard_endpoint_rtt_seconds', "Smoothed round trip of a pool endpoint's probes.", (e) => (e.rttMs === null ? null : e.rttMs / 1000));
  new Gauge({
    name: 'switchyard_endpoint_breaker_state',
    help: "1 for a pool endpoint's breaker's current state, 0 for the others.",
    labelNames: ['target', 'url', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      each((target, endpoint) => {
        for (const s of BREAKER_STATES) this.set({ target, url: endpoint.url, state: s }, s === endpoint.breaker ? 1 : 0);
      });
    },
  });
}
