import type { Backend, BackendHealth } from '../backends/backend.js';
import { SwitchyardError } from '../backends/errors.js';
import type { Target } from './decision.js';

/** The backend behind each target; null where none is configured. */
export type Backends = Readonly<Record<Target, Backend | null>>;

/** A target that can take a request now, with the model it serves by default. */
export interface ReadyTarget {
  target: Target;
  backend: Backend;
  model: string;
}

/** Where a failed target's requests go instead. One alternative each today; a site tier would slot in here. */
const ALTERNATIVE: Record<Target, Target> = { local: 'cloud', cloud: 'local' };

const ABSENT: Record<Target, { detail: string; message: string }> = {
  local: { detail: 'no local model configured', message: 'No local model is configured' },
  cloud: {
    detail: 'no upstream configured (SWITCHYARD_UPSTREAM_URL)',
    message: 'No upstream is configured (set SWITCHYARD_UPSTREAM_URL)',
  },
};

/** The targets a request can be dispatched to: their backends, health, and readiness. */
export class Targets {
  constructor(
    private readonly backends: Backends,
    /** Whether a target is shut off right now (its breaker is open). */
    private readonly isShut: (target: Target) => boolean = () => false,
  ) {}

  /** The backend for a target, or a 503 that names what to configure. */
  backend(target: Target): Backend {
    const backend = this.backends[target];
    if (backend === null) throw new SwitchyardError('unavailable', ABSENT[target].message, { status: 503, code: `${target}_unavailable` });
    return backend;
  }

  /** The target a failed one may hand over to, when that one is ready. */
  alternativeTo(target: Target): ReadyTarget | null {
    return this.ready(ALTERNATIVE[target]);
  }

  /** The target if it is configured, loaded and not shut off. */
  ready(target: Target): ReadyTarget | null {
    const backend = this.backends[target];
    if (backend === null || this.isShut(target)) return null;
    const health = backend.health();
    if (health.state !== 'ready') return null;
    return { target, backend, model: health.models[0] ?? target };
  }

  /** The default model of a target (its first served model), or null when it serves none. */
  defaultModel(target: Target): string | null {
    return this.backends[target]?.health().models[0] ?? null;
  }

  health(): Record<Target, BackendHealth> {
    const of = (target: Target): BackendHealth => this.backends[target]?.health() ?? { state: 'absent', models: [], detail: ABSENT[target].detail };
    return { local: of('local'), cloud: of('cloud') };
  }

  async close(): Promise<void> {
    await Promise.all([this.backends.local?.close(), this.backends.cloud?.close()]);
  }
}
