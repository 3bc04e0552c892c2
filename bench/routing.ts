/**
 * Routing quality of the complexity scorer on every dev set, side by side with length-only and random routing
 * in one run, plus the task classifier's accuracy and confusion. Where a set has groups, the score model is
 * retrained without the held-out groups (MMLU by subject, RouterBench by dataset, FLASK by source task, MATH by
 * subject; the task classifier by Auto-J scenario). Sets without groups are scored by the shipped model, which
 * never trained on them. Writes bench/results/routing.md.
 *   npm run bench:routing [-- --word-problems GSM8K.jsonl]
 * With a GSM8K-format file (question + step-per-line answer; not shipped), it also reports how well the score
 * follows the number of solution steps (small models fail the many-step problems).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ChatMessage } from '../src/backends/backend.js';
import { fromPackageRoot } from '../src/paths.js';
import { DEFAULT_SCORER_PATH, loadLanguageId, readModelCard } from '../src/scoring/index.js';
import { readTaskClassifier, type TaskClassifier } from '../src/scoring/task-classifier.js';
import { mathDemand } from '../src/scoring/math-demand.js';
import { scoreVector, withMathDemand } from '../src/scoring/task-features.js';
import { TASKS, type Task } from '../src/scoring/tasks.js';
import { CHAT_SETS, checkChatOrder, loadChatSet } from '../scripts/scorer/chat-categories.js';
import { auc, groupFolds, seededRandom } from '../scripts/scorer/cross-validate.js';
import { logit, type LogisticModel } from '../scripts/scorer/logistic.js';
import { RECIPE, trainClassifier, trainMathDemand, trainScoreModel } from '../scripts/scorer/recipe.js';
import { routingQuality } from '../scripts/scorer/routing-metrics.js';
import { loadMathLevels, loadScoreRows, type ScoreRow, type ScoreSource } from '../scripts/scorer/score-data.js';
import { jsonl, loadTaskCorpus, ROUTING_DEV, type TaskExample } from '../scripts/scorer/task-corpus.js';
import { GSM8K_STEPS_PATH, loadGsm8kSteps, loadWordProblems, spearman } from '../scripts/scorer/word-problems.js';
import { table } from './support/stats.js';

const { values } = parseArgs({ options: { 'word-problems': { type: 'string' } } });
const started = Date.now();
const classifier = readTaskClassifier(DEFAULT_SCORER_PATH.replace(/scorer\.onnx$/, 'task-classifier.json'));
const card = readModelCard(DEFAULT_SCORER_PATH.replace(/\.onnx$/, '.json'));
const shipped: LogisticModel = { mean: card.mean, scale: card.scale, weights: card.weights, bias: card.bias };
const languageOf = await loadLanguageId();
const vector = (messages: readonly ChatMessage[]) => scoreVector(messages, classifier, languageOf).x;
const user = (content: string): ChatMessage[] => [{ role: 'user', content }];
const RANDOM_DRAWS = 20;
const random = seededRandom(11);

/** A router: raw feature vector → a number, higher = more likely to need the large model. */
type Router = (x: Float32Array) => number;
const lengthOnly: Router = (x) => x[0] ?? 0;
/** Mean of a metric over RANDOM_DRAWS random orderings (its expectation is the chance level). */
const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const randomMean = (metric: (scores: number[]) => number, n: number) =>
  Array.from({ length: RANDOM_DRAWS }, () => metric(Array.from({ length: n }, random))).reduce((a, b) => a + b, 0) / RANDOM_DRAWS;

interface Line { set: string; metric: string; shipped: number; length: number; random: number; note: string }
const lines: Line[] = [];
function compare(set: string, metric: string, xs: Float32Array[], fn: (scores: number[]) => number, note: string, cv?: number[]): void {
  lines.push({ set, metric, shipped: fn(cv ?? xs.map((x) => logit(shipped, x))), length: fn(xs.map(lengthOnly)), random: randomMean(fn, xs.length), note });
}

// ---- labelled pool: grouped cross-validation of the score model (the classifier is the shipped one) ----
const rows = loadScoreRows(classifier, languageOf);
/**
 * Out-of-fold scores for one source's rows: each fold's groups are held out of that source for training.
 * `refit` rewrites every row's vector for a fold (MATH: the within-math demand model refitted without the
 * held-out subjects, so their levels never reach the score).
 */
