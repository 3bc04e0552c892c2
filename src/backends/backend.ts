import type { SwitchyardError } from './errors.js';

/**
 * The one backend interface. Both the local ONNX model and the upstream API implement it; the server
 * never knows which one it talks to. Shaped after the AI SDK's doGenerate/doStream: provider-neutral call
 * options in, a result (or a stream of typed parts) out.
 */

export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

/** A chat message with its content flattened to text (text parts joined). */
export interface ChatMessage {
  role: Role;
  content: string;
  name?: string;
  /** Assistant tool calls, kept verbatim in OpenAI shape for backends that support tools. */
  toolCalls?: ToolCall[];
  toolCallId?: string;
  /**
   * The message exactly as the client sent it (validated). Backends that speak the OpenAI wire format
   * forward this, so nothing the client sent (image parts, unknown fields) is lost on the way upstream.
   */
  original?: Record<string, unknown>;
}

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** `response_format`, neutral: free text, any JSON object, or JSON valid against a schema. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; strict: boolean };

/** A function the model may call; `parameters` is a JSON Schema for its arguments object. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

/** `auto`: text or calls, the model's choice; `required`: at least one call; a name: exactly that function. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export interface CallOptions {
  messages: ChatMessage[];
  /** The concrete model id on this backend. */
  model: string;
  maxTokens?: number;
  /**
   * A routing policy's cap on the answer when the client set no `max_tokens`: the answer stops there, but unlike
   * `maxTokens` it is not a demand, so a prompt that leaves less room in a model's window is not refused for it.
   */
  maxTokensCap?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
  /** OpenAI's `presence_penalty` / `frequency_penalty` (-2..2); the local model applies them to its logits. */
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** Validated `response_format` (also in `extra` for pass-through backends); local backends enforce it. */
  responseFormat?: ResponseFormat;
  /** Validated `tools` (functions only); local backends constrain calls to each one's parameters schema. */
  tools?: ToolDefinition[];
  /** Validated `tool_choice`; `auto` when tools are given without one. */
  toolChoice?: ToolChoice;
  /**
   * Every request field the client sent except `model`, `messages`, `stream` and `stream_options`
   * (tools, response_format, logit_bias, user, ... and the originals of the neutral fields above).
   * Backends that speak the OpenAI wire format forward it; others use the neutral fields and say what
   * they ignored in `warnings`.
   */
  extra: Record<string, unknown>;
  /** Fires when the client disconnects or the router gives up; backends must stop work promptly. */
  signal: AbortSignal;
  /**
   * The start of the assistant's answer, already sent to the client by another backend that then failed:
   * continue it rather than start over (mid-stream continuation). Only new text is produced, but usage
   * counts the whole answer: the prefix's tokens are completion tokens, not prompt tokens.
   */
  assistantPrefix?: string;
  /** Ask local backends to report `confidence` (one extra pass over the vocabulary per token). */
  wantConfidence?: boolean;
  /**
   * The client's `logprobs: true`: report each answer token's log probability and the `top` most likely
   * alternatives at its position (`top_logprobs`, 0-20). Pass-through backends get it through `extra`.
   */
  logprobs?: { top: number };
}

/** One answer token's log probability, in OpenAI's shape (`choices[].logprobs.content[]`). */
export interface TokenLogprob {
  token: string;
  /** Natural log of the token's probability under the model, at temperature 1. */
  logprob: number;
  /** The token's UTF-8 bytes: a token may hold only part of a character. */
  bytes: number[] | null;
  /** The most likely tokens at this position, most likely first (as many as `top_logprobs` asked). */
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] | null }>;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** Token counts; `undefined` when the backend could not say (never a made-up number). */
export interface Usage {
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  /** Prompt tokens served from a cache rather than processed again (OpenAI's `prompt_tokens_details.cached_tokens`). */
  cachedPromptTokens?: number;
  /** Completion tokens a reasoning model spent thinking (OpenAI's `completion_tokens_details.reasoning_tokens`). */
  reasoningTokens?: number;
}

