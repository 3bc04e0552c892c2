import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A real OpenAI-compatible server on 127.0.0.1 for tests and benchmarks. It answers chat completions
 * (stream and non-stream) and, on demand, misbehaves the ways real upstreams do.
 */
export type Behaviour =
  | { kind: 'ok' }
  /** Answer with this HTTP status and an OpenAI error body; optional Retry-After seconds. */
  | { kind: 'status'; status: number; retryAfter?: number; error?: { message: string; code: string | null; param?: string | null } }
  /** Accept the request and never answer (or, with `afterChunks`, stop mid-stream and hang). */
  | { kind: 'stall'; afterChunks?: number }
  /** Destroy the socket after this many stream chunks (0 = before any response). */
  | { kind: 'reset'; afterChunks: number }
  /** End the stream cleanly after this many chunks but without a finish_reason or [DONE]. */
  | { kind: 'truncate'; afterChunks: number }
  /** Send the whole answer and its finish_reason, then destroy the socket (no usage chunk, no [DONE]). */
  | { kind: 'drop-after-finish' };

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** Whether the client went away before the response was complete. */
  aborted: boolean;
}

export interface FakeUpstreamOptions {
  /** The reply text; by default `Echo: <last user message>`. */
  reply?: (body: Record<string, unknown>) => string;
  /** Delay between stream chunks, in ms. */
  chunkDelayMs?: number;
  /** Tool calls to answer with instead of text (when it returns some), like a model that chose to call. */
  toolCalls?: (body: Record<string, unknown>) => Array<{ name: string; arguments: string }> | undefined;
  model?: string;
  /**
   * Answer like a reasoning model behind an OpenAI-compatible API (DeepSeek, vLLM): this text as
   * `reasoning_content` before the answer, and usage with reasoning and cached-prompt token details.
   */
  reasoning?: string;
}

