import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ChatMessage } from '../../src/backends/backend.js';

/**
 * Chat prompts in the eight categories of open-ended multi-turn chat benchmarks, written for this project
 * (none copied from a benchmark), a third of them two-turn. They carry no per-prompt labels, only a category.
 * Small models trail large ones most on math, reasoning and coding, and least on writing, roleplay and
 * humanities; extraction and STEM explanations sit between. So the check is: how often does a prompt from a
 * "hard" category outscore one from an "easy" category (a pairwise AUC; 0.5 = no better than chance)?
 *
 * `dev` was used to choose the scorer's priors; `holdout` was written separately and is never fitted (it was
 * consulted to decide whether each prior ships, so it is no longer pristine).
 */
export const CHAT_SETS = {
  dev: new URL('../../test/fixtures/scoring/chat-categories-dev.jsonl', import.meta.url).pathname,
  holdout: new URL('../../test/fixtures/scoring/chat-categories-holdout.jsonl', import.meta.url).pathname,
} as const;

export const CATEGORIES = ['writing', 'roleplay', 'humanities', 'stem', 'extraction', 'reasoning', 'math', 'coding'] as const;
export type Category = (typeof CATEGORIES)[number];
const HARD: ReadonlySet<Category> = new Set(['math', 'reasoning', 'coding']);
const EASY: ReadonlySet<Category> = new Set(['writing', 'roleplay', 'humanities']);

const Message = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });
const Row = z.union([
  z.object({ category: z.enum(CATEGORIES), prompt: z.string() }),
  z.object({ category: z.enum(CATEGORIES), messages: z.array(Message).min(1) }),
]);

export interface ChatPrompt {
  category: Category;
  messages: ChatMessage[];
}

export function loadChatSet(path: string): ChatPrompt[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((line, i) => {
    const parsed = Row.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`${path}:${i + 1}: ${parsed.error.message}`);
    const row = parsed.data;
    return { category: row.category, messages: 'prompt' in row ? [{ role: 'user', content: row.prompt }] : row.messages };
  });
}

export interface ChatCheck {
  /** Share of (hard-category, easy-category) pairs ordered hard above easy; ties count half. */
  hardAboveEasy: number;
  /** Per category: the mean percentile of its prompts' scores within the whole set (0 = lowest, 1 = highest). */
  meanPercentile: Record<Category, number>;
}

export function checkChatOrder(prompts: readonly ChatPrompt[], scores: readonly number[]): ChatCheck {
  let good = 0, total = 0;
  prompts.forEach((hard, i) => {
    if (!HARD.has(hard.category)) return;
    prompts.forEach((easy, j) => {
      if (!EASY.has(easy.category)) return;
      const a = scores[i] ?? 0, b = scores[j] ?? 0;
      total += 1;
      good += a > b ? 1 : a === b ? 0.5 : 0;
    });
  });
  const sorted = [...scores].sort((a, b) => a - b);
  const percentile = (s: number) => sorted.filter((v) => v < s).length / Math.max(1, sorted.length - 1);
  const meanPercentile = Object.fromEntries(CATEGORIES.map((c) => {
    const own = prompts.flatMap((p, i) => (p.category === c ? [percentile(scores[i] ?? 0)] : []));
    return [c, own.length === 0 ? 0 : own.reduce((a, b) => a + b, 0) / own.length];
  })) as Record<Category, number>;
  return { hardAboveEasy: total === 0 ? 0.5 : good / total, meanPercentile };
}
