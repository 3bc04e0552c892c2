import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { FeatureSpace } from './feature-space.js';

/** Default location of the labeled routing data (read in place, never copied into the repo). */
export const DEFAULT_DATA = new URL('../../../shared/data/routing-dev/mmlu-dev.jsonl', import.meta.url).pathname;

const RowSchema = z.object({
  subject: z.string(),
  prompt: z.string(),
  weak_correct: z.boolean(),
  strong_correct: z.boolean(),
});

export interface Example {
  subject: string;
  prompt: string;
  weakCorrect: boolean;
  strongCorrect: boolean;
  features: Float32Array;
}

export function loadExamples(path: string, space: FeatureSpace): Example[] {
  const lines = readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '');
  return lines.map((line, index) => {
    const parsed = RowSchema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`${path}:${index + 1}: ${parsed.error.message}`);
    const row = parsed.data;
    return {
      subject: row.subject,
      prompt: row.prompt,
      weakCorrect: row.weak_correct,
      strongCorrect: row.strong_correct,
      features: space.of([{ role: 'user', content: row.prompt }]),
    };
  });
}

/**
 * The learning target. `weak_wrong` = P(the small model fails) uses every failure as signal;
 * `needs_strong` = P(strong right and weak wrong) is the routing oracle itself but has fewer positives.
 */
export type Target = 'weak_wrong' | 'needs_strong';

export function label(example: Example, target: Target): number {
  if (target === 'weak_wrong') return example.weakCorrect ? 0 : 1;
  return example.strongCorrect && !example.weakCorrect ? 1 : 0;
}
