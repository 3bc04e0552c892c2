import type { LinkMonitor } from './link-monitor.js';

/** Statuses whose Response may not carry a body (the Response constructor throws on them). */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * Wraps the upstream backend's `fetch` (e.g. the one handed to the openai SDK) so every real upstream
 * response feeds the link monitor: time to headers, body bytes and time to the last byte; `text/event-stream`
 * bodies are marked paced (token streams measure generation speed, not the link). A fetch that rejects
 * without having been aborted counts as a `connection` failure. Timeouts are the caller's to report
 * (`link.recordFailure('timeout')`): only it knows its budget, and an abort may be the client leaving.
 * A body cancelled before its end yields no sample.
 */
export function measuredFetch(
  inner: typeof fetch,
  link: Pick<LinkMonitor, 'recordResponse' | 'recordFailure'>,
  elapsed: () => number = () => performance.now(),
): typeof fetch {
  return async (input, init) => {
    const started = elapsed();
    let response: Response;
    try {
      response = await inner(input, init);
    } catch (error) {
      if (init?.signal?.aborted !== true) link.recordFailure('connection');
      throw error;
    }
    const ttfbMs = elapsed() - started;
    if (response.body === null || NULL_BODY_STATUS.has(response.status)) {
      link.recordResponse({ ttfbMs, bytes: 0, durationMs: ttfbMs });
      return response;
    }
    const paced = (response.headers.get('content-type') ?? '').includes('text/event-stream');
    let bytes = 0;
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
      flush() {
        link.recordResponse({ ttfbMs, bytes, durationMs: elapsed() - started, paced });
      },
    });
    const measured = new Response(response.body.pipeThrough(counter), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    Object.defineProperty(measured, 'url', { value: response.url }); // the SDK logs and reports it
    return measured;
  };
}
