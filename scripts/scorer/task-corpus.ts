import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isTask, type Task } from '../../src/scoring/tasks.js';

/**
 * Labelled prompts for the task classifier, read in place from ../shared (never copied in) plus the
 * hand-written fixtures. Every row keeps its source so the benchmark can report per-source accuracy and
 * hold a split out.
 */
export const ROUTING_DEV = new URL('../../../shared/data/routing-dev/', import.meta.url).pathname;
export const TASK_FIXTURES = {
  /** Hand-written for this project (chit-chat, utilities, long-tail lookups, puzzles …); trained on. */
  dev: new URL('../../test/fixtures/scoring/tasks-dev.jsonl', import.meta.url).pathname,
  /** Hand-written separately; never trained or tuned on. */
  holdout: new URL('../../test/fixtures/scoring/tasks-holdout.jsonl', import.meta.url).pathname,
  /**
   * Everyday requests of every kind, each marked hard or easy for a small model, written by helper sessions
   * that never saw the scorer or its errors (lengths varied in both groups); trained on for the task only.
   */
  everyday: new URL('../../test/fixtures/scoring/everyday-train.jsonl', import.meta.url).pathname,
  /**
   * 1,730 requests in twelve other languages (zh, ja, ko, ru, ar, es, fr, de, pt, hi, it, tr; 3–13 per task and
   * language), written natively by helper sessions for this project on 2026-12-04: 913 by two, then 817
   * by three more (6 per task and language). Trained on for the task only. Duplicates, and 46 near-twins of a
   * multilingual-holdout request (half its words shared), were dropped by script before any training.
   */
  multilingual: new URL('../../test/fixtures/scoring/multilingual-train.jsonl', import.meta.url).pathname,
} as const;

export interface TaskExample {
  prompt: string;
  task: Task;
  /** Where the row came from, e.g. `autoj:code_generation`, `math:Algebra`, `hand`. */
  source: string;
  /** `test` rows (Auto-J's own test split, the hand-written holdout) are never trained on. */
  split: 'train' | 'test';
}

/**
 * Auto-J's 58 scenarios → our tasks. `default` (annotators unsure), `rejecting` and `peer_review` are left out.
 * Exam questions without math are knowledge questions; counterfactuals are imaginative writing; legal, technical
 * and scientific documents are expert work (analysis), not functional writing.
 */
const AUTOJ: Readonly<Record<string, Task>> = {
  chitchat: 'chat',
  roleplay: 'creative', creative_writing: 'creative', writing_song_lyrics: 'creative', writing_social_media_post: 'creative',
  writing_blog_post: 'creative', writing_personal_essay: 'creative', writing_advertisement: 'creative',
  writing_marketing_materials: 'creative', writing_presentation_script: 'creative', counterfactual: 'creative',
  functional_writing: 'writing', writing_cooking_recipe: 'writing', writing_email: 'writing', writing_job_application: 'writing',
  writing_news_article: 'writing', writing_product_description: 'writing', writing_biography: 'writing',
  // Legal, technical and scientific documents need the expertise of an analysis, whatever the verb.
  writing_legal_document: 'analysis', writing_technical_document: 'analysis', writing_scientific_paper: 'analysis',
  instructional_rewriting: 'rewrite', language_polishing: 'rewrite', paraphrasing: 'rewrite', text_simplification: 'rewrite',
  text_correction: 'rewrite', text_to_text_translation: 'rewrite',
  text_summarization: 'summarize', note_summarization: 'summarize', information_extraction: 'summarize',
  keywords_extraction: 'summarize', title_generation: 'summarize', topic_modeling: 'summarize',
  classification_identification: 'summarize', reading_comprehension: 'summarize', ranking: 'summarize', question_generation: 'summarize',
  seeking_advice: 'advice', asking_how_to_question: 'advice', planning: 'advice', recommendation: 'advice', brainstorming: 'advice',
  open_question: 'lookup', verifying_fact: 'lookup', solving_exam_question_without_math: 'lookup',
  explaining_general: 'analysis', analyzing_general: 'analysis', value_judgement: 'analysis', data_analysis: 'analysis',
  code_generation: 'coding', code_correction_rewriting: 'coding', explaining_code: 'coding', code_to_code_translation: 'coding',
  code_simplification: 'coding',
  math_reasoning: 'math', solving_exam_question_with_math: 'math',
};

