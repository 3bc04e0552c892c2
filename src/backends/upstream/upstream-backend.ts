import OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { Backend, BackendHealth, CallOptions, FinishReason, GenerateResult, StreamPart, ToolCall, Usage } from '../backend.js';
import { classifyError, SwitchyardError } from '../errors.js';
import { nodeStreamOf } from './node-response.js';
import { sseData } from './sse-data.js';

export interface UpstreamConfig {
  /** OpenAI-compatible base URL, e.g. `https://api.openai.com/v1`. */
  baseURL: string;
  apiKey: string;
  /** The model `auto` and `cloud` resolve to. */
  model: string;
  /** Budget for the response headers (and whole non-stream responses), in ms. */
  timeoutMs: number;
  /** A stream that goes this long without a chunk is treated as broken, in ms. */
  streamIdleTimeoutMs: number;
}

export interface UpstreamDeps {
  /** The fetch the SDK uses (see keep-alive-fetch.ts); the SDK's default when absent. */
  fetch?: typeof globalThis.fetch;
}

/** The upstream large model behind any OpenAI-compatible API, through the official SDK with retries off. */
export class UpstreamBackend implements Backend {
  readonly target = 'cloud' as const;
  private readonly client: OpenAI;

  constructor(
    private readonly config: UpstreamConfig,
    deps: UpstreamDeps = {},
  ) {
    this.client = new OpenAI({
      baseURL: config.baseURL,
      apiKey: config.apiKey,
      // The router owns the one retry loop; the SDK must not retry behind its back.
      maxRetries: 0,
      timeout: config.timeoutMs,
      ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    });
  }

  async generate(options: CallOptions): Promise<GenerateResult> {
    let completion: ChatCompletion;
    try {
      // The raw response, parsed once here: the SDK's own parsing layers add nothing the router reads.
      const response = await this.client.chat.completions
        .create(this.body(options, false) as unknown as ChatCompletionCreateParamsNonStreaming, { signal: options.signal })
        .asResponse();
      completion = (await response.json()) as ChatCompletion;
    } catch (err) {
      throw this.failure(err, options.signal, false);
    }
    const choice = completion.choices?.[0];
    if (choice === undefined) throw new SwitchyardError('upstream-status', 'Upstream returned no choices', { status: 502 });
    return {
      content: choice.message.content ?? '',
      toolCalls: (choice.message.tool_calls ?? []).filter((c) => c.type === 'function') as ToolCall[],
      finishReason: finishReason(choice.finish_reason),
      usage: usageOf(completion.usage),
      model: completion.model,
      warnings: [],
      ...(choice.logprobs?.content ? { logprobs: choice.logprobs.content } : {}),
      ...extraMessageOf(choice.message as unknown as Record<string, unknown>),
    };
  }

  /**
   * The answer as parts. The SDK sends the request and maps HTTP errors; the event stream is read here from the
   * raw response, and each chunk is parsed only for what the router uses (text, tool calls, finish, usage).
   */
  async *stream(options: CallOptions): AsyncGenerator<StreamPart> {
    // Our own controller: the client's disconnect and the idle watchdog both cancel the upstream request.
    const controller = new AbortController();
    const onClientAbort = (): void => controller.abort(options.signal.reason);
    options.signal.addEventListener('abort', onClientAbort, { once: true });
    // A client gone before this call (while it was decided, or between two endpoints) fires no event: nothing is sent.
    if (options.signal.aborted) onClientAbort();
    let stalled = false;
    const watchdog = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, this.config.streamIdleTimeoutMs);
    let produced = false;
    let finished = false;
    let finish: FinishReason | undefined;
    let usage: Usage = { promptTokens: undefined, completionTokens: undefined };
    let model = options.model;
    try {
      const response = await this.client.chat.completions
        .create(this.body(options, true) as unknown as ChatCompletionCreateParamsStreaming, { signal: controller.signal })
        .asResponse();
      let done = false;
      for await (const data of sseData(bodyChunks(response))) {
        watchdog.refresh();
        // Read on to the end after [DONE] (breaking off would destroy the socket instead of reusing it).
        if (data === '[DONE]') done = true;
        if (done) continue;
        const chunk = JSON.parse(data) as ChatCompletionChunk & { error?: { message?: string } };
        if (chunk.error !== undefined) throw new SwitchyardError('internal', `Upstream stream error: ${chunk.error.message ?? JSON.stringify(chunk.error)}`);
        model = chunk.model || model;
        if (chunk.usage) usage = usageOf(chunk.usage);
        for (const part of partsOf(chunk)) {
          produced = true;
          yield part;
        }
        const reason = chunk.choices?.[0]?.finish_reason;
        if (reason) finish = finishReason(reason);
      }
      if (finish === undefined) {
        // A stream that ends without a finish_reason was cut off; never pass it off as a complete answer.
        throw new SwitchyardError('connection', 'Upstream stream ended before the answer finished', { status: 502 });
      }
      finished = true;
      yield { type: 'finish', finishReason: finish, usage, model, warnings: [] };
    } catch (err) {
      const error = this.failure(err, options.signal, stalled);
      // The answer was whole (its finish_reason came) and the link broke before the usage chunk or [DONE]:
      // it is passed on as finished (usage unknown), not continued or failed.
      if (finish !== undefined && error.kind !== 'aborted') {
        yield { type: 'finish', finishReason: finish, usage, model, warnings: [] };
        return;
      }
      if (!produced) throw error;
      yield { type: 'error', error };
    } finally {
      clearTimeout(watchdog);
      options.signal.removeEventListener('abort', onClientAbort);
      // A finished stream has released its socket; only a cut-short one must be torn down.
      if (!finished) controller.abort();
    }
  }

  /**
   * What went wrong, by cause rather than by symptom: once the caller's signal fired, the broken socket is
   * an abort (not an outage the breaker should count), and our own watchdog's abort is a timeout.
   */
  private failure(err: unknown, signal: AbortSignal, stalled: boolean): SwitchyardError {
    if (signal.aborted) return new SwitchyardError('aborted', 'The request was aborted', { cause: err });
    if (stalled) return new SwitchyardError('timeout', `Upstream sent nothing for ${this.config.streamIdleTimeoutMs} ms`, { cause: err });
    return classifyError(err);
  }

  health(): BackendHealth {
    return { state: 'ready', models: [this.config.model], detail: this.config.baseURL };
  }

  async close(): Promise<void> {}

  /**
   * The wire body: everything the client sent, with the routed model and the router's token cap. It is a
   * pass-through of a validated request, so it is typed as a record and handed to the SDK as its params type.
   */
  private body(options: CallOptions, stream: boolean): Record<string, unknown> {
    const body: Record<string, unknown> = {
      ...options.extra,
      model: options.model,
      messages: options.messages.map((m) => m.original ?? { role: m.role, content: m.content }),
      stream,
    };
    if (stream) body['stream_options'] = { include_usage: true };
    const maxTokens = options.maxTokens ?? options.maxTokensCap;
    if (maxTokens !== undefined) {
      const field = 'max_completion_tokens' in options.extra ? 'max_completion_tokens' : 'max_tokens';
      body[field] = maxTokens;
    }
    return body;
  }
}

