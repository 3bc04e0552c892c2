import { analysePrompt, featureIndex } from '../../src/scoring/features.js';
import type { LanguageOf } from '../../src/scoring/language.js';
import { MATH_DEMAND_INPUTS, type MathDemandModel } from '../../src/scoring/math-demand.js';
import { softmax, TaskClassifier, type TaskCard } from '../../src/scoring/task-classifier.js';
import { SCORE_FEATURES } from '../../src/scoring/task-features.js';
import { hashFeatures, HASH_BITS } from '../../src/scoring/text-hash.js';
import { TASKS } from '../../src/scoring/tasks.js';
import { fitLogistic, type LogisticModel } from './logistic.js';
import { GRADE_SCHOOL, type MathLevelRow, type ScoreRow, type ScoreSource } from './score-data.js';
import { quantise, trainSoftmax, type SoftmaxModel, type SparseRow } from './softmax.js';
import type { TaskExample } from './task-corpus.js';

/**
 * The one training recipe, used by scripts/train-scorer.ts and by bench/routing.ts's cross-validation, so the
 * benchmark measures exactly what ships.
 */
export const RECIPE: Recipe = {
  classifier: {
    // Chosen on Auto-J's own train/test split (test accuracy 0.62 at 10 epochs/lr 50 → 0.62 at 25/100; the
    // hand-written holdout 0.65 → 0.76). lr is per prompt, the mean over a prompt's features divides it again.
    epochs: 25,
    lr: 100,
    l2: 0,
    /** Loss weight per class = (mean class size / class size)^balance: rare tasks (chat, utility) still count. */
    classBalance: 0.5,
    /**
     * Models trained from these seeds (visiting orders) are averaged into the one that ships: with a few
     * thousand prompts a single SGD run's accuracy moves ±0.02 with the order alone.
     */
    seeds: [1, 2, 3, 4, 5],
  },
  /** L2 of the within-math demand model (MATH levels; 7,500 problems, 4 inputs). */
  mathDemandL2: 10,
  score: {
    /** L2 on standardised weights; large because per-source quirks are what must not be learned. */
    l2: 300,
    /** Total loss weight per source (rows share it equally), so 9,500 exam questions do not drown the rest. */
    sourceWeight: { mmlu: 3000, routerbench: 1500, flask: 1500, math: 700 },
    nonNegative: [
      'length', 'sentences', 'numbers', 'math_symbols', 'formulas', 'powers', 'logic_symbols', 'code_syntax', 'list_items', 'math_terms',
      'compute_cues', 'reasoning_cues', 'proof_cues', 'code_terms', 'constraints', 'puzzle_cues', 'fact_cues', 'depth_cues',
      // Named entities and years are what long-tail questions are made of; exam history questions (easy for
      // Mixtral) would otherwise teach the opposite.
      'proper_nouns', 'years',
      // Rare names and words are the long tail a small model lacks; never a sign of an easier request.
      'rare_names', 'rare_words', 'knowledge_demand',
    ],
    priors: {
      conversation_depth: { weight: 0.1, why: 'later turns carry more context to keep consistent (+0.1 logit per earlier user turn, max 5)' },
      // Per task, logit per unit of probability. The labelled pool is exam questions, competition math and
      // graded instructions: it cannot say how chit-chat or a rewrite fares. Published small-vs-large comparisons
      // by category (multi-turn chat benchmarks, instruction suites) agree on the order: 1–13B models come
      // within ~1 point of GPT-4 (out of 10) on writing, roleplay and humanities, trail by 2–3 on extraction and
      // STEM explanations and by 4–6 on math, reasoning and coding. These weights encode that order; the bias
      // and every surface feature (how demanding within the task) are fitted on the pool.
      task_chat: { weight: -1.5, why: 'chit-chat: any model answers it' },
      task_utility: { weight: -1.2, why: 'conversions, quick arithmetic, timers: short, checkable, easy' },
      task_rewrite: { weight: -0.8, why: 'rewriting given text: small models come close to large ones' },
      task_creative: { weight: -0.8, why: 'creative writing and roleplay: among the smallest small-vs-large gaps' },
      task_writing: { weight: -0.6, why: 'functional writing (emails, letters): small gap' },
      task_summarize: { weight: -0.4, why: 'summaries and extraction: a moderate gap, growing with the text' },
      task_advice: { weight: -0.4, why: 'everyday how-to and recommendations: common knowledge' },
      task_lookup: { weight: 0, why: 'factual questions: easy when common, hard when long-tail (fact cues, names, years decide)' },
      task_analysis: { weight: 0.6, why: 'expert explanation and analysis: a clear gap, wider in STEM and law' },
      task_reasoning: { weight: 1.2, why: 'multi-step deduction and puzzles: among the widest gaps' },
      task_coding: { weight: 1.2, why: 'writing and fixing code: among the widest gaps' },
      task_math: { weight: 1.5, why: 'math: the widest gap of all' },
      proof_cues: { weight: 0.4, why: 'a proof or derivation is asked: hard within any task (per log-count unit)' },
      depth_cues: { weight: 0.3, why: 'asks for depth (detailed, rigorous, trade-offs, failure modes)' },
      puzzle_cues: { weight: 0.3, why: 'logic-puzzle vocabulary: where small models trail most on reasoning' },
      // Within math, code and analysis, a longer problem has more steps (and a longer factual question asks for
      // more specifics), and more quantities to track in math: the pool alone fits these at 0. Chosen by
      // bench:routing: MATH level AUC 0.69 → 0.73 and MBPP APGR 0.51 → 0.53, costing the chat holdout 0.89 →
      // 0.87 and MMLU 0.525 → 0.518; counting lookups in then moved FLASK 0.629 → 0.645 and MMLU → 0.518.
      stepwise_length: { weight: 0.2, why: 'a longer request in a step-by-step or fact-finding task (math, code, reasoning, analysis, lookup) has more steps or specifics (per log-char unit)' },
      // 0.1 → 0.4 and number words counted in, chosen on half of 338 GSM8K train problems labelled with their
      // solution's step count (bench:routing; AUC ≥5 steps vs ≤2: tune half 0.849 → 0.856, held-out half 0.779 → 0.830).
      math_numbers: { weight: 0.4, why: 'more quantities (numbers, number words) to track in a math or logic problem (per log-count unit)' },
      number_words: { weight: 0, why: 'quantities in words count only inside math_numbers' },
      // No labelled pool has a non-English row. Multilingual comparisons agree that 1–2B models lose more
      // outside English than large ones do (and many on-device models are trained mostly on English).
      non_english: { weight: 0.5, why: 'not written in English: a small model trails a large one further' },
      // The pool fits both at 0 (its math-looking rows are mostly exam questions, whose difficulty for the weak
      // model is not the length of the problem). Chosen by bench:routing on held-out MATH subjects and the
      // chat/obvious-pair sets: math_demand 0 → 0.6 moved MATH level AUC 0.735 → 0.77 (length 0.760) at no cost
      // to chat; coding_length 0 → 0.3 moved MBPP 0.525 → 0.538 and chat holdout 0.92 → 0.94.
      math_demand: { weight: 0.6, why: 'a harder problem within math, per logit unit of the math-level model (longer; more formulas, powers and math vocabulary than a grade-school word problem)' },
      coding_length: { weight: 0.3, why: 'a longer programming task has more to get right (per log-char unit, times P(coding))' },
      fact_cues: { weight: 0.4, why: 'asks for long-tail specifics (lists of names, dates, records): small models lack the knowledge' },
      knowledge_demand: { weight: 0.5, why: 'a factual question naming rare words or names (not whole-word tokens of a 150k BPE vocabulary): long-tail knowledge a small model lacks (per log-count unit, times P(lookup))' },
    },
    /**
     * Set after the pool's fit, which holds them at 0. `exam_length` is non-zero only for multiple-choice
     * questions, and the pool's 9,500 exam rows would bend every other weight around it: as a prior inside the
     * fit, 2 cost FLASK 0.025 and the knowledge holdout 0.20. Outside it, requests that are not multiple-choice
     * score exactly as without it. Chosen by bench:routing on MMLU's unseen subjects (per-fold APGR, see README).
     */
    afterFit: {
      exam_length: { weight: 4, why: 'a longer multiple-choice question (with its options) is harder for a small model: the one signal that carries across exam subjects (per log-char unit from the median exam question)' },
    },
  },
};

