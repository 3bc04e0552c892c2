import type { Decision } from '../src/routing/decision.js';
import type { RequestRecord } from '../src/routing/request-record.js';
import type { SignalSnapshot } from '../src/signals/snapshot.js';

/** Shared fixtures for the ops/dashboard/security tests: a plausible snapshot and finished requests. */
export function snapshot(overrides: Partial<SignalSnapshot> = {}): SignalSnapshot {
  return {
    battery: { percent: 64, charging: false, timeRemainingMin: 180 },
    cpuLoad: 0.35,
    memoryFreeMb: 2048,
    thermal: { cpuTempC: 55, throttling: false },
    online: true,
    rttMs: 42,
    bandwidthMbps: 25,
    metered: false,
    local: { state: 'ready', queueDepth: 1, queueCapacity: 8 },
    takenAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function decision(overrides: Partial<Decision> = {}): Decision {
  return {
    target: 'local',
    model: 'tiny-llama',
    rule: 'simple-on-device',
    reasons: ['score 0.12 < 0.4'],
    score: 0.12,
    task: 'chat',
    language: 'en',
    allowFallback: true,
    cascade: false,
    maxTokensCap: null,
    signals: snapshot(),
    ...overrides,
  };
}

let counter = 0;
export function localRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id: `req-${++counter}`,
    startedAt: 1_700_000_000_000,
    endpoint: 'chat',
    requestedModel: 'auto',
    stream: false,
    decision: decision(),
    fallback: null,
    servedBy: 'local',
    servedModel: 'tiny-llama',
    status: 200,
    errorKind: null,
    latencyMs: 900,
    ttftMs: null,
    usage: { promptTokens: 100, completionTokens: 50 },
    localComputeMs: 720,
    apiKeyId: 'k_1a2b3c4d',
    ...overrides,
  };
}

export function cloudRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return localRecord({
    decision: decision({ target: 'cloud', model: 'gpt-4o-mini', rule: 'hard-to-cloud', score: 0.81, reasons: ['score 0.81 ≥ 0.6'] }),
    servedBy: 'cloud',
    servedModel: 'gpt-4o-mini',
    usage: { promptTokens: 1000, completionTokens: 500 },
    localComputeMs: null,
    latencyMs: 1400,
    ttftMs: 300,
    stream: true,
    ...overrides,
  });
}
