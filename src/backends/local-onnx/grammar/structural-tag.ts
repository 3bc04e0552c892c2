import { TOOL_CALL_END, TOOL_CALL_SEPARATOR, TOOL_CALL_TRIGGER, toolCallBegin } from '../../../models/tool-call-syntax.js';
import type { GrammarSpec } from './grammar-spec.js';
import { xgrammar } from './xgrammar-module.js';

/**
 * The xgrammar structural tag (JSON text) for a tool-calls spec. Each call is a tag: its begin string (up to
 * the arguments), the arguments as compact JSON valid against the tool's parameters, its end string.
 */
export async function toolCallsStructuralTag(spec: Extract<GrammarSpec, { kind: 'tool-calls' }>): Promise<string> {
  const tags = await Promise.all(
    spec.tools.map(async (tool) => ({
      type: 'tag',
      begin: toolCallBegin(tool.name),
      content: { type: 'grammar', grammar: await compactJsonGrammar(tool.parameters) },
      end: TOOL_CALL_END,
    })),
  );
  const calls = { type: 'tags_with_separator', tags, separator: TOOL_CALL_SEPARATOR, at_least_one: true, stop_after_first: spec.single };
  let format: Record<string, unknown> = calls;
  if (spec.mode === 'auto' && spec.answerSchema !== undefined) {
    format = { type: 'or', elements: [calls, { type: 'grammar', grammar: await compactJsonGrammar(spec.answerSchema) }] };
  } else if (spec.mode === 'auto') {
    // Free text until the model writes the trigger, then one of the calls; any number of times.
    format = { type: 'triggered_tags', triggers: [TOOL_CALL_TRIGGER], tags, at_least_one: false, stop_after_first: spec.single };
  }
  return JSON.stringify({ type: 'structural_tag', format });
}

/**
 * EBNF for JSON valid against a schema, written the way json.dumps writes it (`{"a": 1, "b": [2, 3]}`): one
 * line, one space after `:` and `,`. This is how tool-calling models are trained to write arguments, and no
 * free whitespace means a weak model cannot spend its max_tokens on spaces inside a valid-so-far object.
 */
export function compactJsonGrammar(schema: string): Promise<string> {
  return xgrammar().Testings._jsonSchemaToEBNF(schema, false, -1);
}
