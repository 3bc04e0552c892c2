import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Cancel, Clock } from './clock.js';
import { readOverrideFile, type SignalOverride } from './override.js';
import type { SignalLogger } from './logger.js';

/** Editors write in bursts (truncate, write, rename); wait this long after the last event, in ms. */
const SETTLE_MS = 40;

/**
 * Keeps an override file loaded and re-reads it when it changes. The parent folder is watched (not the file)
 * so editors that save by rename-over still trigger. An invalid edit keeps the previous override and logs why.
 */
export class OverrideWatcher {
  private readonly path: string;
  private watcher: FSWatcher | null = null;
  private pending: Cancel | null = null;
  private current: SignalOverride = {};

  constructor(
    path: string,
    private readonly onChange: (override: SignalOverride) => void,
    private readonly clock: Clock,
    private readonly log: SignalLogger,
  ) {
    this.path = resolve(path);
  }

  /** Loads the file (throws `SignalInputError` when it is missing or invalid at startup) and starts watching. */
  start(): SignalOverride {
    this.current = readOverrideFile(this.path);
    const name = basename(this.path);
    this.watcher = watch(dirname(this.path), (_event, file) => {
      if (file !== null && file !== name) return;
      this.pending?.();
      this.pending = this.clock.after(SETTLE_MS, () => this.reload());
    });
    this.watcher.on('error', (error) => this.log.warn(`signals: watching ${this.path} failed: ${error.message}`));
    this.watcher.unref();
    return this.current;
  }

  stop(): void {
    this.pending?.();
    this.pending = null;
    this.watcher?.close();
    this.watcher = null;
  }

  private reload(): void {
    this.pending = null;
    let next: SignalOverride;
    try {
      next = readOverrideFile(this.path);
    } catch (error) {
      this.log.warn(`signals: keeping the previous override; ${(error as Error).message}`);
      return;
    }
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    this.onChange(next);
  }
}
