import type { Backend } from '../../backends/backend.js';
import type { TargetLink } from '../../signals/target-link.js';
import type { PoolConfig, TargetsConfig } from '../targets-file/compile.js';
import type { EndpointStatus, EndpointOptions } from './pool-endpoint.js';
import { TargetPool } from './target-pool.js';

/** How often a retired pool checks whether its last request finished, in ms. */
const DRAIN_CHECK_MS = 250;

/**
 * The pools of a targets file, kept across reloads: a pool whose settings did not change is kept as is (its
 * breakers and link measurements too); a changed or removed one is retired — probes stop at once, its sockets
 * close when its last request has finished.
 */
export class TargetPools {
  private pools = new Map<string, { spec: string; pool: TargetPool }>();
  private readonly retiring = new Set<Promise<void>>();

  constructor(private readonly options: EndpointOptions) {}

  /** Makes the pools match `config`; returns them by name. */
  apply(config: TargetsConfig): ReadonlyMap<string, TargetPool> {
    const next = new Map<string, { spec: string; pool: TargetPool }>();
    for (const pool of config.pools) {
      const spec = JSON.stringify(pool satisfies PoolConfig);
      const kept = this.pools.get(pool.name);
      if (kept !== undefined && kept.spec === spec) {
        next.set(pool.name, kept);
        continue;
      }
      const created = new TargetPool(pool, this.options);
      created.start();
      next.set(pool.name, { spec, pool: created });
    }
    for (const [name, old] of this.pools) if (next.get(name)?.pool !== old.pool) this.retire(old.pool);
    this.pools = next;
    return this.byName();
  }

  byName(): ReadonlyMap<string, TargetPool> {
    return new Map([...this.pools].map(([name, { pool }]) => [name, pool]));
  }

  /** The backends to merge into the service's targets. */
  backends(): Record<string, Backend> {
    return Object.fromEntries([...this.pools].map(([name, { pool }]) => [name, pool]));
  }

  links(): Record<string, TargetLink> {
    return Object.fromEntries([...this.pools].map(([name, { pool }]) => [name, pool.link()]));
  }

  status(): Record<string, EndpointStatus[]> {
    return Object.fromEntries([...this.pools].map(([name, { pool }]) => [name, pool.endpointStatus()]));
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map(({ pool }) => pool.close()));
    this.pools.clear();
    await Promise.all(this.retiring);
  }

  private retire(pool: TargetPool): void {
    const done = (async () => {
      pool.stopProbes();
      while (pool.inFlight() > 0) await new Promise((resolve) => setTimeout(resolve, DRAIN_CHECK_MS));
      await pool.close();
    })();
    this.retiring.add(done);
    void done.finally(() => this.retiring.delete(done));
  }
}
