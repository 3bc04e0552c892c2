import type { IncomingHttpHeaders } from 'node:http';
import { requestCapabilities } from '../capabilities.js';
import { parseTags } from '../policy/request-facts.js';
import type { RouteRequest } from '../routing/route-request.js';
import { toChatMessage, type ChatRequest } from './chat-request.js';

export function toRouteRequest(request: ChatRequest, headers: IncomingHttpHeaders): RouteRequest {
  return {
    requestedModel: request.model,
    messages: request.messages.map(toChatMessage),
    tags: parseTags(headers['x-switchyard-tags']),
    maxTokens: request.max_completion_tokens ?? request.max_tokens ?? null,
    uses: requestCapabilities(request),
    fallbackForbidden: String(headers['x-switchyard-fallback'] ?? '').toLowerCase() === 'never',
  };
}
