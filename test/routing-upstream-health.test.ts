import { describe, expect, it, vi } from 'vitest';
import { classifyError } from '../src/backends/errors.js';
import { causeOfError, renderCause } from '../src/routing/fallback-cause.js';
import { CircuitBreaker } from '../src/routing/upstream-health/circuit-breaker.js';
import { httpError, refused } from './helpers/scripted-backend.js';

const failure = { kind: 'connection', cause: 'upstream-connection', detail: 'refused' } as const;

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures; a success in between resets the count', () => {
    let now = 5_000;
    const changes: string[] = [];
    const breaker = new CircuitBreaker({ failureThreshold: 2, now: () => now, onChange: (s) => changes.push(s) });
    breaker.recordFailure(failure);
    breaker.recordSuccess();
    breaker.recordFailure(failure);
    expect(breaker.state).toBe('closed');
    now = 6_000;
    breaker.recordFailure(failure);
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.lastFailure).toEqual({ at: 6_000, ...failure });
    expect(changes).toEqual(['open']);
  });

  it('half-open lets exactly one trial through; its success closes, its failure reopens', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    breaker.recordFailure(failure);
    breaker.linkReachable(true);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordFailure(failure);
    expect(breaker.state).toBe('open');
    breaker.linkReachable(true);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
  });

  it('a trial without a verdict (client abort) is handed back', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    breaker.recordFailure(failure);
    breaker.linkReachable(true);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.release();
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('after HTTP errors the probes cannot see, lets a trial through after 1 s, then 2 s, … while they go on', () => {
    // Found in a trial: after three 500s the upstream recovered, but the breaker stayed open until the link
    // monitor's 30 s idle probe, because the upstream had answered every probe.
    vi.useFakeTimers();
    try {
      const status = { kind: 'upstream-status', cause: 'upstream-5xx', detail: 'HTTP 500' } as const;
      const breaker = new CircuitBreaker({ failureThreshold: 1 });
      breaker.recordFailure(status);
      expect(breaker.state).toBe('open');
      vi.advanceTimersByTime(999);
      expect(breaker.state).toBe('open');
      vi.advanceTimersByTime(1);
      expect(breaker.state).toBe('half-open');
      expect(breaker.tryAcquire()).toBe(true);
      breaker.recordFailure(status); // the trial fails: the next wait is 2 s
      vi.advanceTimersByTime(1_999);
      expect(breaker.state).toBe('open');
      vi.advanceTimersByTime(1);
      expect(breaker.tryAcquire()).toBe(true);
      breaker.recordSuccess();
      expect(breaker.state).toBe('closed');
      // A connection failure is the link monitor's to end (its probes find the upstream again): no timer, and
      // one pending from earlier HTTP errors is cancelled.
      breaker.recordFailure(status);
      breaker.recordFailure(status);
      breaker.recordFailure(failure);
      vi.advanceTimersByTime(60_000);
      expect(breaker.state).toBe('open');
      breaker.detach();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a failed probe opens it and says so', () => {
    const breaker = new CircuitBreaker({ now: () => 42 });
    breaker.linkReachable(false);
    expect(breaker.state).toBe('open');
    expect(breaker.lastFailure).toMatchObject({ at: 42, kind: 'probe-failed' });
  });
});

describe('classifyError', () => {
  it('finds a socket error code in the cause chain', () => {
    expect(classifyError(refused())).toMatchObject({ kind: 'connection', status: 502, isRetryable: true });
  });

  it('HTTP statuses keep their status and Retry-After', () => {
    expect(classifyError(httpError(503, { 'retry-after': '2' }))).toMatchObject({
      kind: 'upstream-status',
      status: 503,
      retryAfterMs: 2_000,
      isRetryable: true,
    });
    expect(classifyError(httpError(400))).toMatchObject({ kind: 'upstream-status', status: 400, isRetryable: false });
  });

  it('aborts, timeouts and the unknown', () => {
    expect(classifyError(new DOMException('x', 'AbortError'))).toMatchObject({ kind: 'aborted', status: 499 });
    expect(classifyError(Object.assign(new Error('slow'), { name: 'APIConnectionTimeoutError' }))).toMatchObject({ kind: 'timeout', status: 504 });
    expect(classifyError('boom')).toMatchObject({ kind: 'internal', status: 500, message: 'boom' });
  });
});

describe('fallback causes', () => {
  it('render once to the wire names', () => {
    expect(renderCause(causeOfError('cloud', classifyError(refused())))).toBe('upstream-connection');
    expect(renderCause(causeOfError('cloud', classifyError(httpError(503))))).toBe('upstream-503');
    expect(renderCause({ target: 'local', kind: 'queue-full', status: null })).toBe('local-queue-full');
    expect(renderCause({ target: 'local', kind: 'low-confidence', status: null })).toBe('low-confidence');
  });
});
