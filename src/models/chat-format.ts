import { Template } from '@huggingface/jinja';
import type { ChatMessage, ModelCapabilities, ToolDefinition } from '../backends/backend.js';
import { specialTokenText } from './model-config.js';
import type { ModelFolder } from './model-folder.js';
import { TOOL_CALL_TRIGGER, fallbackToolsPrompt, renderToolCall, templateTool, toolResponse } from './tool-call-syntax.js';

/**
 * Turns chat messages into prompt token ids.
 *
 * With a chat template (tokenizer_config.json `chat_template`) the template is rendered with
 * `add_generation_prompt: true` and encoded without adding special tokens again (templates write their own BOS).
 *
 * Without one (base models such as stories260K) the documented plain format is used: the message contents,
 * in order, joined by a blank line ("\n\n"), with no role markers, encoded with the tokenizer's own special
 * tokens (usually a leading BOS). The model simply continues that text.
 *
 * Tools: a template that renders `tools` and Qwen's `<tool_call>` syntax (Qwen2.5/3, Hermes, ...) gets the
 * tools, past calls and tool results in Hugging Face's shape, as it was trained. Any other model gets the
 * fallback format of tool-call-syntax.ts, in plain messages its template can render.
 */
export interface PromptFormatter {
  readonly hasChatTemplate: boolean;
  readonly toolSupport: ModelCapabilities['tools'];
  /** `assistantPrefix`: the start of the answer, already written, for the model to continue. */
  render(messages: ChatMessage[], assistantPrefix?: string, tools?: readonly ToolDefinition[]): string;
  encode(messages: ChatMessage[], assistantPrefix?: string, tools?: readonly ToolDefinition[]): number[];
}

export function createPromptFormatter(model: ModelFolder): PromptFormatter {
  const source = chatTemplateSource(model);
  // Compiled once at load: parsing a template per request costs more than tokenizing the prompt.
  const template = source === undefined ? undefined : new Template(source);
  const toolSupport = source?.includes('tools') && source.includes(TOOL_CALL_TRIGGER) ? 'native' : 'fallback';
  const bos = specialTokenText(model.tokenizerConfig.bos_token) ?? '';
  const eos = specialTokenText(model.tokenizerConfig.eos_token) ?? '';
  const render = (messages: ChatMessage[], assistantPrefix = '', tools: readonly ToolDefinition[] = []): string => {
    const turns = toolSupport === 'native' ? messages.map(nativeTurn) : fallbackTurns(messages, tools);
    // A continuation is the prompt up to the assistant's turn, then the answer so far, with nothing closing it.
    if (template === undefined) return [...turns.map((m) => m['content'] as string), assistantPrefix].filter((t) => t !== '').join('\n\n');
    const prompt = template.render({
      messages: turns,
      ...(toolSupport === 'native' && tools.length > 0 ? { tools: tools.map(templateTool) } : {}),
      add_generation_prompt: true,
      bos_token: bos,
      eos_token: eos,
    });
    return prompt + assistantPrefix;
  };
  // The router measures a request (measure()) right before running it: remember the last few encodings so
  // the prompt is tokenized once (BPE over a long un-pretokenized prompt costs 1-5 ms here).
  const recent = new Map<string, number[]>();
  const encode = (messages: ChatMessage[], assistantPrefix?: string, tools?: readonly ToolDefinition[]): number[] => {
    const text = render(messages, assistantPrefix, tools);
    const hit = recent.get(text);
    if (hit !== undefined) return hit;
    const ids = model.tokenizer.encode(text, { add_special_tokens: template === undefined }).ids;
    recent.set(text, ids);
    if (recent.size > 8) recent.delete(recent.keys().next().value as string);
    return ids;
  };
  return { hasChatTemplate: template !== undefined, toolSupport, render, encode };
}

type TemplateTurn = Record<string, unknown>;

/** Hugging Face's message shape: tool calls with their arguments as objects (templates `tojson` them). */
function nativeTurn(message: ChatMessage): TemplateTurn {
  const turn: TemplateTurn = { role: message.role === 'developer' ? 'system' : message.role, content: message.content };
  if (message.toolCalls !== undefined && message.toolCalls.length > 0) {
    turn['tool_calls'] = message.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.function.name, arguments: parseArguments(call.function.arguments) },
    }));
  }
  if (message.toolCallId !== undefined) turn['tool_call_id'] = message.toolCallId;
  if (message.name !== undefined && message.role === 'tool') turn['name'] = message.name;
  return turn;
}

/** Plain system/user/assistant turns carrying the tools, the calls and the results as text. */
function fallbackTurns(messages: ChatMessage[], tools: readonly ToolDefinition[]): TemplateTurn[] {
  const turns: TemplateTurn[] = messages.map((m) => {
    if (m.role === 'tool') return { role: 'user', content: toolResponse(m.content) };
    const calls = (m.toolCalls ?? []).map((c) => renderToolCall(c.function.name, c.function.arguments));
    const content = [m.content, ...calls].filter((t) => t !== '').join('\n');
    return { role: m.role === 'developer' ? 'system' : m.role, content };
  });
  if (tools.length === 0) return turns;
  const prompt = fallbackToolsPrompt(tools);
  const first = turns[0];
  if (first?.['role'] === 'system') return [{ role: 'system', content: `${first['content'] as string}\n\n${prompt}` }, ...turns.slice(1)];
  return [{ role: 'system', content: prompt }, ...turns];
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON (a client's own history): the template prints it as the string it is.
    return text;
  }
}

function chatTemplateSource(model: ModelFolder): string | undefined {
  const raw = model.tokenizerConfig.chat_template;
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw === 'string') return raw;
  return (raw.find((t) => t.name === 'default') ?? raw[0])?.template;
}
