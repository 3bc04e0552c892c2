import type { ToolDefinition } from '../backends/backend.js';

/**
 * The one tool-call syntax local models write: Hermes/Qwen's, which Qwen2.5/Qwen3, Hermes and many fine-tunes
 * are trained on, and which the fallback prompt teaches other models:
 *
 *     <tool_call>
 *     {"name": "get_weather", "arguments": {"city": "Oslo"}}
 *     </tool_call>
 *
 * Calls follow one another separated by a newline. The grammar forces these exact strings (key order, one
 * space after each colon), so parsing the output back is string matching, never guessing.
 */
export const TOOL_CALL_TRIGGER = '<tool_call>';
export const TOOL_CALL_END = '}\n</tool_call>';
export const TOOL_CALL_SEPARATOR = '\n';

/** What the model writes before a call's arguments object. */
export function toolCallBegin(name: string): string {
  return `${TOOL_CALL_TRIGGER}\n{"name": ${JSON.stringify(name)}, "arguments": `;
}

/** A past call, as the model would have written it (for conversation history in the fallback format). */
export function renderToolCall(name: string, argumentsJson: string): string {
  return toolCallBegin(name) + argumentsJson + TOOL_CALL_END;
}

/**
 * OpenAI's tool shape, which is also what Hugging Face chat templates take as `tools`. The parameters'
 * `$schema` dialect URL (zod and SDK helpers add one) is dropped: it means nothing to the model and costs
 * prompt tokens on every request.
 */
export function templateTool(tool: ToolDefinition): Record<string, unknown> {
  const fn: Record<string, unknown> = { name: tool.name };
  if (tool.description !== undefined) fn['description'] = tool.description;
  const { $schema: _dialect, ...parameters } = tool.parameters;
  fn['parameters'] = parameters;
  return { type: 'function', function: fn };
}

/**
 * The fallback format for chat templates that do not render tools (the bundled tiny model, Llama 3.0, most
 * base templates): this system text, Qwen's own wording, goes first (merged into a system message if there
 * is one); past calls are written into the assistant turn in the syntax above; tool results come back as a
 * user turn wrapped in <tool_response> tags.
 */
export function fallbackToolsPrompt(tools: readonly ToolDefinition[]): string {
  return (
    '# Tools\n\nYou may call one or more functions to assist with the user query.\n\n' +
    'You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n' +
    tools.map((t) => JSON.stringify(templateTool(t))).join('\n') +
    '\n</tools>\n\nFor each function call, return a json object with function name and arguments within ' +
    '<tool_call></tool_call> XML tags:\n<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>'
  );
}

export function toolResponse(content: string): string {
  return `<tool_response>\n${content}\n</tool_response>`;
}