export interface Recipe {
  classifier: { epochs: number; lr: number; l2: number; classBalance: number; seeds: readonly number[] };
  mathDemandL2: number;
  score: {
    l2: number;
    sourceWeight: Readonly<Record<ScoreSource, number>>;
    nonNegative: readonly string[];
    priors: Readonly<Record<string, { weight: number; why: string }>>;
    afterFit: Readonly<Record<string, { weight: number; why: string }>>;
  };
}

export interface TrainedClassifier {
  card: TaskCard;
  table: Int8Array;
  classifier: TaskClassifier;
}

/**
 * Fits the within-math demand model: a logistic model of MATH's level (1–5 → 0..1) over a prompt's surface
 * features, non-negative weights, shifted so the average MATH problem sits at 0. Grade-school word problems
 * (GSM8K rows among `problems`, subject GRADE_SCHOOL) join at level 1, so that the notation and vocabulary of
 * competition math count as demand and an everyday sum does not. Length is first fitted on MATH alone and kept
 * there: among word problems it counts steps, and the long GSM8K problems would otherwise teach that length
 * makes a problem easier.
 */
export function trainMathDemand(problems: readonly MathLevelRow[], recipe: Recipe = RECIPE): MathDemandModel {
  const at = MATH_DEMAND_INPUTS.map(featureIndex);
  const rows = problems.map((p) => {
    const { features } = analysePrompt([{ role: 'user', content: p.prompt }]);
    return { p, x: Float32Array.from(at, (j) => features[j] ?? 0) };
  });
  const fitLevels = (subset: typeof rows, fixed = new Map<number, number>()) => {
    const model = fitLogistic(subset.map((r) => r.x), subset.map((r) => (r.p.level - 1) / 4), {
      l2: recipe.mathDemandL2,
      nonNegative: new Set(at.map((_, k) => k)),
      fixed,
    });
    // Raw-unit weights (a fixed weight is raw already: its scale is 1).
    return model.weights.map((w, k) => w / (model.scale[k] ?? 1));
  };
  const competition = rows.filter((r) => r.p.subject !== GRADE_SCHOOL);
  const length = MATH_DEMAND_INPUTS.indexOf('length');
  const weights = fitLevels(rows, new Map([[length, fitLevels(competition)[length] ?? 0]]));
  const mean = (k: number) => competition.reduce((acc, r) => acc + (r.x[k] ?? 0), 0) / competition.length;
  const bias = -weights.reduce((acc, w, k) => acc + w * mean(k), 0);
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return { inputs: [...MATH_DEMAND_INPUTS], weights: weights.map(round), bias: round(bias) };
}

