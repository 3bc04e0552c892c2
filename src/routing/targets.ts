import type { Backend, BackendHealth } from '../backends/backend.js';
import { SwitchyardError } from '../backends/errors.js';
import type { Target } from './decision.js';
import type { ExistingTargets } from './existing-target.js';

/** The backend behind each target by name; `local` and `cloud` are always present (null where not configured). */
export type Backends = Readonly<Record<string, Backend | null>> & { readonly local: Backend | null; readonly cloud: Backend | null };

/** A target that can take a request now, with the model it serves by default. */
export interface ReadyTarget {
  target: Target;
  backend: Backend;
  model: string;
}

/** The order a failed target falls through when no targets file says otherwise: the device and the cloud swap. */
export const DEFAULT_FALLBACK: readonly Target[] = ['local', 'cloud'];

function absent(target: Target): { detail: string; message: string } {
  if (target === 'local') return { detail: 'no local model configured', message: 'No local model is configured' };
  if (target === 'cloud')
    return { detail: 'no upstream configured (SWITCHYARD_UPSTREAM_URL)', message: 'No upstream is configured (set SWITCHYARD_UPSTREAM_URL)' };
  return { detail: `no target "${target}" configured`, message: `No target "${target}" is configured (see --targets)` };
}

/** The targets a request can be dispatched to: their backends, health, readiness and fallback order. */
export class Targets {
  constructor(
    private backends: Backends,
    /** Whether a target is shut off right now (its breaker is open). */
    private readonly isShut: (target: Target) => boolean = () => false,
    /** The order a failed or refused target falls through (the targets file's `fallback`). */
    private fallback: readonly Target[] = DEFAULT_FALLBACK,
  ) {}

  /** A reloaded targets file: the next request sees the new set as one swap (never half of it). */
  reconfigure(backends: Backends, fallback: readonly Target[]): void {
    this.backends = backends;
    this.fallback = fallback;
  }

  /** Every configured target name, `local` first (absent ones too: `local` and `cloud` are always named). */
  names(): Target[] {
    return Object.keys(this.backends);
  }

  /** Which targets are configured at all (whatever their state) and the fallback order, for `toExistingTarget`. */
  existing(): ExistingTargets {
    const configured: Record<Target, boolean> = {};
    for (const name of this.names()) configured[name] = this.backends[name] !== null && this.backends[name] !== undefined;
    return { configured, fallback: this.fallback };
  }

  /** The backend for a target, or a 503 that names what to configure. */
  backend(target: Target): Backend {
    const backend = this.backends[target];
    if (backend === undefined || backend === null) {
      throw new SwitchyardError('unavailable', absent(target).message, { status: 503, code: `${target}_unavailable` });
    }
    return backend;
  }

  /**
   * The next ready target after `target` in the fallback order, skipping those already `tried`. The order is
   * walked as a ring: `[local, edge, cloud]` sends a failed edge to the cloud, then to the device.
   */
  alternativeTo(target: Target, tried: ReadonlySet<Target> = new Set([target])): ReadyTarget | null {
    const order = this.fallback.includes(target) ? this.fallback : [target, ...this.fallback];
    const at = order.indexOf(target);
    for (let step = 1; step < order.length; step++) {
      const next = order[(at + step) % order.length]!;
      if (tried.has(next)) continue;
      const ready = this.ready(next);
      if (ready !== null) return ready;
    }
    return null;
  }

  /** The target if it is configured, loaded and not shut off. */
  ready(target: Target): ReadyTarget | null {
    const backend = this.backends[target];
    if (backend === undefined || backend === null || this.isShut(target)) return null;
    const health = backend.health();
    if (health.state !== 'ready') return null;
    return { target, backend, model: health.models[0] ?? target };
  }

  /** The default model of a target (its first served model), or null when it serves none. */
  defaultModel(target: Target): string | null {
    return this.backends[target]?.health().models[0] ?? null;
  }

  /** Each target's health by name (`local` and `cloud` always, absent ones as `absent`). */
  health(): Record<Target, BackendHealth> & { local: BackendHealth; cloud: BackendHealth } {
    const of = (target: Target): BackendHealth => this.backends[target]?.health() ?? { state: 'absent', models: [], detail: absent(target).detail };
    const all: Record<Target, BackendHealth> = {};
    for (const name of this.names()) all[name] = of(name);
    return { ...all, local: of('local'), cloud: of('cloud') };
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.backends).map((backend) => backend?.close()));
  }
}
