import type { BackendHealth } from '../backends/backend.js';
import type { Decision } from './decision.js';
import { Dispatcher, type Backends, type DispatchOptions } from './dispatch.js';
import type { RequestObserver, RequestRecord } from './request-record.js';
import type { Decider, RouteRequest } from './route-request.js';

/** The router: decides where a request goes, dispatches it, and tells observers what happened. */
export class Router {
  readonly dispatcher: Dispatcher;
  private readonly observers: RequestObserver[];

  constructor(
    readonly backends: Backends,
    private decider: Decider,
    options: { observers?: RequestObserver[]; dispatch?: DispatchOptions } = {},
  ) {
    this.dispatcher = new Dispatcher(backends, options.dispatch);
    this.observers = [...(options.observers ?? [])];
  }

  decide(request: RouteRequest): Promise<Decision> {
    return this.decider.decide(request);
  }

  /** Swap the decider (a reloaded policy, or the policy decider replacing the placeholder). */
  setDecider(decider: Decider): void {
    this.decider = decider;
  }

  addObserver(observer: RequestObserver): void {
    this.observers.push(observer);
  }

  record(record: RequestRecord): void {
    for (const observer of this.observers) observer.onRequest(record);
  }

  health(): { local: BackendHealth; cloud: BackendHealth } {
    const absent = (detail: string): BackendHealth => ({ state: 'absent', models: [], detail });
    return {
      local: this.backends.local?.health() ?? absent('no local model configured'),
      cloud: this.backends.cloud?.health() ?? absent('no upstream configured (SWITCHYARD_UPSTREAM_URL)'),
    };
  }
}
