import { z } from 'zod';
import type { CallOptions, ChatMessage, Role } from '../backends/backend.js';

/**
 * The body of POST /v1/chat/completions. Loose objects: fields we do not model are kept and forwarded
 * upstream untouched, so nothing a client sent is silently lost.
 */
const TextPartSchema = z.looseObject({ type: z.literal('text'), text: z.string() });
const OtherPartSchema = z.looseObject({ type: z.string().refine((t) => t !== 'text', 'text parts need a "text" string') });
const ContentSchema = z.union([z.string(), z.array(z.union([TextPartSchema, OtherPartSchema]))]);

const ToolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const MessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: ContentSchema.nullable().optional(),
  name: z.string().optional(),
  tool_calls: z.array(ToolCallSchema).optional(),
  tool_call_id: z.string().optional(),
});

const MaxTokensSchema = z.number().int().min(1).nullable().optional();

export const ChatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(MessageSchema).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  max_tokens: MaxTokensSchema,
  max_completion_tokens: MaxTokensSchema,
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  n: z.literal(1, { message: 'only n = 1 is supported' }).nullable().optional(),
  tools: z.array(z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) })).optional(),
  tool_choice: z
    .union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) })])
    .optional(),
  response_format: z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema']) }).optional(),
  user: z.string().optional(),
});

export type ChatRequest = z.infer<typeof ChatRequestSchema>;
type Message = z.infer<typeof MessageSchema>;

function flattenContent(content: Message['content']): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
}

export function toChatMessage(message: Message): ChatMessage {
  const role: Role = message.role === 'function' ? 'tool' : message.role;
  const out: ChatMessage = { role, content: flattenContent(message.content), original: message };
  if (message.name !== undefined) out.name = message.name;
  if (message.tool_calls !== undefined) out.toolCalls = message.tool_calls;
  if (message.tool_call_id !== undefined) out.toolCallId = message.tool_call_id;
  return out;
}

const NOT_EXTRA = new Set(['model', 'messages', 'stream', 'stream_options']);

/** Provider-neutral call options for a validated request (model and signal are the router's to fill). */
export function toCallOptions(request: ChatRequest, model: string, signal: AbortSignal): CallOptions {
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) if (!NOT_EXTRA.has(key)) extra[key] = value;
  const options: CallOptions = { messages: request.messages.map(toChatMessage), model, extra, signal };
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) options.maxTokens = maxTokens;
  if (request.temperature != null) options.temperature = request.temperature;
  if (request.top_p != null) options.topP = request.top_p;
  if (request.seed != null) options.seed = request.seed;
  if (request.stop != null) options.stop = typeof request.stop === 'string' ? [request.stop] : request.stop;
  return options;
}
