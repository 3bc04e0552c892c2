import type { CallOptions, ToolDefinition } from './backend.js';

/**
 * The tools the model may call under a request's tool_choice (a named choice narrows to that one, `none` to
 * none). A local model's prompt lists exactly these, so they also count against its context window.
 */
export function activeTools(options: Pick<CallOptions, 'tools' | 'toolChoice'>): ToolDefinition[] {
  const tools = options.tools ?? [];
  const choice = options.toolChoice ?? 'auto';
  if (choice === 'none') return [];
  if (typeof choice === 'object') return tools.filter((t) => t.name === choice.name);
  return tools;
}
