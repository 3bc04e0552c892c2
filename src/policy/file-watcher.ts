import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { PolicyError } from './diagnostics.js';
import { displayPath, readPolicyText, unreadable } from './load.js';

export interface FileWatcherOptions<T> {
  /** A valid change was swapped in. */
  onReload?: (value: T) => void;
  /** A change was rejected; the previous policy keeps serving. */
  onError?: (error: PolicyError) => void;
  /** Quiet time after the last file event before reloading, in ms (editors write in several steps). */
  debounceMs?: number;
  now?: () => Date;
}

export interface WatchedFileStatus {
  file: string;
  /** When the serving version was loaded, ISO 8601. */
  loadedAt: string;
  /** The last rejected change's diagnostics (one per line); null once a valid version loads. */
  lastError: string | null;
}

/**
 * Serves the current compiled version of a config file and hot-reloads it (policies, targets). Watches the
 * folder, not the file, so editors that save by writing a temp file and renaming it over the original keep
 * being followed. The first load throws (a server must not start on a broken file); later broken versions are
 * rejected and reported, and the previous version keeps serving. `compile` throws PolicyError (file:line
 * diagnostics) for a version it rejects.
 */
export class FileWatcher<T> {
  private value: T;
  private state: WatchedFileStatus;
  private readonly watcher: FSWatcher;
  private timer: NodeJS.Timeout | null = null;
  private lastText: string | null = null;
  private closed = false;
  private readonly path: string;

  constructor(
    path: string,
    private readonly compile: (text: string, file: string) => T,
    private readonly options: FileWatcherOptions<T> = {},
  ) {
    this.path = resolve(path);
    const text = readPolicyText(this.path);
    this.value = compile(text, displayPath(this.path));
    this.lastText = text;
    this.state = { file: displayPath(this.path), loadedAt: this.now(), lastError: null };
    const name = basename(this.path);
    this.watcher = watch(dirname(this.path), (_event, changed) => {
      if (changed === null || changed === name) this.schedule();
    });
    this.watcher.on('error', (err) => this.reject(new PolicyError([{ file: this.state.file, line: 1, column: 1, path: '', message: `watch failed: ${err.message}` }])));
  }

  /** The version to use next; swapped as one reference, so a reader never sees half of one. */
  get current(): T {
    return this.value;
  }

  /** The text of the serving version (to re-check it against something else that changed). */
  get text(): string | null {
    return this.lastText;
  }

  get status(): WatchedFileStatus {
    return { ...this.state };
  }

  /** Re-read now (also what a file event triggers after the debounce). Resolves once applied or rejected. */
  async reload(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      // Mid-rename the file can be briefly absent; the rename's own event schedules another reload.
      this.reject(unreadable(this.path, err));
      return;
    }
    if (this.closed || (text === this.lastText && this.state.lastError === null)) return;
    this.lastText = text;
    let next: T;
    try {
      next = this.compile(text, this.state.file);
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      this.reject(err);
      return;
    }
    this.value = next;
    this.state = { file: this.state.file, loadedAt: this.now(), lastError: null };
    this.options.onReload?.(next);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.watcher.close();
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.reload().catch((err: unknown) => this.reject(new PolicyError([{ file: this.state.file, line: 1, column: 1, path: '', message: String(err) }])));
    }, this.options.debounceMs ?? 100);
  }

  private reject(error: PolicyError): void {
    this.state = { ...this.state, lastError: error.message };
    this.options.onError?.(error);
  }

  private now(): string {
    return (this.options.now?.() ?? new Date()).toISOString();
  }
}
