import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from './startup-failure.js';

/**
 * One `switchyard serve` per `--data-dir`: two processes sharing one deferred-work journal would both run its jobs
 * (the upstream gets them twice) and rewrite it over each other. A lock file holds the owner's pid; one whose
 * process is gone (a crash, SIGKILL) is taken over. Returns the release, to run on shutdown.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'serve.lock');
  for (;;) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
      throw new StartupError(
        `--data-dir ${dataDir} is in use by another switchyard serve (pid ${owner}); give each replica its own --data-dir (if no other one runs, delete ${file})`,
      );
    }
    // Left by a process that is gone (or by an earlier life of this pid, as in a restarted container).
    rmSync(file, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
