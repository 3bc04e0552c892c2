import { z } from 'zod';
import { fromPackageRoot } from '../../src/paths.js';
import { jsonl } from './task-corpus.js';

/**
 * A proxy check for math word problems, which the dev data lacks: GSM8K-format JSONL (`question`, `answer`
 * with one reasoning step per line before the final `#### n`). Small models fail word problems mostly when
 * they need many steps, so a scorer that transfers should rank questions by their solution's step count.
 * Not shipped with the project (bring the public file: `npm run bench:routing -- --word-problems FILE`).
 */
const Row = z.object({ question: z.string(), answer: z.string() });

export interface WordProblem {
  question: string;
  steps: number;
}

export function loadWordProblems(path: string): WordProblem[] {
  return jsonl(path).map((raw, i) => {
    const parsed = Row.safeParse(raw);
    if (!parsed.success) throw new Error(`${path}:${i + 1}: expected {"question", "answer"}: ${parsed.error.message}`);
    const lines = parsed.data.answer.split('\n');
    return { question: parsed.data.question, steps: lines.filter((l) => !l.startsWith('####')).length };
  });
}

/** Spearman rank correlation (ties get their average rank). */
export function spearman(x: readonly number[], y: readonly number[]): number {
  const rx = ranks(x), ry = ranks(y);
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(rx), my = mean(ry);
  let sxy = 0, sxx = 0, syy = 0;
  rx.forEach((v, i) => {
    const w = ry[i] ?? 0;
    sxy += (v - mx) * (w - my);
    sxx += (v - mx) ** 2;
    syy += (w - my) ** 2;
  });
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

function ranks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => (values[a] ?? 0) - (values[b] ?? 0));
  const out = new Array<number>(values.length).fill(0);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && values[order[j] ?? 0] === values[order[i] ?? 0]) j += 1;
    for (let k = i; k < j; k += 1) out[order[k] ?? 0] = (i + j - 1) / 2;
    i = j;
  }
  return out;
}

/**
 * 338 GSM8K train problems (from four stretches of the public train.jsonl, openai/grade-school-math, MIT) with
 * their reference solution's number of calculations (`<<…>>` annotations): test/fixtures/scoring/gsm8k-steps.jsonl
 * holds ids and counts only; the questions are read from ../shared's math-train.jsonl. Half is `tune` (the
 * math_numbers prior was chosen on it), half `holdout` (never tuned on).
 */
const StepsRow = z.object({ id: z.string(), steps: z.number().int().min(0), lines: z.number().int().min(0), split: z.enum(['tune', 'holdout']) });
const MathRow = z.object({ source: z.string(), id: z.string(), prompt: z.string() });

/** The hand-counted GSM8K problems (ids and counts; the questions are read from ../shared). */
export const GSM8K_STEPS_PATH = fromPackageRoot('test', 'fixtures', 'scoring', 'gsm8k-steps.jsonl');

const stepsRows = (stepsPath: string) => jsonl(stepsPath).map((raw) => StepsRow.parse(raw));

/** Ids of the counted problems, which nothing is trained on. */
export function gsm8kStepIds(stepsPath: string = GSM8K_STEPS_PATH): Set<string> {
  return new Set(stepsRows(stepsPath).map((row) => row.id));
}

export interface CountedProblem extends WordProblem {
  split: 'tune' | 'holdout';
}

export function loadGsm8kSteps(stepsPath: string, mathTrainPath: string): CountedProblem[] {
  const questions = new Map<string, string>();
  for (const raw of jsonl(mathTrainPath)) {
    const row = MathRow.parse(raw);
    if (row.source === 'gsm8k') questions.set(row.id, row.prompt);
  }
  return stepsRows(stepsPath).map((row, i) => {
    const question = questions.get(row.id);
    if (question === undefined) throw new Error(`${stepsPath}:${i + 1}: GSM8K ${row.id} is not in ${mathTrainPath}`);
    return { question, steps: row.steps, split: row.split };
  });
}