function outOfFold(
  source: ScoreSource, folds: number, repeats: number, refit?: (held: Set<string>) => (x: Float32Array) => Float32Array,
  onFold?: (held: boolean[], score: (x: Float32Array) => number) => void,
): { test: ScoreRow[]; scores: number[][] } {
  const test = rows.filter((r) => r.source === source);
  const others = rows.filter((r) => r.source !== source);
  const scores: number[][] = [];
  for (let rep = 0; rep < repeats; rep += 1) {
    const foldOf = groupFolds(test.map((r) => r.group), folds, 7 + rep);
    const out = new Array<number>(test.length).fill(0);
    for (let f = 0; f < folds; f += 1) {
      const rewrite = refit?.(new Set(test.filter((_, i) => foldOf[i] === f).map((r) => r.group))) ?? ((x: Float32Array) => x);
      const train = [...others, ...test.filter((_, i) => foldOf[i] !== f)].map((r) => ({ ...r, x: rewrite(r.x) }));
      const model = trainScoreModel(train);
      test.forEach((r, i) => { if (foldOf[i] === f) out[i] = logit(model, rewrite(r.x)); });
      onFold?.(foldOf.map((k) => k === f), (x) => logit(model, rewrite(x)));
    }
    scores.push(out);
  }
  return { test, scores };
}
const apgr = (test: ScoreRow[]) => (scores: number[]) => routingQuality(test.map((r) => r.outcome ?? { weakCorrect: true, strongCorrect: true }), scores).apgr;

