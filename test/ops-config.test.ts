import { describe, expect, it } from 'vitest';
import { observabilityConfigFromEnv } from '../src/observability/index.js';

describe('observability settings from env', () => {
  it('logs decisions to .switchyard/decisions.jsonl by default, without content', () => {
    expect(observabilityConfigFromEnv({})).toEqual({
      logLevel: 'info',
      decisionLog: { file: '.switchyard/decisions.jsonl', maxBytes: 10 * 1024 * 1024, maxFiles: 3, includeContent: false },
    });
  });

  it('keeps the decision log in the data dir serve was given', () => {
    expect(observabilityConfigFromEnv({}, '/srv/switchyard').decisionLog?.file).toBe('/srv/switchyard/decisions.jsonl');
    expect(observabilityConfigFromEnv({ SWITCHYARD_DECISION_LOG: '/var/log/sy.jsonl' }, '/srv/switchyard').decisionLog?.file).toBe('/var/log/sy.jsonl');
  });

  it('honours size, file count, content opt-in, level, and "off"', () => {
    const cfg = observabilityConfigFromEnv({
      SWITCHYARD_DECISION_LOG: '/var/log/sy.jsonl',
      SWITCHYARD_DECISION_LOG_MAX_MB: '0.5',
      SWITCHYARD_DECISION_LOG_FILES: '5',
      SWITCHYARD_LOG_CONTENT: '1',
      SWITCHYARD_LOG_LEVEL: 'debug',
    });
    expect(cfg).toEqual({ logLevel: 'debug', decisionLog: { file: '/var/log/sy.jsonl', maxBytes: 524288, maxFiles: 5, includeContent: true } });
    expect(observabilityConfigFromEnv({ SWITCHYARD_DECISION_LOG: 'off' }).decisionLog).toBeNull();
    expect(() => observabilityConfigFromEnv({ SWITCHYARD_LOG_LEVEL: 'loud' })).toThrow(/SWITCHYARD_LOG_LEVEL/);
    expect(() => observabilityConfigFromEnv({ SWITCHYARD_DECISION_LOG_MAX_MB: 'big' })).toThrow(/decision log/);
  });
});
