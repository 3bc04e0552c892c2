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
 * Whether the prompt plus the requested completion fit the local context window (all in tokens).
 * No local model (window null) never fits; an unset `max_tokens` reserves nothing.
 */
export function fitsLocalContext(promptTokens: number, maxTokens: number | null, contextWindow: number | null): boolean {
  return contextWindow !== null && promptTokens + (maxTokens ?? 0) <= contextWindow;
}

