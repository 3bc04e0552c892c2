import type { Backend } from '../../backends/backend.js';
import { PolicyError } from '../../policy/diagnostics.js';
import { FileWatcher, type WatchedFileStatus } from '../../policy/file-watcher.js';
import type { TargetLink } from '../../signals/target-link.js';
import type { EndpointOptions, EndpointStatus } from '../pool/pool-endpoint.js';
import { TargetPools } from '../pool/target-pools.js';
import type { ConnectivityStatus } from '../upstream-health/connectivity.js';
import { compileTargets, type TargetsConfig, targetNames } from './compile.js';

export interface SiteTargetsOptions {
  file: string;
  endpoint: EndpointOptions;
  /** Whether SWITCHYARD_UPSTREAM_URL gives a `cloud` target (a file's own `cloud` pool replaces it). */
  envCloud: boolean;
  /** Throws PolicyError when the serving policy cannot live with these target names (one it routes to is gone). */
  checkPolicy: (targetNames: readonly string[]) => void;
  /** A reload was applied: the service swaps the targets it dispatches to. */
  onReload: (config: TargetsConfig) => void;
  onError: (error: PolicyError) => void;
}

/**
 * A targets file, served and hot-reloaded: its pools (kept across reloads when unchanged), their links and
 * endpoint health. A reload is rejected — the previous targets keep serving — when the file is broken, when
 * the policy routes to a target it removes, or when it adds or removes `cloud` (that swaps the
 * SWITCHYARD_UPSTREAM_URL shorthand's breaker and needs a restart).
 */
export class SiteTargets {
  private readonly pools: TargetPools;
  private readonly watcher: FileWatcher<TargetsConfig>;
  /** Whether the file defines its own `cloud` pool (fixed at start). */
  readonly ownsCloud: boolean;

  constructor(options: SiteTargetsOptions) {
    this.pools = new TargetPools(options.endpoint);
    let first: boolean | null = null;
    this.watcher = new FileWatcher(
      options.file,
      (text, file) => {
        const config = compileTargets(text, file, { hasCloud: options.envCloud });
        const owns = config.pools.some((p) => p.name === 'cloud');
        if (first !== null && owns !== first) {
          throw new PolicyError([{ file, line: 1, column: 1, path: 'targets.cloud', message: 'adding or removing the "cloud" target needs a restart' }]);
        }
        if (first !== null) checkStillRouted(config, this.watcher.current, options.checkPolicy);
        return config;
      },
      {
        onReload: (config) => {
          this.pools.apply(config);
          options.onReload(config);
        },
        onError: options.onError,
      },
    );
    this.ownsCloud = this.watcher.current.pools.some((p) => p.name === 'cloud');
    first = this.ownsCloud;
    this.pools.apply(this.watcher.current);
  }

  get config(): TargetsConfig {
    return this.watcher.current;
  }

  get status(): WatchedFileStatus {
    return this.watcher.status;
  }

  /** Every target name policies may route to. */
  names(): string[] {
    return targetNames(this.config);
  }

  backends(): Record<string, Backend> {
    return this.pools.backends();
  }

  links(): Record<string, TargetLink> {
    return this.pools.links();
  }

  /** The file's own `cloud` pool's connectivity (its best endpoint's); null when the file has no `cloud`. */
  cloudConnectivity(): ConnectivityStatus | null {
    return this.pools.byName().get('cloud')?.connectivity() ?? null;
  }

  endpoints(): Record<string, EndpointStatus[]> {
    return this.pools.status();
  }

  /** Re-read now (what a file event triggers after the debounce). */
  reload(): Promise<void> {
    return this.watcher.reload();
  }

  async close(): Promise<void> {
    this.watcher.close();
    await this.pools.close();
  }
}

/**
 * A reload the serving policy cannot live with says so in the targets file's own words first (which targets the
 * edit removes), then the policy's lines that still route to them.
 */
function checkStillRouted(next: TargetsConfig, previous: TargetsConfig, checkPolicy: (names: readonly string[]) => void): void {
  try {
    checkPolicy(targetNames(next));
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    const removed = targetNames(previous).filter((name) => !targetNames(next).includes(name));
    const what = removed.length === 0 ? 'this edit' : `this edit removes ${removed.map((name) => `"${name}"`).join(', ')}, which`;
    throw new PolicyError([
      { file: next.file, line: 1, column: 1, path: 'targets', message: `${what} the serving policy still routes to; change the policy first` },
      ...err.diagnostics,
    ]);
  }
}
