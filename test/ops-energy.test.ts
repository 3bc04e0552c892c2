import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnergyAccountant, localEnergyMwh } from '../src/observability/energy.js';
import { EnergyConfigSchema, loadEnergyConfig } from '../src/observability/energy-config.js';
import { cloudRecord, localRecord } from './ops-fixtures.js';

const config = EnergyConfigSchema.parse({
  device: { activeWatts: 25, idleWatts: 5 },
  prices: { 'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 } },
});

describe('energy and cost accounting', () => {
  it('charges local answers CPU time × (active − idle) and credits the cloud price they avoided', () => {
    const a = new EnergyAccountant(config).account(localRecord({ localComputeMs: 720, usage: { promptTokens: 100, completionTokens: 50 } }));
    // 720 ms × 20 W = 14.4 J = 4 mWh
    expect(a.localEnergyMwh).toBeCloseTo(4, 9);
    expect(a.cloudCostUsd).toBeNull();
    // 100 × 0.15/1e6 + 50 × 0.6/1e6
    expect(a.savedCostUsd).toBeCloseTo(0.000045, 12);
    expect(a.localTokensPerSecond).toBeCloseTo(50 / 0.72, 6);
  });

  it('charges cloud answers tokens × price and credits local energy at the measured decode rate', () => {
    const accountant = new EnergyAccountant(config);
    const before = accountant.account(cloudRecord());
    expect(before.cloudCostUsd).toBeCloseTo(1000 * 0.15e-6 + 500 * 0.6e-6, 12);
    expect(before.savedEnergyMwh).toBeNull(); // no local measurement yet: unknown, not guessed

    accountant.account(localRecord({ localComputeMs: 1000, usage: { promptTokens: 10, completionTokens: 40 } })); // 40 tok/s
    const after = accountant.account(cloudRecord({ usage: { promptTokens: 1000, completionTokens: 400 } }));
    expect(after.savedEnergyMwh).toBeCloseTo(localEnergyMwh(10_000, 25, 5), 9);
  });

  it('reports unknown cost for unpriced models and missing usage instead of inventing numbers', () => {
    const accountant = new EnergyAccountant(config);
    expect(accountant.account(cloudRecord({ servedModel: 'some-other-model' })).cloudCostUsd).toBeNull();
    expect(accountant.account(cloudRecord({ usage: { promptTokens: undefined, completionTokens: undefined } })).cloudCostUsd).toBeNull();
  });

  it('loads a YAML profile and lets env override the device watts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-energy-'));
    const file = join(dir, 'energy.yaml');
    writeFileSync(file, 'device:\n  activeWatts: 12\n  idleWatts: 2\nprices:\n  big-model: { inputPerMTok: 3, outputPerMTok: 15 }\n');
    const loaded = loadEnergyConfig({ SWITCHYARD_DEVICE_IDLE_WATTS: '3' }, file);
    expect(loaded.device).toEqual({ activeWatts: 12, idleWatts: 3 });
    expect(loaded.prices['big-model']).toEqual({ inputPerMTok: 3, outputPerMTok: 15 });
    expect(() => loadEnergyConfig({ SWITCHYARD_DEVICE_ACTIVE_WATTS: '1', SWITCHYARD_DEVICE_IDLE_WATTS: '4' }, undefined)).toThrow(/activeWatts/);
    expect(() => loadEnergyConfig({ SWITCHYARD_DEVICE_ACTIVE_WATTS: 'lots' }, undefined)).toThrow(/must be a number/);
  });
});
