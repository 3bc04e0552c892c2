import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompiledPolicy } from '../src/policy/compile.js';
import { PolicyError } from '../src/policy/diagnostics.js';
import { PolicyWatcher } from '../src/policy/watcher.js';
import { decide } from '../src/routing/decide.js';
import { input } from './fixtures/policy/input.js';

const policyText = (route: 'local' | 'cloud') => `version: 1\nrules:\n  - name: offline\n    when: { online: false }\n    route: local\ndefault: { name: fallthrough, route: ${route} }\n`;

/** Resolves with the next reload or rejection the watcher reports. */
function next(events: { reloads: CompiledPolicy[]; errors: PolicyError[] }, kind: 'reloads' | 'errors', count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (events[kind].length >= count) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > 10_000) {
        clearInterval(poll);
        reject(new Error(`no ${kind} event after 10 s`));
      }
    }, 10);
  });
}

describe('PolicyWatcher', () => {
  let watcher: PolicyWatcher | null = null;
  let dir = '';
  afterEach(() => {
    watcher?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function start() {
    dir = mkdtempSync(join(tmpdir(), 'policy-watch-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, policyText('local'));
    const events = { reloads: [] as CompiledPolicy[], errors: [] as PolicyError[] };
    watcher = new PolicyWatcher(file, {
      debounceMs: 30,
      onReload: (p) => events.reloads.push(p),
      onError: (e) => events.errors.push(e),
    });
    return { file, events, w: watcher };
  }

  it('refuses to start on an invalid policy', () => {
    dir = mkdtempSync(join(tmpdir(), 'policy-watch-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'version: 1\nrules: []\n');
    expect(() => new PolicyWatcher(file)).toThrow(PolicyError);
  });

  it('swaps in a valid change without a restart', async () => {
    const { file, events, w } = start();
    expect(decide(input(), w.current).target).toBe('local');
    writeFileSync(file, policyText('cloud'));
    await next(events, 'reloads', 1);
    expect(decide(input(), w.current)).toMatchObject({ target: 'cloud', rule: 'fallthrough' });
    expect(w.status.lastError).toBeNull();
  });

  it('rejects an invalid change, keeps serving the old policy, and reports the error', async () => {
    const { file, events, w } = start();
    const before = w.current;
    writeFileSync(file, policyText('local').replace('route: local\n', 'route: locl\n'));
    await next(events, 'errors', 1);
    expect(w.current).toBe(before);
    expect(w.status.lastError).toMatch(/policy\.yaml:5:12 rules\[0\]\.route: expected one of .* got "locl" \(did you mean "local"\?\)/);
    // Fixing the file clears the error.
    writeFileSync(file, policyText('cloud'));
    await next(events, 'reloads', 1);
    expect(w.status.lastError).toBeNull();
    expect(w.current.defaultAction.route).toBe('cloud');
  });

  it('follows editors that save by renaming a temp file over the original', async () => {
    const { file, events, w } = start();
    for (const route of ['cloud', 'local'] as const) {
      const tmp = join(dir, `.policy.yaml.${route}.swp`);
      writeFileSync(tmp, policyText(route));
      renameSync(tmp, file);
      await next(events, 'reloads', route === 'cloud' ? 1 : 2);
      expect(w.current.defaultAction.route).toBe(route);
    }
  });
});