/** Trains the task classifier on the corpus's `train` rows and quantises it exactly as it ships. */
export function trainClassifier(
  corpus: readonly TaskExample[],
  mathDemand: MathDemandModel,
  recipe: Recipe = RECIPE,
  languageOf?: LanguageOf,
  foreignTemperature = 1,
): TrainedClassifier {
  const train = corpus.filter((e) => e.split === 'train');
  const counts = TASKS.map((t) => train.filter((e) => e.task === t).length);
  const mean = train.length / TASKS.length;
  const rows: SparseRow[] = train.map((e) => {
    const { words, flags } = analysePrompt([{ role: 'user', content: e.prompt }]);
    const label = TASKS.indexOf(e.task);
    const language = languageOf?.(e.prompt).language;
    return { ids: [...hashFeatures(words, { ...flags, language }, [])], label, weight: (mean / Math.max(1, counts[label] ?? 1)) ** recipe.classifier.classBalance };
  });
  const c = recipe.classifier;
  const runs = c.seeds.map((seed) => trainSoftmax(rows, { buckets: 1 << HASH_BITS, classes: TASKS.length, epochs: c.epochs, lr: c.lr, l2: c.l2, seed }));
  const model = averageModels(runs);
  const { table, scale } = quantise(model);
  const card: TaskCard = {
    format: 'switchyard-task-classifier/1',
    tasks: [...TASKS],
    hashBits: HASH_BITS,
    scale,
    bias: Array.from(model.bias, (v) => Math.round(v * 1e6) / 1e6),
    mathDemand,
    foreignTemperature,
    training: { rows: rows.length, perTask: Object.fromEntries(TASKS.map((t, i) => [t, counts[i] ?? 0])), ...c },
  };
  return { card, table, classifier: new TaskClassifier(card, table) };
}