export class FakeUpstream {
  readonly requests: ReceivedRequest[] = [];
  /** Behaviours consumed one per request; `fallback` when the queue is empty. */
  private readonly queue: Behaviour[] = [];
  fallback: Behaviour = { kind: 'ok' };
  private server: http.Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(private readonly options: FakeUpstreamOptions = {}) {
    this.server = this.createServer();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** The next request(s) behave like this, in order. */
  next(...behaviours: Behaviour[]): this {
    this.queue.push(...behaviours);
    return this;
  }

  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Stop listening and drop every connection: new connections are refused. */
  async refuse(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server = this.createServer();
  }

  /** Listen again on the same port after `refuse()`. */
  async accept(): Promise<void> {
    await this.start(this.port);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private createServer(): http.Server {
    const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return server;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const record: ReceivedRequest = { path: req.url ?? '', headers: req.headers, body, aborted: false };
    this.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.aborted = true;
    });

    const path = (req.url ?? '').replace(/\?.*$/, '');
    if (req.method === 'GET' && path.endsWith('/models')) {
      json(res, 200, { object: 'list', data: [{ id: this.model, object: 'model', created: 0, owned_by: 'fake' }] });
      return;
    }
    if (req.method === 'HEAD') {
      res.writeHead(200).end();
      return;
    }
    if (!path.endsWith('/chat/completions')) {
      json(res, 404, { error: { message: 'not found', type: 'invalid_request_error', param: null, code: null } });
      return;
    }
    const behaviour = this.queue.shift() ?? this.fallback;
    if (behaviour.kind === 'status') {
      if (behaviour.retryAfter !== undefined) res.setHeader('retry-after', String(behaviour.retryAfter));
      const error = behaviour.error ?? { message: `fake upstream says ${behaviour.status}`, code: null };
      json(res, behaviour.status, { error: { type: behaviour.status >= 500 ? 'server_error' : 'invalid_request_error', param: null, ...error } });
      return;
    }
    if ((behaviour.kind === 'stall' && behaviour.afterChunks === undefined) || (behaviour.kind === 'reset' && behaviour.afterChunks === 0)) {
      if (behaviour.kind === 'reset') req.socket.destroy();
      return; // stall: hold the request open until the client gives up
    }
    const calls = this.options.toolCalls?.(body);
    if (calls !== undefined && calls.length > 0) {
      this.answerToolCalls(res, body, calls);
      return;
    }
    const reply = this.options.reply?.(body) ?? `Echo: ${lastUserText(body)}`;
    const pieces = reply.match(/\S+\s*|\s+/g) ?? [];
    const maxTokens = typeof body['max_tokens'] === 'number' ? body['max_tokens'] : typeof body['max_completion_tokens'] === 'number' ? body['max_completion_tokens'] : Infinity;
    const kept = pieces.slice(0, maxTokens);
    const finish = kept.length < pieces.length ? 'length' : 'stop';
    const reasoning = this.options.reasoning;
    const usage = {
      prompt_tokens: promptTokens(body),
      completion_tokens: kept.length,
      total_tokens: promptTokens(body) + kept.length,
      ...(reasoning === undefined ? {} : { prompt_tokens_details: { cached_tokens: 2 }, completion_tokens_details: { reasoning_tokens: reasoning.length } }),
    };
    const base = { id: 'chatcmpl-fake', created: 1700000000, model: this.model, system_fingerprint: 'fp_fake' };

    if (body['stream'] !== true) {
      json(res, 200, {
        ...base,
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: kept.join(''), refusal: null, ...(reasoning === undefined ? {} : { reasoning_content: reasoning }) }, finish_reason: finish, logprobs: logprobsOf(body, kept) }],
        usage,
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (payload: unknown): void => {
      res.write(`data: ${JSON.stringify(payload)}\n\n`);
    };
    const chunk = (delta: Record<string, unknown>, finishReason: string | null, logprobs: unknown = null): Record<string, unknown> => ({
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs }],
    });
    send(chunk({ role: 'assistant', content: '' }, null));
    for (const thought of reasoning?.match(/\S+\s*/g) ?? []) send(chunk({ content: null, reasoning_content: thought }, null));
    for (let i = 0; i < kept.length; i++) {
      if ('afterChunks' in behaviour && behaviour.afterChunks === i) {
        // Let what was written reach the client first: the failure happens after partial output.
        await sleep(20);
        if (behaviour.kind === 'reset') req.socket.destroy();
        else if (behaviour.kind === 'truncate') res.end();
        return; // stall: keep the socket open, send nothing more
      }
      if (this.options.chunkDelayMs) await sleep(this.options.chunkDelayMs);
      if (res.destroyed) return;
      send(chunk({ content: kept[i] }, null, logprobsOf(body, [kept[i] as string])));
    }
    send(chunk({}, finish));
    if (behaviour.kind === 'drop-after-finish') {
      await sleep(20);
      req.socket.destroy();
      return;
    }
    const streamOptions = body['stream_options'] as { include_usage?: boolean } | undefined;
    if (streamOptions?.include_usage) send({ ...base, object: 'chat.completion.chunk', choices: [], usage });
    res.end('data: [DONE]\n\n');
  }

  /** Calls in OpenAI's shapes: whole in the message, or streamed as id + name, then arguments in two pieces. */
  private answerToolCalls(res: http.ServerResponse, body: Record<string, unknown>, calls: Array<{ name: string; arguments: string }>): void {
    const base = { id: 'chatcmpl-fake', created: 1700000000, model: this.model, system_fingerprint: 'fp_fake' };
    const usage = { prompt_tokens: promptTokens(body), completion_tokens: calls.length * 8, total_tokens: promptTokens(body) + calls.length * 8 };
    const ids = calls.map((_, i) => `call_fake${i}`);
    if (body['stream'] !== true) {
      const toolCalls = calls.map((c, i) => ({ id: ids[i], type: 'function', function: c }));
      json(res, 200, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: toolCalls, refusal: null }, finish_reason: 'tool_calls', logprobs: null }], usage });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (delta: Record<string, unknown>, finish: string | null): void => {
      res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`);
    };
    send({ role: 'assistant', content: null }, null);
    calls.forEach((call, index) => {
      send({ tool_calls: [{ index, id: ids[index], type: 'function', function: { name: call.name, arguments: '' } }] }, null);
      const half = Math.floor(call.arguments.length / 2);
      for (const piece of [call.arguments.slice(0, half), call.arguments.slice(half)]) send({ tool_calls: [{ index, function: { arguments: piece } }] }, null);
    });
    send({}, 'tool_calls');
    if ((body['stream_options'] as { include_usage?: boolean } | undefined)?.include_usage) {
      res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\n`);
    }
    res.end('data: [DONE]\n\n');
  }

  private get model(): string {
    return this.options.model ?? 'fake-large-1';
  }
}

function json(res: http.ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

function lastUserText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body['messages']) ? (body['messages'] as Array<{ role?: string; content?: unknown }>) : [];
  const last = [...messages].reverse().find((m) => m.role === 'user');
  if (typeof last?.content === 'string') return last.content;
  if (Array.isArray(last?.content)) return (last.content as Array<{ text?: string }>).map((p) => p.text ?? '').join('');
  return '';
}

function promptTokens(body: Record<string, unknown>): number {
  return JSON.stringify(body['messages'] ?? '').split(/\s+/).length;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** With `logprobs: true`, OpenAI's per-token entries for these pieces (one token each, made-up but well-formed). */
function logprobsOf(body: Record<string, unknown>, pieces: string[]): unknown {
  if (body['logprobs'] !== true) return null;
  const top = typeof body['top_logprobs'] === 'number' ? body['top_logprobs'] : 0;
  const entry = (token: string, logprob: number) => ({ token, logprob, bytes: [...Buffer.from(token, 'utf8')] });
  return {
    content: pieces.map((p) => ({ ...entry(p, -p.length / 10), top_logprobs: Array.from({ length: top }, (_, k) => entry(k === 0 ? p : `alt${k}`, -p.length / 10 - k)) })),
    refusal: null,
  };
}
