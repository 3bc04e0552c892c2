import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { CompiledPolicy, CompileOptions } from './compile.js';
import { compilePolicy } from './compile.js';
import { PolicyError } from './diagnostics.js';
import { displayPath, readPolicyText, unreadable } from './load.js';

export interface PolicyWatcherOptions extends CompileOptions {
  /** A valid change was swapped in. */
  onReload?: (policy: CompiledPolicy) => void;
  /** A change was rejected; the previous policy keeps serving. */
  onError?: (error: PolicyError) => void;
  /** Quiet time after the last file event before reloading, in ms (editors write in several steps). */
  debounceMs?: number;
  now?: () => Date;
}

export interface PolicyStatus {
  file: string;
  /** When the serving policy was loaded, ISO 8601. */
  loadedAt: string;
  /** The last rejected change's diagnostics (one per line); null once a valid version loads. */
  lastError: string | null;
}

/**
 * Serves the current compiled policy and hot-reloads it. Watches the folder, not the file, so editors that
 * save by writing a temp file and renaming it over the original keep being followed. The first load throws
 * (a server must not start on a broken policy); later broken versions are rejected and reported.
 */
export class PolicyWatcher {
  private policy: CompiledPolicy;
  private state: PolicyStatus;
  private readonly watcher: FSWatcher;
  private timer: NodeJS.Timeout | null = null;
  private lastText: string | null = null;
  private closed = false;
  private readonly path: string;

  constructor(
    path: string,
    private readonly options: PolicyWatcherOptions = {},
  ) {
    this.path = resolve(path);
    const text = readPolicyText(this.path);
    this.policy = compilePolicy(text, displayPath(this.path), options);
    this.lastText = text;
    this.state = { file: displayPath(this.path), loadedAt: this.now(), lastError: null };
    const name = basename(this.path);
    this.watcher = watch(dirname(this.path), (_event, changed) => {
      if (changed === null || changed === name) this.schedule();
    });
    this.watcher.on('error', (err) => this.reject(new PolicyError([{ file: this.state.file, line: 1, column: 1, path: '', message: `watch failed: ${err.message}` }])));
  }

  /** The policy to use for the next decision; swapped as one reference, so a decision never sees half a policy. */
  get current(): CompiledPolicy {
    return this.policy;
  }

  get status(): PolicyStatus {
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
    let next: CompiledPolicy;
    try {
      next = compilePolicy(text, this.state.file, this.options);
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      this.reject(err);
      return;
    }
    this.policy = next;
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
