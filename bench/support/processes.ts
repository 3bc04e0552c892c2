import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** How long a benchmark process may take to print its URL (a loaded 2-core machine), in ms. */
const START_TIMEOUT_MS = 60_000;
/** How long a stopped process may take to exit on SIGTERM before it is killed, in ms. */
const STOP_GRACE_MS = 5_000;

/**
 * Starts `node [nodeArgs] --import tsx <script> ...args` and resolves with the first line it prints (its URL).
 * A process that exits first, or prints nothing within START_TIMEOUT_MS, is killed and the start fails, naming it.
 */
export async function startProcess(script: string, args: string[] = [], nodeArgs: string[] = []): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  let timer: NodeJS.Timeout | undefined;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before printing its URL`)));
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${script} printed no URL within ${START_TIMEOUT_MS / 1000} s (its stderr is above); killed it`));
      }, START_TIMEOUT_MS);
    });
    return { url, child };
  } finally {
    clearTimeout(timer);
  }
}

/** SIGTERM to each process; one still running after STOP_GRACE_MS is killed. Resolves once all have exited. */
export async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }),
  );
}
