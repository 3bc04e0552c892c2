import { z } from 'zod';
import type { CallOptions, ChatMessage, ResponseFormat, Role, ToolChoice, ToolDefinition } from '../backends/backend.js';
import { jsonSchemaField } from './json-schema-check.js';

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
}).refine((m) => (m.content !== undefined && m.content !== null) || (m.role === 'assistant' && (m.tool_calls !== undefined || m['function_call'] !== undefined)), {
  // As OpenAI: only an assistant message that calls a tool may leave its content out.
  message: "'content' is required (only an assistant message with 'tool_calls' may omit it)",
  path: ['content'],
});

/** OpenAI's rule for function and schema names. */
const NameSchema = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes');

const ResponseFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: NameSchema,
      description: z.string().optional(),
      schema: jsonSchemaField().optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

const ToolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: NameSchema,
    description: z.string().optional(),
    parameters: jsonSchemaField().optional(),
    strict: z.boolean().nullable().optional(),
  }),
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
  stop: z
    .union([z.string(), z.array(z.string()).max(4)])
    .nullable()
    .optional(),
  seed: z.number().int().nullable().optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  n: z.literal(1, { message: 'only n = 1 is supported' }).nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
  tools: z.array(ToolSchema).optional(),
  tool_choice: z
    .union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) })])
    .optional(),
  response_format: ResponseFormatSchema.optional(),
  user: z.string().optional(),
}).superRefine((request, ctx) => {
  const choice = request.tool_choice;
  if (typeof choice === 'object' && !(request.tools ?? []).some((t) => t.function.name === choice.function.name)) {
    ctx.addIssue({ code: 'custom', message: `no tool named '${choice.function.name}' in tools`, path: ['tool_choice', 'function', 'name'] });
  }
  if (choice === 'required' && (request.tools ?? []).length === 0) {
    ctx.addIssue({ code: 'custom', message: "'required' needs at least one tool in tools", path: ['tool_choice'] });
  }
  if (request.top_logprobs != null && request.logprobs !== true) {
    ctx.addIssue({ code: 'custom', message: "'top_logprobs' needs 'logprobs' set to true", path: ['top_logprobs'] });
  }
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

/** Provider-neutral call options for a validated request (the model is dispatch's to fill). */
export function toCall(request: ChatRequest, messages: ChatMessage[], signal: AbortSignal): Omit<CallOptions, 'model'> {
  const extra: Record<string, unknown> = {};
  for (const key in request) if (!NOT_EXTRA.has(key)) extra[key] = request[key];
  const options: Omit<CallOptions, 'model'> = { messages, extra, signal };
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) options.maxTokens = maxTokens;
  if (request.temperature != null) options.temperature = request.temperature;
  if (request.top_p != null) options.topP = request.top_p;
  if (request.seed != null) options.seed = request.seed;
  if (request.presence_penalty != null) options.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty != null) options.frequencyPenalty = request.frequency_penalty;
  if (request.stop != null) options.stop = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.response_format !== undefined) options.responseFormat = responseFormat(request.response_format);
  Object.assign(options, toolOptions(request));
  if (request.logprobs === true) options.logprobs = { top: request.top_logprobs ?? 0 };
  return options;
}

/** The request's `tools` and `tool_choice`, neutral (absent when not sent). */
export function toolOptions(request: ChatRequest): Pick<CallOptions, 'tools' | 'toolChoice'> {
  const options: Pick<CallOptions, 'tools' | 'toolChoice'> = {};
  if (request.tools !== undefined && request.tools.length > 0) options.tools = request.tools.map(toolDefinition);
  if (request.tool_choice !== undefined) options.toolChoice = toolChoice(request.tool_choice);
  return options;
}

function responseFormat(format: z.infer<typeof ResponseFormatSchema>): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  const { name, schema, strict } = format.json_schema;
  // No schema: any JSON value would do, but an object is what every client of JSON mode expects.
  return { type: 'json_schema', name, schema: schema ?? { type: 'object' }, strict: strict === true };
}

function toolDefinition(tool: z.infer<typeof ToolSchema>): ToolDefinition {
  const { name, description, parameters } = tool.function;
  return { name, parameters: parameters ?? {}, ...(description === undefined ? {} : { description }) };
}

function toolChoice(choice: NonNullable<ChatRequest['tool_choice']>): ToolChoice {
  return typeof choice === 'string' ? choice : { name: choice.function.name };
}

/** The whole call for one backend and model (tests and tools that call a backend directly). */
export function toCallOptions(request: ChatRequest, model: string, signal: AbortSignal): CallOptions {
  return { ...toCall(request, request.messages.map(toChatMessage), signal), model };
}
