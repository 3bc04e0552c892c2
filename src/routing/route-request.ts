import type { ChatMessage, ToolDefinition } from '../backends/backend.js';
import type { Capability } from '../capabilities.js';
import type { SignalOverride } from '../signals/override.js';

/** What the router needs to know about a request to decide where it goes. */
export interface RouteRequest {
  /** The `model` field as sent: `auto`, `local`, `cloud` or a concrete id. */
  requestedModel: string;
  messages: ChatMessage[];
  /** From the `x-switchyard-tags` header, lower-cased. */
  tags: string[];
  maxTokens: number | null;
  /** The tools the model may call (tool_choice applied): a local model's prompt lists them, so they count against its window. */
  tools?: readonly ToolDefinition[];
  /** What the request needs beyond plain text chat (see requestCapabilities); none when absent. */
  uses?: readonly Capability[];
  /** `x-switchyard-fallback: never` forbids answering from another target. */
  fallbackForbidden: boolean;
  /** Dry runs only: signal fields that replace the live ones for this one decision (the override-file shape). */
  signalOverrides?: SignalOverride;
}
