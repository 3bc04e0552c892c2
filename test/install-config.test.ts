import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const npm = (...args: string[]) => spawnSync('npm', args, { encoding: 'utf8' });
const npmVersion = npm('--version').stdout.trim();
const [major = 0, minor = 0] = npmVersion.split('.').map(Number);
/** allowScripts (package.json) is read from npm 11.16 on. */
const readsAllowScripts = major > 11 || (major === 11 && minor >= 16);

describe('installing', () => {
  it('npm commands print no warnings about the project config', () => {
    const result = npm('pkg', 'get', 'name');
    expect(result.status).toBe(0);
    expect(result.stderr).not.toMatch(/npm warn/i);
  });

  it("onnxruntime-node's install script (the CUDA download) never runs, and no dependency script is left unreviewed", () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { allowScripts?: Record<string, boolean> };
    expect(pkg.allowScripts?.['onnxruntime-node']).toBe(false);
    if (!readsAllowScripts) {
      console.warn(`skipped the allowScripts check: npm ${npmVersion} predates allowScripts (11.16)`);
      return;
    }
    const listed = npm('install-scripts', 'ls');
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('No packages with unreviewed install scripts');
  });
});