{
  // MMLU: 5 subject folds × 3 reshuffles; APGR per held-out fold, averaged (as RouteLLM reports it).
  const test = rows.filter((r) => r.source === 'mmlu');
  const vals: Record<'shipped' | 'length' | 'random', number[]> = { shipped: [], length: [], random: [] };
  // The same out-of-fold scores pooled into one ranking of all 9,500 questions (one per reshuffle): how a
  // held-out set of exam questions from many subjects is judged as a whole.
  const pooled: number[] = [];
  for (let rep = 0; rep < 3; rep += 1) {
    const foldOf = groupFolds(test.map((r) => r.group), 5, 7 + rep);
    const others = rows.filter((r) => r.source !== 'mmlu');
    const out = new Array<number>(test.length).fill(0);
    for (let f = 0; f < 5; f += 1) {
      const inFold = (_: unknown, i: number) => foldOf[i] === f;
      const held = test.filter(inFold);
      const model = trainScoreModel([...others, ...test.filter((_, i) => foldOf[i] !== f)]);
      test.forEach((r, i) => { if (foldOf[i] === f) out[i] = logit(model, r.x); });
      vals.shipped.push(apgr(held)(out.filter(inFold)));
      vals.length.push(apgr(held)(held.map((r) => lengthOnly(r.x))));
      vals.random.push(randomMean(apgr(held), held.length));
    }
    pooled.push(apgr(test)(out));
  }
  lines.push({ set: 'MMLU exam questions, unseen subjects', metric: 'APGR', shipped: mean(vals.shipped), length: mean(vals.length), random: mean(vals.random), note: 'Mixtral vs GPT-4; 5 subject folds × 3' });
  lines.push({
    set: 'MMLU, unseen subjects, pooled', metric: 'APGR over all questions', shipped: mean(pooled), length: apgr(test)(test.map((r) => lengthOnly(r.x))),
    random: randomMean(apgr(test), test.length), note: 'out-of-fold scores ranked together',
  });
}
for (const dataset of ['arc-challenge', 'winogrande', 'mbpp']) {
  // RouterBench: leave one dataset out of training, judge on it.
  const held = rows.filter((r) => r.source === 'routerbench' && r.group === dataset);
  const model = trainScoreModel(rows.filter((r) => !(r.source === 'routerbench' && r.group === dataset)));
  compare(`RouterBench ${dataset}, unseen dataset`, 'APGR', held.map((r) => r.x), apgr(held), 'Mistral-7B vs GPT-4', held.map((r) => logit(model, r.x)));
}
{
  const { test, scores } = outOfFold('flask', 5, 1);
  const hard = (s: number[]) => auc(s.filter((_, i) => (test[i]?.level ?? 0) >= 4), s.filter((_, i) => (test[i]?.level ?? 0) <= 2));
  compare('FLASK instructions, unseen source tasks', 'AUC level 4–5 vs 1–2', test.map((r) => r.x), hard, 'GPT-4-annotated difficulty', scores[0]);
  // The instructions FLASK says test factuality: where knowledge, not reasoning, decides.
  const factual = test.flatMap((r, i) => (r.skills?.includes('Factuality') ? [i] : []));
  const pick = (s: number[]) => factual.map((i) => s[i] ?? 0);
  const levels = factual.map((i) => test[i]?.level ?? 0);
  const factualHard = (s: number[]) => { const p = pick(s); return auc(p.filter((_, k) => (levels[k] ?? 0) >= 4), p.filter((_, k) => (levels[k] ?? 0) <= 2)); };
  lines.push({
    set: 'FLASK, skill Factuality, unseen source tasks', metric: 'AUC level 4–5 vs 1–2', shipped: factualHard(scores[0] ?? []),
    length: factualHard(test.map((r) => lengthOnly(r.x))), random: randomMean((s) => factualHard(test.map((_, i) => s[i] ?? 0)), test.length),
    note: `${factual.length} instructions`,
  });
}
/** The hand-counted GSM8K problems (gsm8k-steps.jsonl), read and scored once: two rows below use them. */
const counted = loadGsm8kSteps(GSM8K_STEPS_PATH, `${ROUTING_DEV}math-train.jsonl`).map((p) => ({ ...p, x: vector(user(p.question)) }));
{
  const levels = loadMathLevels();
  const withoutSubjects = (held: Set<string>) => {
    const demand = mathDemand(trainMathDemand(levels.filter((p) => !held.has(p.subject))));
    return (x: Float32Array) => withMathDemand(x, demand);
  };
  // Competition math against grade-school word problems: each fold's held-out MATH subjects (levels 3–5) against
  // the counted GSM8K problems (never trained on), both scored by that fold's model.
  const wordProblems = counted.map((p) => p.x);
  const mathRows = rows.filter((r) => r.source === 'math');
  const versus: Record<'shipped' | 'length', number[]> = { shipped: [], length: [] };
  const aboveWordProblems = (held: boolean[], score: (x: Float32Array) => number) => {
    const competition = mathRows.filter((r, i) => held[i] && (r.level ?? 0) >= 3).map((r) => r.x);
    versus.shipped.push(auc(competition.map(score), wordProblems.map(score)));
    versus.length.push(auc(competition.map(lengthOnly), wordProblems.map(lengthOnly)));
  };
  const { test, scores } = outOfFold('math', 7, 1, withoutSubjects, aboveWordProblems);
  const hard = (s: number[]) => auc(s.filter((_, i) => (test[i]?.level ?? 0) === 5), s.filter((_, i) => (test[i]?.level ?? 0) <= 2));
  compare('MATH problems, unseen subjects', 'AUC level 5 vs 1–2', test.map((r) => r.x), hard, 'competition math by level; math model refitted per fold', scores[0]);
  lines.push({
    set: 'MATH (unseen subjects) vs GSM8K word problems', metric: 'AUC MATH level 3–5 vs GSM8K', shipped: mean(versus.shipped), length: mean(versus.length), random: 0.5,
    note: `${wordProblems.length} counted GSM8K problems; mean over 7 folds`,
  });
}