/** The response body as text chunks: the node stream when the keep-alive fetch gave one, else the web stream. */
function bodyChunks(response: Response): AsyncIterable<string | Uint8Array> {
  const node = nodeStreamOf(response);
  if (node !== null) return node.setEncoding('utf8');
  if (response.body === null) throw new SwitchyardError('connection', 'Upstream stream had no body', { status: 502 });
  return response.body as unknown as AsyncIterable<Uint8Array>;
}

function* partsOf(chunk: ChatCompletionChunk): Generator<StreamPart> {
  const choice = chunk.choices[0];
  const delta = choice?.delta;
  if (!delta) return;
  // Log probabilities ride with the text they belong to (the client asked for them with `logprobs: true`).
  const logprobs = choice?.logprobs?.content;
  if (logprobs && logprobs.length > 0) yield { type: 'text-delta', text: delta.content ?? '', logprobs };
  else if (delta.content) yield { type: 'text-delta', text: delta.content };
  // An empty list or object in a delta (some servers repeat `annotations: []` in every chunk) adds nothing to send.
  const extra = unmodelled(delta as unknown as Record<string, unknown>, isEmpty);
  if (extra !== undefined) yield { type: 'extra-delta', delta: extra };
  for (const call of delta.tool_calls ?? []) {
    yield {
      type: 'tool-call-delta',
      delta: {
        index: call.index,
        ...(call.id === undefined ? {} : { id: call.id }),
        ...(call.function?.name === undefined ? {} : { name: call.function.name }),
        ...(call.function?.arguments === undefined ? {} : { argumentsDelta: call.function.arguments }),
      },
    };
  }
}

function finishReason(reason: string | null | undefined): FinishReason {
  if (reason === 'length' || reason === 'tool_calls' || reason === 'content_filter') return reason;
  if (reason === 'function_call') return 'tool_calls';
  return 'stop';
}

type UpstreamUsage = {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
};

function usageOf(usage: UpstreamUsage | null | undefined): Usage {
  const counted: Usage = { promptTokens: usage?.prompt_tokens, completionTokens: usage?.completion_tokens };
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  const reasoning = usage?.completion_tokens_details?.reasoning_tokens;
  if (typeof cached === 'number') counted.cachedPromptTokens = cached;
  if (typeof reasoning === 'number') counted.reasoningTokens = reasoning;
  return counted;
}

/** What a message or delta holds besides the fields the router models (null fields, such as OpenAI's `refusal: null`, say nothing). */
const MODELLED = new Set(['role', 'content', 'tool_calls', 'function_call']);

function unmodelled(fields: Record<string, unknown>, skip: (value: unknown) => boolean = () => false): Record<string, unknown> | undefined {
  let extra: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(fields)) {
    if (!MODELLED.has(key) && value !== null && value !== undefined && !skip(value)) (extra ??= {})[key] = value;
  }
  return extra;
}

function isEmpty(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

function extraMessageOf(message: Record<string, unknown>): { extraMessage?: Record<string, unknown> } {
  const extra = unmodelled(message);
  return extra === undefined ? {} : { extraMessage: extra };
}
