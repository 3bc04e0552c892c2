import type { IncomingHttpHeaders } from 'node:http';
import type { RouteRequest } from '../routing/route-request.js';
import { toChatMessage, type ChatRequest } from './chat-request.js';

/** Comma-separated `x-switchyard-tags`, lower-cased. */
export function parseTags(headers: IncomingHttpHeaders): string[] {
  const raw = headers['x-switchyard-tags'];
  const text = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return text
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t.length > 0);
}

export function toRouteRequest(request: ChatRequest, headers: IncomingHttpHeaders): RouteRequest {
  return {
    requestedModel: request.model,
    messages: request.messages.map(toChatMessage),
    tags: parseTags(headers),
    maxTokens: request.max_completion_tokens ?? request.max_tokens ?? null,
    fallbackForbidden: String(headers['x-switchyard-fallback'] ?? '').toLowerCase() === 'never',
  };
}
