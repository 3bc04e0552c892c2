import type { Clock } from './clock.js';

export type ProbeResult = { reachable: true; headersMs: number } | { reachable: false; error: string };

/**
 * One active probe: HEAD `url`, timing the response headers (real time, performance.now). Any HTTP status
 * means the host answered; a rejection (refused, reset, DNS) or no headers within `timeoutMs` means it did not.
 * `signal` lets the caller cancel (then the promise rejects with the abort reason).
 */
export async function probeUpstream(
  url: string,
  options: { fetch: typeof fetch; clock: Clock; timeoutMs: number; signal: AbortSignal },
): Promise<ProbeResult> {
  const controller = new AbortController();
  const cancel = (): void => controller.abort(options.signal.reason);
  options.signal.addEventListener('abort', cancel, { once: true });
  let timedOut = false;
  const cancelTimeout = options.clock.after(options.timeoutMs, () => {
    timedOut = true;
    controller.abort();
  });
  const started = performance.now();
  try {
    const response = await options.fetch(url, { method: 'HEAD', signal: controller.signal });
    const headersMs = performance.now() - started;
    await response.body?.cancel();
    return { reachable: true, headersMs };
  } catch (error) {
    if (options.signal.aborted) throw error; // the caller cancelled: not a verdict on the link
    if (timedOut) return { reachable: false, error: `no response headers within ${options.timeoutMs} ms` };
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    return { reachable: false, error: cause instanceof Error ? cause.message : String(cause) };
  } finally {
    cancelTimeout();
    options.signal.removeEventListener('abort', cancel);
  }
}
