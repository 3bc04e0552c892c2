import type { CompiledPolicy, CompileOptions } from './compile.js';
import { compilePolicy } from './compile.js';
import { FileWatcher, type FileWatcherOptions, type WatchedFileStatus } from './file-watcher.js';

export interface PolicyWatcherOptions extends CompileOptions, FileWatcherOptions<CompiledPolicy> {
  /** The configured target names, read at every (re)load (a reloaded targets file may add some); wins over `targets`. */
  targetNames?: () => readonly string[];
}

export type PolicyStatus = WatchedFileStatus;

/**
 * Serves the current compiled policy and hot-reloads it (see FileWatcher). Routes are checked against the
 * target names configured at the time of each load.
 */
export class PolicyWatcher extends FileWatcher<CompiledPolicy> {
  constructor(
    path: string,
    private readonly policyOptions: PolicyWatcherOptions = {},
  ) {
    super(path, (text, file) => compilePolicy(text, file, compileOptionsOf(policyOptions)), policyOptions);
  }

  /** Throws PolicyError when the serving policy would not load with these targets (e.g. one it routes to is gone). */
  checkTargets(targets: readonly string[]): void {
    if (this.text !== null) compilePolicy(this.text, this.status.file, { ...compileOptionsOf(this.policyOptions), targets });
  }
}

function compileOptionsOf(options: PolicyWatcherOptions): CompileOptions {
  return options.targetNames === undefined ? options : { ...options, targets: options.targetNames() };
}
