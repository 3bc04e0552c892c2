import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createObservability } from '../src/observability/index.js';
import type { RecordWithContent } from '../src/observability/index.js';
import { EnergyConfigSchema } from '../src/observability/energy-config.js';
import { createLogger } from '../src/observability/logger.js';
import { cloudRecord, localRecord, snapshot } from './ops-fixtures.js';

const sources = { signals: () => snapshot(), policyStatus: () => null };
const silent = createLogger({ level: 'silent' });

function readLines(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('decision log', () => {
  it('writes one JSON line per request with decision, signals, score, latency, tokens, fallback and energy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-dlog-'));
    const file = join(dir, 'decisions.jsonl');
    const obs = createObservability({ sources, energy: EnergyConfigSchema.parse({}), logger: silent, decisionLog: { file } });
    obs.observer.onRequest(localRecord({ id: 'a' }));
    obs.observer.onRequest(
      cloudRecord({ id: 'b', fallback: { cause: 'upstream-5xx', from: 'local', to: 'cloud', continued: false, detail: 'HTTP 503' } }),
    );
    await obs.close();
    const [a, b] = readLines(file);
    expect(a).toMatchObject({
      v: 1,
      id: 'a',
      decision: { target: 'local', rule: 'simple-on-device', score: 0.12 },
      signals: { cpuLoad: 0.35, rttMs: 42 },
      servedBy: 'local',
      latencyMs: 900,
      tokens: { prompt: 100, completion: 50 },
      fallback: null,
      energy: { localEnergyMwh: 4 },
    });
    expect(b).toMatchObject({ id: 'b', servedBy: 'cloud', fallback: { cause: 'upstream-5xx', to: 'cloud' } });
    expect((b?.energy as { cloudCostUsd: number }).cloudCostUsd).toBeGreaterThan(0);
  });

  it('leaves message content out unless enabled, and redacts secrets and personal data even then', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-dlog-'));
    const upstreamKey = 'sk-upstream-0123456789abcdefghij';
    const content = { messages: [{ role: 'user', content: `mail me at jane.doe@example.com, key ${upstreamKey}, call +1 415 555 0134` }], output: 'ok' };
    const record: RecordWithContent = { ...localRecord(), content };

    const off = createObservability({ sources, logger: silent, decisionLog: { file: join(dir, 'off.jsonl') } });
    off.observer.onRequest(record);
    await off.close();
    expect(readFileSync(join(dir, 'off.jsonl'), 'utf8')).not.toContain('mail me');

    const on = createObservability({ sources, logger: silent, secrets: [upstreamKey], decisionLog: { file: join(dir, 'on.jsonl'), includeContent: true } });
    on.observer.onRequest({ ...record, decision: { ...record.decision, reasons: [`user jane.doe@example.com asked`] } });
    await on.close();
    const text = readFileSync(join(dir, 'on.jsonl'), 'utf8');
    expect(text).toContain('mail me at');
    expect(text).not.toContain('jane.doe@example.com');
    expect(text).not.toContain(upstreamKey);
    expect(text).not.toContain('555 0134');
  });

  it('rotates by size and keeps total disk use bounded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-dlog-'));
    const file = join(dir, 'decisions.jsonl');
    const obs = createObservability({ sources, logger: silent, decisionLog: { file, maxBytes: 8 * 1024, maxFiles: 2 } });
    for (let i = 0; i < 300; i++) {
      obs.observer.onRequest(localRecord({ id: `r${i}` }));
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1)); // let batches interleave with rotation
    }
    await obs.close();
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['decisions.jsonl', 'decisions.jsonl.1', 'decisions.jsonl.2']);
    for (const f of files) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(8 * 1024);
    const newest = readLines(file);
    expect(newest.at(-1)?.id).toBe('r299');
    for (const line of readLines(join(dir, 'decisions.jsonl.1'))) expect(typeof line.id).toBe('string');
  });
});
