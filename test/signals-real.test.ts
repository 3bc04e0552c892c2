import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fromPackageRoot } from '../src/paths.js';
import { SignalHub } from '../src/signals/signal-hub.js';
import { SignalSnapshotSchema } from '../src/signals/snapshot.js';

const hasBattery = existsSync('/sys/class/power_supply') && readdirSync('/sys/class/power_supply').some((n) => n.startsWith('BAT'));
const children: ChildProcessWithoutNullStreams[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]): ChildProcessWithoutNullStreams {
  const child = spawn(fromPackageRoot('node_modules/.bin/tsx'), [fromPackageRoot('src/cli/main.ts'), 'signals', ...args], { cwd: fromPackageRoot() });
  children.push(child);
  return child;
}

async function run(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = cli(...args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
  dirs.push(dir);
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('real readers on this machine', () => {
  it('reads real memory, CPU load and battery state in the background', async () => {
    const hub = new SignalHub({ logger: { warn: (m) => expect.fail(m) } });
    hub.start();
    try {
      await hub.ready();
      const s = SignalSnapshotSchema.parse(hub.snapshot());
      if (!hasBattery) expect(s.battery).toBeNull(); // mains power: no battery
      expect(s.memoryFreeMb).toBeGreaterThan(0);
      expect(s.cpuLoad).toBeGreaterThanOrEqual(0);
      expect(s.cpuLoad).toBeLessThanOrEqual(1);
      expect(s.rttMs).toBeNull(); // no upstream configured
    } finally {
      await hub.stop();
    }
  });
});

describe('switchyard signals (CLI)', () => {
  it('--json prints one object with real readings and their sources', async () => {
    const { code, stdout } = await run('--json');
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as Record<string, unknown>;
    expect(SignalSnapshotSchema.parse(printed)).toBeTruthy();
    expect(printed['memoryFreeMb']).toBeGreaterThan(0);
    expect(printed['sources']).toMatchObject({ battery: 'live', cpuLoad: 'live' });
  });

  it('prints a table, with override values marked', async () => {
    const file = tempFile('s.yaml', 'battery: {percent: 8, charging: false}\nrttMs: 3000\n');
    const { code, stdout } = await run('--signals', file);
    expect(code).toBe(0);
    expect(stdout).toMatch(/battery\s+8%\s+override/);
    expect(stdout).toMatch(/rttMs\s+3000 ms\s+override/);
    expect(stdout).toMatch(/memoryFreeMb\s+\d+ MB available\s+live/);
  });

  it('exits 2 naming the file and field when the override is invalid', async () => {
    const file = tempFile('bad.json', '{"cpuLoad": 7}');
    const { code, stderr } = await run('--signals', file);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:1: cpuLoad: Too big`);
  });

  it('--watch --json prints a line per change when the override file is edited, until Ctrl-C', async () => {
    const file = tempFile('s.json', '{"cpuLoad": 0.5}');
    const child = cli('--watch', '--json', '--signals', file);
    const lines: Record<string, unknown>[] = [];
    let buffer = '';
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const part of parts) lines.push(JSON.parse(part) as Record<string, unknown>);
    });
    const until = async (check: () => boolean): Promise<void> => {
      while (!check()) await new Promise((r) => setTimeout(r, 20));
    };
    await until(() => lines.length >= 1);
    expect(lines[0]?.['cpuLoad']).toBe(0.5);
    writeFileSync(file, '{"cpuLoad": 0.9, "online": false}');
    await until(() => lines.some((l) => l['cpuLoad'] === 0.9));
    expect(lines.find((l) => l['cpuLoad'] === 0.9)).toMatchObject({ online: false, sources: { online: 'override' } });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
  });
});