export interface GenerateResult {
  content: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
  /** The model that actually answered, as the backend reports it. */
  model: string;
  warnings: string[];
  /** Per-token log probabilities of `content`, when the request asked for them and the backend gave them. */
  logprobs?: TokenLogprob[];
  /**
   * Fields of an upstream's message that Switchyard does not model (`reasoning_content`, a non-null `refusal`,
   * `annotations`, `audio`, ...), given to the client as the upstream sent them.
   */
  extraMessage?: Record<string, unknown>;
  /** Local backends: wall time spent in the model, in ms (feeds energy accounting). */
  computeMs?: number;
  /**
   * Local backends: how sure the model was of its own answer, in [0,1]: the geometric mean of the chosen
   * tokens' probabilities (0 for an empty answer). Cascades escalate answers below a threshold.
   */
  confidence?: number;
}

/** A streamed tool call fragment, in OpenAI's delta shape (index-addressed, arguments arrive in pieces). */
export interface ToolCallDelta {
  index: number;
  id?: string;
  name?: string;
  argumentsDelta?: string;
}

export type StreamPart =
  /** `logprobs`: the tokens this text came from, when asked for (may arrive with empty text, e.g. part of a character). */
  | { type: 'text-delta'; text: string; logprobs?: TokenLogprob[] }
  | { type: 'tool-call-delta'; delta: ToolCallDelta }
  /** Fields of an upstream's delta that Switchyard does not model (`reasoning_content`, `refusal`, ...), passed on as they came. */
  | { type: 'extra-delta'; delta: Record<string, unknown> }
  | { type: 'finish'; finishReason: FinishReason; usage: Usage; model: string; warnings: string[]; computeMs?: number; confidence?: number }
  | { type: 'error'; error: SwitchyardError };

export type BackendState = 'absent' | 'loading' | 'ready' | 'failed';

export interface BackendHealth {
  state: BackendState;
  /** Concrete models this backend can serve right now. */
  models: string[];
  /** Human-readable cause when state is `failed` or `absent`. */
  detail?: string;
  /** Local models only: requests waiting or running, and how many may wait before 429. */
  queueDepth?: number;
  queueCapacity?: number;
  /** Local models only: how long a request arriving now would wait for the model, in ms (from measured speed). */
  expectedWaitMs?: number;
  /** Local models only: requests expected to wait longer than this (ms) are refused with 429 + Retry-After. */
  waitBudgetMs?: number;
  /** Local models only: measured speed of this model with its thread count (a prior until the first answer). */
  throughput?: Throughput;
  /** Local models only: KV cache kept for prefix reuse (entries, bytes held, budget in bytes). */
  prefixCache?: { entries: number; bytes: number; budgetBytes: number };
  /** Local models only: the model's context window in tokens. */
  contextWindow?: number;
  /** Local models only: what the loaded model honours beyond plain chat (known once its folder is read). */
  capabilities?: ModelCapabilities;
}

/** A local model's measured speed. */
export interface Throughput {
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
  /** Answer length the estimate assumes when max_tokens allows more, in tokens (EWMA of real answers). */
  typicalAnswerTokens: number;
  /** False while the figures are still the prior (nothing has run yet). */
  measured: boolean;
}

/**
 * What a local model honours. `tools`: `native` when its own chat template renders tools and Hermes/Qwen-style
 * `<tool_call>` calls; `fallback` when Switchyard describes the tools in a system message in that same syntax.
 * `jsonSchema`: response_format json_schema / json_object enforced by constrained decoding.
 */
export interface ModelCapabilities {
  tools: 'native' | 'fallback';
  jsonSchema: boolean;
}

export interface Backend {
  /** The target name this backend serves (`local`, `cloud`, or a targets file's pool). */
  readonly target: string;
  generate(options: CallOptions): Promise<GenerateResult>;
  /**
   * Parts in order: any number of deltas, then exactly one `finish` or one `error`.
   * Errors before the first part may also be thrown from the first `next()`.
   */
  stream(options: CallOptions): AsyncIterable<StreamPart>;
  health(): BackendHealth;
  close(): Promise<void>;
}
