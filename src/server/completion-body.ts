import type { FinishReason, GenerateResult, TokenLogprob, Usage } from '../backends/backend.js';
import type { SwitchyardInfo } from './switchyard-info.js';

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Present when a backend reused cached prompt tokens (the local model's prefix cache). */
  prompt_tokens_details?: { cached_tokens: number };
  /** Present when a reasoning model reported its thinking tokens. */
  completion_tokens_details?: { reasoning_tokens: number };
}

/** OpenAI usage, or undefined when a backend could not count (we never invent numbers). */
export function openAIUsage(usage: Usage): OpenAIUsage | undefined {
  if (usage.promptTokens === undefined || usage.completionTokens === undefined) return undefined;
  const counted: OpenAIUsage = { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.promptTokens + usage.completionTokens };
  if (usage.cachedPromptTokens !== undefined) counted.prompt_tokens_details = { cached_tokens: usage.cachedPromptTokens };
  if (usage.reasoningTokens !== undefined) counted.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  return counted;
}

/** A `chat.completion` object as the official SDKs parse it. */
export function completionBody(id: string, created: number, result: GenerateResult, switchyard: SwitchyardInfo): Record<string, unknown> {
  // OpenAI answers a call-only turn with `content: null`, and some clients check for exactly that.
  const content = result.content === '' && result.toolCalls.length > 0 ? null : result.content;
  const message: Record<string, unknown> = { role: 'assistant', content, refusal: null, ...result.extraMessage };
  if (result.toolCalls.length > 0) message['tool_calls'] = result.toolCalls;
  const usage = openAIUsage(result.usage);
  return {
    id,
    object: 'chat.completion',
    created,
    model: switchyard.model,
    choices: [{ index: 0, message, logprobs: openAILogprobs(result.logprobs), finish_reason: result.finishReason satisfies FinishReason }],
    ...(usage === undefined ? {} : { usage }),
    ...(result.warnings.length > 0 ? { warnings: result.warnings } : {}),
    switchyard,
  };
}

/** A choice's `logprobs`: null unless the backend reported per-token log probabilities (asked for with `logprobs: true`). */
export function openAILogprobs(logprobs: TokenLogprob[] | undefined): { content: TokenLogprob[]; refusal: null } | null {
  return logprobs === undefined ? null : { content: logprobs, refusal: null };
}
