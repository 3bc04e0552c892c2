import type { Backend, BackendHealth, CallOptions, GenerateResult, StreamPart } from '../../backends/backend.js';
import { classifyError, SwitchyardError } from '../../backends/errors.js';
import type { TargetLink } from '../../signals/target-link.js';
import type { Target } from '../decision.js';
import { isOutage } from '../dispatch/upstream-gate.js';
import type { PoolConfig } from '../targets-file/compile.js';
import type { ConnectivityStatus } from '../upstream-health/connectivity.js';
import { type EndpointOptions, PoolEndpoint, type EndpointStatus } from './pool-endpoint.js';
import { tryOrder } from './pick-endpoint.js';

/** A base URL path that names an API version (`/v1`, `/api/v1`, `/openai/v1`). */
const VERSIONED_PATH = /\/v\d+[a-z]*\/?$/;

/**
 * A named target served by a pool of OpenAI-compatible servers (a site's GPU boxes, or the cloud). Each request
 * goes to one endpoint picked by the pool's balance; an endpoint whose breaker is open is skipped without a
 * connect attempt, and an outage before any output (refused, timeout, 5xx) moves the request to the next endpoint
 * of the same pool. The pool fails only when every endpoint did, or all are down: dispatch then falls through
 * to the next target.
 */
export class TargetPool implements Backend {
  readonly target: Target;
  private readonly endpoints: PoolEndpoint[];
  private cursor = 0;

  constructor(
    private readonly config: PoolConfig,
    options: EndpointOptions,
  ) {
    this.target = config.name;
    this.endpoints = config.endpoints.map((endpoint) => new PoolEndpoint(config.name, endpoint, config.model, options));
  }

  async generate(options: CallOptions): Promise<GenerateResult> {
    const { endpoint, value } = await this.open(options, (backend, call) => backend.generate(call));
    endpoint.inFlight--;
    return value;
  }

  async *stream(options: CallOptions): AsyncGenerator<StreamPart> {
    const { endpoint, value } = await this.open(options, openFirstPart);
    try {
      yield value.first;
      for (;;) {
        const step = await value.iterator.next();
        if (step.done === true) return;
        // A stream broken after output started is the endpoint's outage too (dispatch decides what follows).
        if (step.value.type === 'error' && isOutage(step.value.error)) endpoint.recordOutage(step.value.error);
        yield step.value;
      }
    } finally {
      endpoint.inFlight--;
      // Left early (the client went away): close the endpoint's stream so its socket is torn down.
      await value.iterator.return?.();
    }
  }

  health(): BackendHealth {
    const up = this.endpoints.filter((e) => e.up).length;
    const detail = `${up}/${this.endpoints.length} endpoints up (${this.config.balance})`;
    return { state: up > 0 ? 'ready' : 'failed', models: [this.config.model], detail };
  }

  /** The pool's link: online while any endpoint is up; the best RTT and bandwidth among those. */
  link(): TargetLink {
    const up = this.endpoints.filter((e) => e.up && e.link.reachable !== false);
    const best = (values: (number | null)[], pick: (...n: number[]) => number): number | null => {
      const known = values.filter((v): v is number => v !== null);
      return known.length === 0 ? null : pick(...known);
    };
    return {
      online: up.length > 0,
      rttMs: best(up.map((e) => e.link.rttMs), Math.min),
      bandwidthMbps: best(up.map((e) => e.link.bandwidthMbps), Math.max),
    };
  }

  /** The pool's connectivity is its best endpoint's: online while any endpoint is, offline only when all are. */
  connectivity(): ConnectivityStatus {
    const rank = { online: 0, degraded: 1, offline: 2, 'no-upstream': 3 } as const;
    const all = this.endpoints.map((e) => e.connectivity());
    return all.reduce((best, c) => (rank[c.state] < rank[best.state] ? c : best));
  }

  endpointStatus(): EndpointStatus[] {
    return this.endpoints.map((e) => e.status());
  }

  start(): void {
    for (const endpoint of this.endpoints) endpoint.start();
  }

  /** Requests in flight across the pool (a retired pool closes once this reaches 0). */
  inFlight(): number {
    return this.endpoints.reduce((sum, e) => sum + e.inFlight, 0);
  }

  /** Stops probing (a retired pool's requests still finish). */
  stopProbes(): void {
    for (const endpoint of this.endpoints) void endpoint.link.stop();
  }

  async close(): Promise<void> {
    await Promise.all(this.endpoints.map((e) => e.close()));
  }

  /**
   * Sends to endpoints in balance order until one opens: an open breaker is skipped, an outage moves on, any
   * other failure (a bad request, an abort) is the request's and ends the attempt. The winner's `inFlight`
   * stays counted; the caller releases it.
   */
  private async open<T>(options: CallOptions, send: (backend: Backend, call: CallOptions) => Promise<T>): Promise<{ endpoint: PoolEndpoint; value: T }> {
    let last: SwitchyardError | null = null;
    for (const index of tryOrder(this.endpoints, this.config.balance, this.cursor)) {
      const endpoint = this.endpoints[index]!;
      if (!endpoint.up || !endpoint.breaker.tryAcquire()) continue;
      this.cursor = (index + 1) % this.endpoints.length;
      endpoint.inFlight++;
      try {
        const value = await send(endpoint.backend, options);
        endpoint.breaker.recordSuccess();
        return { endpoint, value };
      } catch (err) {
        endpoint.inFlight--;
        const error = classifyError(err);
        if (!isOutage(error) || options.signal.aborted) {
          endpoint.breaker.release();
          throw this.explained(endpoint.url, error);
        }
        endpoint.recordOutage(error);
        last = error;
      }
    }
    throw last ?? this.allDown();
  }

  /**
   * A 404 from an endpoint whose URL has no version path (`http://gpu-1:8000` for vLLM's `http://gpu-1:8000/v1`)
   * is almost always that mistake: say so, instead of the bare "404 status code (no body)" the server gives.
   */
  private explained(url: string, error: SwitchyardError): SwitchyardError {
    if (error.kind !== 'upstream-status' || error.status !== 404 || VERSIONED_PATH.test(new URL(url).pathname)) return error;
    const message = `${this.target} endpoint ${url} answered 404 (${error.message}); OpenAI-compatible servers (vLLM, llama.cpp, Ollama) serve under /v1: is the url in the targets file missing it?`;
    return new SwitchyardError(error.kind, message, { status: error.status, ...(error.code === undefined ? {} : { code: error.code }), cause: error });
  }

  private allDown(): SwitchyardError {
    return new SwitchyardError('unavailable', `Every endpoint of target "${this.target}" is down (circuit open); not attempted`, {
      status: 503,
      code: 'breaker_open',
    });
  }
}

/** Opens a stream and reads its first part, so an endpoint that fails before any output can be left for the next. */
async function openFirstPart(backend: Backend, call: CallOptions): Promise<{ iterator: AsyncIterator<StreamPart>; first: StreamPart }> {
  const iterator = backend.stream(call)[Symbol.asyncIterator]();
  const step = await iterator.next();
  if (step.done === true) throw new SwitchyardError('connection', 'The upstream stream ended before any output', { status: 502 });
  if (step.value.type === 'error') {
    // Finish the endpoint's stream first: its cleanup (abort listener, timers) runs when it is returned.
    await iterator.return?.();
    throw step.value.error;
  }
  return { iterator, first: step.value };
}
