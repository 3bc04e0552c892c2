import { z } from 'zod';
import type { TaskClassifier } from '../../src/scoring/task-classifier.js';
import type { LanguageOf } from '../../src/scoring/language.js';
import { scoreVector } from '../../src/scoring/task-features.js';
import { jsonl, ROUTING_DEV } from './task-corpus.js';
import { gsm8kStepIds } from './word-problems.js';

/**
 * The score model's labelled rows, pooled from every dev file that says how hard a prompt is for a small model
 * (read in place from ../shared, never copied in):
 * - `mmlu`: Mixtral-8x7B (weak) and GPT-4 (strong) correctness per exam question, 57 subjects;
 * - `routerbench`: Mistral-7B (weak) and GPT-4 (strong) on ARC-Challenge, WinoGrande and MBPP;
 * - `flask`: GPT-4-annotated difficulty 1–5 of real instructions across domains (no model outcomes);
 * - `math`: MATH competition problems with difficulty levels 1–5.
 * `y` is the target in [0, 1]: P(the small model fails) where outcomes exist, a graded difficulty otherwise.
 */
export type ScoreSource = 'mmlu' | 'routerbench' | 'flask' | 'math';
export const SCORE_SOURCES: readonly ScoreSource[] = ['mmlu', 'routerbench', 'flask', 'math'];

export interface ScoreRow {
  source: ScoreSource;
  /** Subject (MMLU, MATH), dataset (RouterBench) or source task (FLASK): the unit of grouped cross-validation. */
  group: string;
  prompt: string;
  y: number;
  /** Model outcomes, where the source has them (MMLU, RouterBench). */
  outcome?: { weakCorrect: boolean; strongCorrect: boolean };
  /** FLASK difficulty or MATH level, 1–5. */
  level?: number;
  /** FLASK's skills the instruction tests ("Factuality", "Logical Correctness", …). */
  skills?: readonly string[];
  x: Float32Array;
}

const Mmlu = z.object({ subject: z.string(), prompt: z.string(), weak_correct: z.boolean(), strong_correct: z.boolean() });
const Bench = z.object({ dataset: z.string(), prompt: z.string(), weak_correct: z.boolean(), strong_correct: z.boolean() });
const Flask = z.object({ task: z.string(), prompt: z.string(), difficulty: z.number().int().min(1).max(5), skills: z.array(z.string()) });
const MathRow = z.object({ source: z.string(), id: z.string(), subject: z.string(), prompt: z.string(), level: z.number().int().nullable() });

export interface MathLevelRow {
  prompt: string;
  subject: string;
  level: number;
}

/** The subject of GSM8K's grade-school word problems in math-train.jsonl. */
export const GRADE_SCHOOL = 'grade school math';

/**
 * GSM8K problems kept for the within-math demand model: every this-many-th (1,427 of the 7,135 not counted for
 * the benchmark), about as many as each of MATH's five levels has.
 */
const GSM8K_STRIDE = 5;

/**
 * What the within-math demand model is fitted on: every MATH train problem with its level, and grade-school word
 * problems (GSM8K; recipe.ts tells competition math from them). The GSM8K problems whose steps the benchmark
 * counts (`excludeIds`) are left out.
 */
export function loadMathLevels(dir: string = ROUTING_DEV, excludeIds: ReadonlySet<string> = gsm8kStepIds()): MathLevelRow[] {
  let gsm8k = 0;
  return jsonl(`${dir}math-train.jsonl`).flatMap((raw) => {
    const r = MathRow.parse(raw);
    if (r.source === 'math') return r.level !== null ? [{ prompt: r.prompt, subject: r.subject, level: r.level }] : [];
    if (r.source !== 'gsm8k' || excludeIds.has(r.id)) return [];
    gsm8k += 1;
    return gsm8k % GSM8K_STRIDE === 0 ? [{ prompt: r.prompt, subject: GRADE_SCHOOL, level: 1 }] : [];
  });
}

/** MATH rows kept: every this-many-th (MATH's 7,500 would outweigh everything else and repeat one style). */
const MATH_STRIDE = 5;

/** Labelled rows as the scorer sees them when served: with `languageOf`, their language counts too (a few FLASK rows are not English). */
export function loadScoreRows(classifier: TaskClassifier, languageOf?: LanguageOf, dir: string = ROUTING_DEV): ScoreRow[] {
  const x = (prompt: string) => scoreVector([{ role: 'user', content: prompt }], classifier, languageOf).x;
  const rows: ScoreRow[] = [];
  for (const raw of jsonl(`${dir}mmlu-dev.jsonl`)) {
    const r = Mmlu.parse(raw);
    const outcome = { weakCorrect: r.weak_correct, strongCorrect: r.strong_correct };
    rows.push({ source: 'mmlu', group: r.subject, prompt: r.prompt, y: r.weak_correct ? 0 : 1, outcome, x: x(r.prompt) });
  }
  for (const raw of jsonl(`${dir}routerbench-dev.jsonl`)) {
    const r = Bench.parse(raw);
    const outcome = { weakCorrect: r.weak_correct, strongCorrect: r.strong_correct };
    rows.push({ source: 'routerbench', group: r.dataset, prompt: r.prompt, y: r.weak_correct ? 0 : 1, outcome, x: x(r.prompt) });
  }
  for (const raw of jsonl(`${dir}flask-difficulty.jsonl`)) {
    const r = Flask.parse(raw);
    rows.push({ source: 'flask', group: r.task, prompt: r.prompt, y: (r.difficulty - 1) / 4, level: r.difficulty, skills: r.skills, x: x(r.prompt) });
  }
  let seen = 0;
  for (const raw of jsonl(`${dir}math-train.jsonl`)) {
    const r = MathRow.parse(raw);
    if (r.source !== 'math' || r.level === null) continue;
    seen += 1;
    if (seen % MATH_STRIDE !== 0) continue;
    // A 1–2B model fails most competition problems; the level orders them (0.55 at level 1 … 0.95 at level 5).
    rows.push({ source: 'math', group: r.subject, prompt: r.prompt, y: 0.45 + 0.1 * r.level, level: r.level, x: x(r.prompt) });
  }
  return rows;
}