// ---- sets no model trained on: scored by the shipped model ----
const corpus = loadTaskCorpus();
{
  const test = corpus.filter((e) => e.split === 'test' && e.source.startsWith('autoj:'));
  const scenario = (e: TaskExample) => e.source.slice('autoj:'.length);
  const HARD = new Set(['code_generation', 'code_correction_rewriting', 'code_to_code_translation', 'explaining_code', 'code_simplification', 'math_reasoning', 'solving_exam_question_with_math']);
  const EASY = new Set(['chitchat', 'paraphrasing', 'text_correction', 'language_polishing', 'text_simplification', 'creative_writing', 'writing_song_lyrics', 'writing_social_media_post', 'title_generation']);
  const picked = test.filter((e) => HARD.has(scenario(e)) || EASY.has(scenario(e)));
  const xs = picked.map((e) => vector(user(e.prompt)));
  const split = (s: number[]) => auc(s.filter((_, i) => HARD.has(scenario(picked[i]!))), s.filter((_, i) => EASY.has(scenario(picked[i]!))));
  compare('Auto-J real user queries (test split)', 'AUC code/math vs chit-chat/rewrite/creative', xs, split, `${picked.length} queries`);
}
for (const [name, path] of Object.entries(CHAT_SETS)) {
  const prompts = loadChatSet(path);
  const xs = prompts.map((p) => vector(p.messages));
  compare(`chat categories, ${name} (hand-written)`, 'AUC math/reasoning/coding vs writing/roleplay/humanities', xs, (s) => checkChatOrder(prompts, s).hardAboveEasy, `${prompts.length} prompts, ⅓ two-turn`);
}
for (const [name, file] of [['dev', 'obvious-pairs.jsonl'], ['holdout', 'obvious-pairs-holdout.jsonl']] as const) {
  const items = jsonl(fromPackageRoot('test', 'fixtures', 'scoring', file)) as Array<{ level: string; prompt: string }>;
  const xs = items.map((i) => vector(user(i.prompt)));
  const pairs = (s: number[]) => auc(s.filter((_, i) => items[i]?.level === 'hard'), s.filter((_, i) => items[i]?.level === 'easy'));
  compare(`obvious hard vs easy, ${name} (hand-written)`, 'AUC', xs, pairs, `${items.length} prompts, incl. long easy and one-line hard`);
  // Length-balanced: only the pairs whose lengths are within 2× of each other.
  const balanced = (s: number[]) => {
    let good = 0, total = 0;
    items.forEach((h, i) => items.forEach((e, j) => {
      if (h.level !== 'hard' || e.level !== 'easy') return;
      const ratio = h.prompt.length / e.prompt.length;
      if (ratio > 2 || ratio < 0.5) return;
      total += 1;
      good += (s[i] ?? 0) > (s[j] ?? 0) ? 1 : (s[i] ?? 0) === (s[j] ?? 0) ? 0.5 : 0;
    }));
    return total === 0 ? 0.5 : good / total;
  };
  compare(`obvious hard vs easy, ${name}, length-balanced`, 'AUC over pairs within 2× length', xs, balanced, 'pairs where length cannot decide');
}

for (const [name, file] of [['dev', 'knowledge-pairs.jsonl'], ['holdout', 'knowledge-pairs-holdout.jsonl']] as const) {
  // A common-knowledge question and a long-tail one of the same form ("capital of France" / "capital of Tocantins").
  const items = jsonl(fromPackageRoot('test', 'fixtures', 'scoring', file)) as Array<{ pair: number; level: string; prompt: string }>;
  const xs = items.map((i) => vector(user(i.prompt)));
  const withinPair = (s: number[]) => {
    let good = 0, total = 0;
    items.forEach((h, i) => items.forEach((e, j) => {
      if (h.level !== 'hard' || e.level !== 'easy' || h.pair !== e.pair) return;
      total += 1;
      good += (s[i] ?? 0) > (s[j] ?? 0) ? 1 : (s[i] ?? 0) === (s[j] ?? 0) ? 0.5 : 0;
    }));
    return good / Math.max(1, total);
  };
  const all = (s: number[]) => auc(s.filter((_, i) => items[i]?.level === 'hard'), s.filter((_, i) => items[i]?.level === 'easy'));
  const tuned = name === 'dev' ? 'tuned on' : 'never tuned on';
  compare(`knowledge demand, ${name} (hand-written)`, 'share of pairs: long-tail above common', xs, withinPair, `${items.length / 2} pairs, ${tuned}`);
  compare(`knowledge demand, ${name}, all pairs`, 'AUC long-tail vs common questions', xs, all, 'across pairs too');
}

