import type { GenerateResult, StreamPart, TokenLogprob, ToolCall } from '../backend.js';

/** generate() is stream() collected: one code path, so both answer the same text and calls for the same request. */
export async function collectStream(parts: AsyncIterable<StreamPart>): Promise<GenerateResult> {
  let content = '';
  let logprobs: TokenLogprob[] | undefined;
  const toolCalls: ToolCall[] = [];
  for await (const part of parts) {
    if (part.type === 'text-delta') {
      content += part.text;
      if (part.logprobs !== undefined) (logprobs ??= []).push(...part.logprobs);
    }
    else if (part.type === 'tool-call-delta') {
      const { index, id, name, argumentsDelta } = part.delta;
      const call = (toolCalls[index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
      if (id !== undefined) call.id = id;
      if (name !== undefined) call.function.name = name;
      if (argumentsDelta !== undefined) call.function.arguments += argumentsDelta;
    } else if (part.type === 'error') throw part.error;
    else if (part.type === 'finish') {
      return {
        content,
        toolCalls,
        finishReason: part.finishReason,
        usage: part.usage,
        model: part.model,
        warnings: part.warnings,
        ...(part.computeMs === undefined ? {} : { computeMs: part.computeMs }),
        ...(part.confidence === undefined ? {} : { confidence: part.confidence }),
        ...(logprobs === undefined ? {} : { logprobs }),
      };
    }
  }
  throw new Error('local stream ended without a finish part');
}
