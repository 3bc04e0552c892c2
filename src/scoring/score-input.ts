import { z } from 'zod';
import type { ChatMessage } from '../backends/backend.js';

/**
 * One line of `switchyard score` input: `{ "prompt": "…" }` or `{ "messages": [{ role, content }] }` with
 * content a string or OpenAI text parts. Other fields (labels, ids) are allowed and ignored.
 */
const TextPart = z.object({ type: z.literal('text'), text: z.string() });
const MessageSchema = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(TextPart), z.null()]),
});
export const ScoreInputSchema = z.union([
  z.object({ messages: z.array(MessageSchema).min(1) }),
  z.object({ prompt: z.string() }),
]);

export function toMessages(input: z.infer<typeof ScoreInputSchema>): ChatMessage[] {
  if ('messages' in input) {
    return input.messages.map((m) => ({
      role: m.role,
      content: typeof m.content === 'string' ? m.content : (m.content ?? []).map((p) => p.text).join(''),
    }));
  }
  return [{ role: 'user', content: input.prompt }];
}

/** Parses JSONL text; throws naming the 1-based line of the first bad line. A final trailing newline is fine. */
export function parseScoreInput(text: string, source: string): ChatMessage[][] {
  const lines = text.split('\n');
  if (lines.at(-1)?.trim() === '') lines.pop();
  return lines.map((line, index) => {
    const where = `${source}:${index + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new Error(`${where}: not valid JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    }
    const parsed = ScoreInputSchema.safeParse(json);
    if (!parsed.success) throw new Error(`${where}: expected {"prompt": string} or {"messages": [{role, content}]}`);
    return toMessages(parsed.data);
  });
}