/**
 * Everyday requests written for this project, each labelled hard (a 1–2B model would fall short of a large one) or
 * easy, and with its task. Set a's errors prompted 105 added training prompts (tasks-dev.jsonl); set b's texts were
 * never read, but its per-prompt scores, tasks and lengths were, while trying three changes (none shipped); set c
 * (2026-12-03, written by someone who never saw the scorer, told to vary length in both groups so that length does
 * not give the label away) has never been scored against anything but the shipped model.
 */
const EVERYDAY = [
  ['a', 'everyday-a.jsonl', 'its errors prompted added training prompts'],
  ['b', 'everyday-b.jsonl', 'texts never read; scores looked at'],
  ['c', 'everyday-c.jsonl', 'never tuned on; length balanced by design'],
] as const;
const everyday = EVERYDAY.map(([name, file, note]) => ({
  name,
  note,
  items: jsonl(fromPackageRoot('test', 'fixtures', 'scoring', file)) as Array<{ level: string; task: Task; prompt: string }>,
}));
for (const { name, note, items } of everyday) {
  const xs = items.map((i) => vector(user(i.prompt)));
  const split = (s: number[]) => auc(s.filter((_, i) => items[i]?.level === 'hard'), s.filter((_, i) => items[i]?.level === 'easy'));
  compare(`everyday requests ${name} (hand-written)`, 'AUC hard vs easy', xs, split, `${items.length} prompts; ${note}`);
}

// Math word problems: GSM8K train problems ranked against their reference solution's number of calculations
// (small models fail word problems mostly when many steps are needed).
for (const split of ['tune', 'holdout'] as const) {
  const list = counted.filter((p) => p.split === split);
  const many = (s: number[]) => auc(s.filter((_, i) => (list[i]?.steps ?? 0) >= 5), s.filter((_, i) => (list[i]?.steps ?? 0) <= 2));
  const note = split === 'tune' ? 'math_numbers prior chosen on these' : 'never tuned on';
  compare(`GSM8K word problems, ${split} half`, 'AUC ≥5 calculations vs ≤2', list.map((p) => p.x), many, `${list.length} problems; ${note}`);
}

/**
 * Requests in ten other languages (zh, ja, ko, ru, ar, es, fr, de, pt, hi), 12 per language, one per task, half
 * labelled hard: written on 2026-12-04 by a helper session apart from the training requests, never trained or
 * tuned on. Scored with their language, as served.
 */
const multilingual = jsonl(fromPackageRoot('test', 'fixtures', 'scoring', 'multilingual-holdout.jsonl')) as Array<{ lang: string; level: string; task: Task; prompt: string }>;
{
  const xs = multilingual.map((i) => vector(user(i.prompt)));
  const split = (s: number[]) => auc(s.filter((_, i) => multilingual[i]?.level === 'hard'), s.filter((_, i) => multilingual[i]?.level === 'easy'));
  compare('requests in 10 other languages (hand-written)', 'AUC hard vs easy', xs, split, `${multilingual.length} prompts; never tuned on`);
}

if (values['word-problems'] !== undefined) {
  const problems = loadWordProblems(values['word-problems']);
  const steps = problems.map((p) => p.steps);
  compare('word problems (your GSM8K-format file)', 'Spearman with solution steps', problems.map((p) => vector(user(p.question))), (s) => spearman(s, steps), `${problems.length} problems`);
}

