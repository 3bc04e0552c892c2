import { activeTools } from '../../active-tools.js';
import type { CallOptions } from '../../backend.js';

/**
 * What constrains one generation, as plain data: it crosses to the worker, and its JSON text keys the
 * compiled-grammar cache. Schemas travel as JSON text.
 * - `json`: the whole answer is JSON valid against `schema` (response_format).
 * - `tool-calls`: calls in the tool-call syntax, arguments valid against each tool's parameters. `auto`: free
 *   text until the model starts a call (or, with `answerSchema`, either calls or that JSON answer);
 *   `required`: one or more calls and nothing else; `one`: exactly one call (tool_choice names a function).
 *   `single`: stop after the first call (`parallel_tool_calls: false`).
 */
export type GrammarSpec =
  | { kind: 'json'; schema: string }
  | {
      kind: 'tool-calls';
      mode: 'auto' | 'required' | 'one';
      tools: Array<{ name: string; parameters: string }>;
      answerSchema?: string;
      /** At most one call (`parallel_tool_calls: false`, or a named tool_choice). */
      single: boolean;
    };

/** The arguments of a function declared without `parameters`: OpenAI's "empty parameter list". */
const NO_PARAMETERS = { type: 'object', properties: {}, additionalProperties: false };

/** The grammar a request needs, or undefined for free text. */
export function grammarFor(options: CallOptions): GrammarSpec | undefined {
  const json = jsonSchemaOf(options);
  const tools = activeTools(options);
  if (tools.length === 0) return json === undefined ? undefined : { kind: 'json', schema: JSON.stringify(json) };
  const choice = options.toolChoice ?? 'auto';
  const spec: GrammarSpec = {
    kind: 'tool-calls',
    mode: typeof choice === 'object' ? 'one' : choice === 'required' ? 'required' : 'auto',
    single: typeof choice === 'object' || options.extra['parallel_tool_calls'] === false,
    tools: tools.map((t) => ({ name: t.name, parameters: JSON.stringify(Object.keys(t.parameters).length === 0 ? NO_PARAMETERS : t.parameters) })),
  };
  if (json !== undefined && spec.mode === 'auto') spec.answerSchema = JSON.stringify(json);
  return spec;
}


function jsonSchemaOf(options: CallOptions): Record<string, unknown> | undefined {
  const format = options.responseFormat;
  if (format?.type === 'json_schema') return format.schema;
  if (format?.type === 'json_object') return { type: 'object' };
  return undefined;
}