/** Temperatures tried for the classifier outside English (1 = as trained). */
const TEMPERATURES = [1, 1.25, 1.5, 1.75, 2, 2.5, 3];

/**
 * The temperature that makes the classifier's probabilities outside English honest: three folds of the
 * multilingual training requests are each held out of a retrained classifier, and the temperature with the
 * lowest log-loss on them is chosen. (On the 913 requests of 2026-12-04: 1.5, mean top probability 0.51 → 0.41
 * against 0.47 of tasks right; still 1.5 with all 1,730; 1.25 once English debugging and list requests joined.)
 */
export function fitForeignTemperature(corpus: readonly TaskExample[], mathDemand: MathDemandModel, languageOf: LanguageOf, recipe: Recipe = RECIPE): number {
  const foreign = corpus.filter((e) => e.source === 'multilingual' && e.split === 'train');
  const held: Array<{ logits: Float32Array; label: number }> = [];
  for (let fold = 0; fold < 3; fold += 1) {
    const out = new Set(foreign.filter((_, i) => i % 3 === fold));
    const { classifier } = trainClassifier(corpus.filter((e) => !out.has(e)), mathDemand, recipe, languageOf);
    for (const e of out) {
      const { words, flags } = analysePrompt([{ role: 'user', content: e.prompt }]);
      held.push({ logits: classifier.logits(words, { ...flags, language: languageOf(e.prompt).language }), label: TASKS.indexOf(e.task) });
    }
  }
  const logLoss = (t: number) => held.reduce((sum, { logits, label }) => sum - Math.log(softmax(logits.map((v) => v / t))[label] ?? 1e-12), 0);
  return TEMPERATURES.reduce((best, t) => (logLoss(t) < logLoss(best) ? t : best), 1);
}

const index = (name: string): number => {
  const i = SCORE_FEATURES.findIndex((f) => f.name === name);
  if (i < 0) throw new Error(`unknown score feature ${name}`);
  return i;
};

/** Fits the score model (logistic over surface features + task probabilities) on pooled rows. */
export function trainScoreModel(rows: readonly ScoreRow[], recipe: Recipe = RECIPE): LogisticModel {
  const perSource = new Map<ScoreSource, number>();
  for (const r of rows) perSource.set(r.source, (perSource.get(r.source) ?? 0) + 1);
  const weights = rows.map((r) => recipe.score.sourceWeight[r.source] / (perSource.get(r.source) ?? 1));
  const after = Object.entries(recipe.score.afterFit).map(([name, p]) => [index(name), p.weight] as const);
  const model = fitLogistic(rows.map((r) => r.x), rows.map((r) => r.y), {
    l2: recipe.score.l2,
    rowWeights: weights,
    fixed: new Map([...Object.entries(recipe.score.priors).map(([name, p]) => [index(name), p.weight] as const), ...after.map(([j]) => [j, 0] as const)]),
    nonNegative: new Set(recipe.score.nonNegative.map(index)),
  });
  for (const [j, w] of after) model.weights[j] = w; // a fixed weight is raw (mean 0, scale 1)
  return model;
}

/** The mean of linear models is one linear model: averaging costs nothing at run time. */
function averageModels(models: readonly SoftmaxModel[]): SoftmaxModel {
  const first = models[0];
  if (first === undefined) throw new Error('no models to average');
  const weights = new Float32Array(first.weights.length);
  const bias = new Float32Array(first.bias.length);
  for (const m of models) {
    for (let i = 0; i < weights.length; i += 1) weights[i] = (weights[i] ?? 0) + (m.weights[i] ?? 0) / models.length;
    for (let i = 0; i < bias.length; i += 1) bias[i] = (bias[i] ?? 0) + (m.bias[i] ?? 0) / models.length;
  }
  return { weights, bias };
}
