import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  // Written whole under another name, then linked into place: a replica starting at the same moment never reads
  // a lock that exists but is still empty (and would take it for a stale one).
  const mine = `${file}.${process.pid}`;
  writeFileSync(mine, `${process.pid}\n`);
  for (;;) {
    try {
      linkSync(mine, file);
      rmSync(mine, { force: true });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        rmSync(mine, { force: true });
        throw err;
      }
    }
    const text = readLock(file);
    if (text === null) continue; // released just now: try again
    const owner = Number.parseInt(text, 10);
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
      rmSync(mine, { force: true });
      throw new StartupError(
        `--data-dir ${dataDir} is in use by another switchyard serve (pid ${owner}); give each replica its own --data-dir (if no other one runs, delete ${file})`,
      );
    }
    // Left by a process that is gone (or by an earlier life of this pid, as in a restarted container); removed
    // only while it still says so, so a replica that took it over a moment ago keeps it.
    if (readLock(file) === text) rmSync(file, { force: true });
  }
}

/** The lock's text, or null when there is none. */
function readLock(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
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
