import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Hand-written chat prompts (not exam questions) labeled easy/hard, for checking the ordering transfers. */
export const SANITY_PROMPTS = new URL('../../test/fixtures/scoring/sanity-prompts.jsonl', import.meta.url).pathname;

const SanitySchema = z.object({ level: z.enum(['easy', 'hard']), prompt: z.string() });
export type SanityPrompt = z.infer<typeof SanitySchema>;

export function loadSanityPrompts(path: string = SANITY_PROMPTS): SanityPrompt[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => SanitySchema.parse(JSON.parse(l)));
}

/** Share of (easy, hard) pairs the scores order correctly: 1 = every hard prompt above every easy one. */
export function pairwiseOrder(items: ReadonlyArray<{ level: 'easy' | 'hard'; score: number }>): number {
  let good = 0, total = 0;
  for (const h of items) if (h.level === 'hard') for (const e of items) if (e.level === 'easy') {
    total += 1;
    good += h.score > e.score ? 1 : h.score === e.score ? 0.5 : 0;
  }
  return total === 0 ? 1 : good / total;
}
