import type { GenerationConfig } from './model-config.js';

/**
 * Completion tokens when neither the request (`max_tokens`) nor the model's generation_config.json says:
 * a long chat answer (~380 words), not the whole window, which on a small model is mostly repetition.
 */
export const DEFAULT_MAX_NEW_TOKENS = 512;

/**
 * How many tokens a request without `max_tokens` may generate, before the window's own limit:
 * generation_config.json's `max_new_tokens`, else its `max_length` (which counts the prompt too, as in
 * transformers), else DEFAULT_MAX_NEW_TOKENS. At least 1.
 */
export function defaultMaxNewTokens(generation: GenerationConfig, promptTokens: number): number {
  if (generation.max_new_tokens !== undefined) return generation.max_new_tokens;
  if (generation.max_length !== undefined) return Math.max(1, generation.max_length - promptTokens);
  return DEFAULT_MAX_NEW_TOKENS;
}