/** FLASK source tasks whose kind is unambiguous (the rest are mixed WizardLM/BIG-bench items). */
const FLASK: Readonly<Record<string, Task>> = {
  Bbh: 'reasoning', Folio: 'reasoning', Leetcode: 'coding', Mbpp: 'coding', theoremqa: 'math',
  'Agieval - math (amc + aime)': 'math', Prm800k: 'math',
};

/**
 * Math rows taken, a deterministic slice (by id order) so math does not swamp the rest: per MATH subject, and
 * more of GSM8K, whose everyday-story word problems ("Natalia sold clips to 48 friends…") otherwise read as
 * creative writing or advice.
 */
const MATH_PER_SUBJECT = 40;
const WORD_PROBLEMS = 200;
const MBPP_ROWS = 150;

/** One parsed JSON value per non-empty line. */
export const jsonl = (path: string): unknown[] =>
  readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);

const AutojRow = z.object({ prompt: z.string(), category: z.string(), split: z.enum(['train', 'test']) });
const FlaskRow = z.object({ prompt: z.string(), task: z.string() });
const MathRow = z.object({ prompt: z.string(), subject: z.string(), id: z.union([z.string(), z.number()]) });
const BenchRow = z.object({ prompt: z.string(), dataset: z.string() });
const HandRow = z.object({ prompt: z.string(), task: z.string() });

export function loadHandWritten(path: string, split: 'train' | 'test', source = 'hand'): TaskExample[] {
  return jsonl(path).map((raw, i) => {
    const row = HandRow.parse(raw);
    if (!isTask(row.task)) throw new Error(`${path}:${i + 1}: unknown task ${row.task}`);
    return { prompt: row.prompt, task: row.task, source, split };
  });
}

export function loadTaskCorpus(dir: string = ROUTING_DEV): TaskExample[] {
  const rows: TaskExample[] = [];
  for (const raw of jsonl(`${dir}autoj-scenarios.jsonl`)) {
    const row = AutojRow.parse(raw);
    const task = AUTOJ[row.category];
    if (task !== undefined) rows.push({ prompt: row.prompt, task, source: `autoj:${row.category}`, split: row.split });
  }
  for (const raw of jsonl(`${dir}flask-difficulty.jsonl`)) {
    const row = FlaskRow.parse(raw);
    const task = FLASK[row.task];
    if (task !== undefined) rows.push({ prompt: row.prompt, task, source: `flask:${row.task}`, split: 'train' });
  }
  const taken = new Map<string, number>();
  for (const raw of jsonl(`${dir}math-train.jsonl`)) {
    const row = MathRow.parse(raw);
    const n = taken.get(row.subject) ?? 0;
    if (n >= (row.subject === 'grade school math' ? WORD_PROBLEMS : MATH_PER_SUBJECT)) continue;
    taken.set(row.subject, n + 1);
    rows.push({ prompt: row.prompt, task: 'math', source: `math:${row.subject}`, split: 'train' });
  }
  let mbpp = 0;
  for (const raw of jsonl(`${dir}routerbench-dev.jsonl`)) {
    const row = BenchRow.parse(raw);
    if (row.dataset !== 'mbpp' || mbpp >= MBPP_ROWS) continue;
    mbpp += 1;
    rows.push({ prompt: row.prompt, task: 'coding', source: 'routerbench:mbpp', split: 'train' });
  }
  rows.push(
    ...loadHandWritten(TASK_FIXTURES.dev, 'train'),
    ...loadHandWritten(TASK_FIXTURES.everyday, 'train'),
    ...loadHandWritten(TASK_FIXTURES.multilingual, 'train', 'multilingual'),
    ...loadHandWritten(TASK_FIXTURES.holdout, 'test'),
  );
  return rows;
}
