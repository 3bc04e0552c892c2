import type { IncomingHttpHeaders } from 'node:http';
import { activeTools } from '../backends/active-tools.js';
import type { ChatMessage, ToolDefinition } from '../backends/backend.js';
import { requestCapabilities } from '../capabilities.js';
import { parseTags } from '../policy/request-facts.js';
import type { ChatTurn } from '../routing/handle-request.js';
import type { RouteRequest } from '../routing/route-request.js';
import { type ChatRequest, toCall, toChatMessage, toolOptions } from './chat-request.js';
import { completionId } from './ids.js';

/** What the router needs to decide, from a validated body and the `x-switchyard-*` headers. */
export function toRouteRequest(
  request: ChatRequest,
  headers: IncomingHttpHeaders,
  messages: ChatMessage[] = request.messages.map(toChatMessage),
  tools: readonly ToolDefinition[] = activeTools(toolOptions(request)),
): RouteRequest {
  return {
    requestedModel: request.model,
    messages,
    tags: parseTags(headers['x-switchyard-tags']),
    maxTokens: request.max_completion_tokens ?? request.max_tokens ?? null,
    tools,
    uses: requestCapabilities(request),
    fallbackForbidden: String(headers['x-switchyard-fallback'] ?? '').toLowerCase() === 'never',
  };
}

export interface TurnOptions {
  signal: AbortSignal;
  /** `x-switchyard-defer` asked to keep the request if the upstream is out of reach. */
  defer: boolean;
  replay: boolean;
  apiKeyId: string | null;
  captureContent: boolean;
}

/** A validated chat request as the pipeline's input (the messages are converted once, for deciding and calling). */
export function toChatTurn(request: ChatRequest, headers: IncomingHttpHeaders, options: TurnOptions): ChatTurn {
  const messages = request.messages.map(toChatMessage);
  const call = toCall(request, messages, options.signal);
  return {
    id: completionId(),
    startedAt: Date.now(),
    t0: performance.now(),
    route: toRouteRequest(request, headers, messages, activeTools(call)),
    call,
    stream: request.stream === true,
    deferrable: options.defer ? request : null,
    replay: options.replay,
    apiKeyId: options.apiKeyId,
    captureContent: options.captureContent,
  };
}