// ---- the task classifier ----
const held = corpus.filter((e) => e.split === 'test');
const confusion = TASKS.map(() => new Array<number>(TASKS.length).fill(0));
const guessOf = (c: TaskClassifier, e: TaskExample) => scoreVector(user(e.prompt), c, languageOf).guess.task;
for (const e of held) {
  const row = confusion[TASKS.indexOf(e.task)];
  const guessed = TASKS.indexOf(guessOf(classifier, e));
  if (row) row[guessed] = (row[guessed] ?? 0) + 1;
}
const accuracy = (list: TaskExample[], c: TaskClassifier) => list.filter((e) => guessOf(c, e) === e.task).length / Math.max(1, list.length);
const majority = (list: TaskExample[]) => Math.max(...TASKS.map((t) => list.filter((e) => e.task === t).length)) / Math.max(1, list.length);
// Unseen scenarios: five folds of Auto-J scenarios; the classifier is retrained without a fold's scenarios and
// must name the task of queries from scenarios it never saw (e.g. song lyrics → creative from poems and stories).
const autoj = corpus.filter((e) => e.source.startsWith('autoj:'));
const foldOf = groupFolds(autoj.map((e) => e.source), 5, 3);
let unseenHits = 0;
for (let f = 0; f < 5; f += 1) {
  const heldOut = new Set(autoj.filter((_, i) => foldOf[i] === f));
  const retrained = trainClassifier(corpus.filter((e) => !heldOut.has(e)), classifier.card.mathDemand, RECIPE, languageOf, classifier.card.foreignTemperature).classifier;
  for (const e of heldOut) unseenHits += guessOf(retrained, e) === e.task ? 1 : 0;
}
// GSM8K word problems the classifier never saw (it trains on the first 200): how many does it call math?
const wordProblems = jsonl(`${ROUTING_DEV}math-train.jsonl`)
  .flatMap((raw) => { const r = raw as { source?: string; prompt?: string }; return r.source === 'gsm8k' && typeof r.prompt === 'string' ? [r.prompt] : []; })
  .slice(-2000)
  .map((prompt): TaskExample => ({ prompt, task: 'math', source: 'gsm8k', split: 'test' }));
const classifierRows = [
  ['Auto-J test split (real user queries)', accuracy(held.filter((e) => e.source !== 'hand'), classifier), majority(held.filter((e) => e.source !== 'hand'))],
  ['hand-written holdout', accuracy(held.filter((e) => e.source === 'hand'), classifier), majority(held.filter((e) => e.source === 'hand'))],
  ['GSM8K word problems not trained on (last 2,000) → math', accuracy(wordProblems, classifier), null],
  ['Auto-J, unseen scenarios (5 scenario folds)', unseenHits / autoj.length, majority(autoj)],
  ...everyday.map(({ name, items }) => {
    const list = items.map((i): TaskExample => ({ prompt: i.prompt, task: i.task, source: 'hand', split: 'test' }));
    return [`everyday requests ${name} (hand-written)`, accuracy(list, classifier), majority(list)] as const;
  }),
  (() => {
    const list = multilingual.map((i): TaskExample => ({ prompt: i.prompt, task: i.task, source: 'hand', split: 'test' }));
    return ['requests in 10 other languages (hand-written holdout)', accuracy(list, classifier), majority(list)] as const;
  })(),
];
// The language the scorer names for the same requests (fastText's language ID, letters only).
const languageHits = multilingual.filter((i) => languageOf(i.prompt).language === i.lang).length;

const report = [
  `Routing quality per dev set: the shipped scorer vs length-only and random routing, measured in one run.`,
  'APGR = share of the weak→strong quality gap recovered, averaged over strong-call shares (0.5 = random);',
  'AUC = chance a harder prompt outscores an easier one (0.5 = random). Higher is better everywhere.',
  '',
  table(['dev set', 'metric', 'shipped', 'length only', 'random', 'note'], lines.map((l) => [l.set, l.metric, l.shipped.toFixed(3), l.length.toFixed(3), l.random.toFixed(3), l.note])),
  '',
  `Task classifier accuracy (${TASKS.length} tasks) vs always guessing the most common task:`,
  table(['held-out prompts', 'accuracy', 'majority class'], classifierRows.map(([a, b, c]) => [String(a), Number(b).toFixed(3), c === null ? '—' : Number(c).toFixed(3)])),
  '',
  `Language named right on the requests in 10 other languages: ${languageHits}/${multilingual.length}.`,
  '',
  'Confusion on held-out prompts (Auto-J test split + hand-written holdout): rows = true task, columns = predicted.',
  table(['true \\ predicted', ...TASKS], TASKS.map((t, i) => [t, ...(confusion[i] ?? []).map(String)])),
  '',
  `(${((Date.now() - started) / 1000).toFixed(1)} s; machine shared with other work)`,
].join('\n');
console.log(report);
const dir = fromPackageRoot('bench', 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}/routing.md`, report + '\n');
console.log(`wrote ${dir}/routing.md`);
