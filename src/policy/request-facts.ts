/**
 * Small facts about a request that the server and `policy test` must compute the same way, so a case file
 * predicts what the server will do.
 */

/** `x-switchyard-tags: Private, beta` → `['private', 'beta']` (comma-separated, trimmed, lowercased, no empties). */
export function parseTags(value: string | readonly string[] | undefined | null): string[] {
  if (value === undefined || value === null) return [];
  const parts = typeof value === 'string' ? value.split(',') : value.flatMap((v) => v.split(','));
  return [...new Set(parts.map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))];
}

/**
 * Whether the prompt plus the requested completion fit the local context window (all in tokens): the one rule,
 * shared by the policy's `fitsLocal` and the local model's own check before generating. No local model (window
 * null) never fits; an unset `max_tokens` still needs room for one token of answer.
 */
export function fitsLocalContext(promptTokens: number, maxTokens: number | null, contextWindow: number | null): boolean {
  return contextWindow !== null && promptTokens + (maxTokens ?? 1) <= contextWindow;
}

/**
 * Prompt tokens when no local tokenizer is loaded (and in `policy test` cases that do not pin them): about four
 * characters a token, plus four per message for the chat template's framing.
 */
export function estimateTokens(messages: readonly { content: string }[]): number {
  let tokens = 0;
  for (const m of messages) tokens += Math.ceil(m.content.length / 4) + 4;
  return tokens;
}
