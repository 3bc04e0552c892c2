import type { ChatMessage } from '../backends/backend.js';
import { analysePrompt, FEATURE_COUNT, FEATURES, featureIndex, type FeatureSpec } from './features.js';
import { isOtherThanEnglish, requestLanguage, UNDETERMINED, type LanguageGuess, type LanguageOf } from './language.js';
import type { TaskClassifier, TaskGuess } from './task-classifier.js';
import { TASK_DESCRIPTIONS, TASKS, type Task } from './tasks.js';

/**
 * The score model's inputs: the surface features (length, cues, numbers …) followed by the task classifier's
 * probability for each task. The score is a logistic model over both, so it reads "a math request (+1.2),
 * asks for a proof (+0.4)": what kind of task, then how demanding within it.
 */
export const TASK_FEATURES: readonly FeatureSpec[] = TASKS.map((task) => ({
  name: `task_${task}`,
  more: `task ${task}: ${TASK_DESCRIPTIONS[task]}`,
  less: `not task ${task}`,
}));

/**
 * Demand within a task: length and numbers say how many steps a math problem or a program takes, and how many
 * specifics a factual question asks for, but nothing about a note to summarize. So they also enter multiplied
 * by the probability that the request is a task where steps or specifics cost a small model (the plain
 * `length` stays, with its own small weight). `math_demand` is fitted on MATH's difficulty levels
 * (math-demand.ts); `coding_length` gives a longer programming task a push of its own.
 */
const STEPWISE: readonly Task[] = ['math', 'coding', 'reasoning', 'analysis', 'lookup'];
const NUMERIC: readonly Task[] = ['math', 'reasoning'];
export const DEMAND_FEATURES: readonly FeatureSpec[] = [
  { name: 'stepwise_length', more: 'a long problem in a step-by-step task', less: 'a short or not step-by-step problem' },
  { name: 'math_numbers', more: 'more quantities to track (numbers or number words) than a typical request', less: 'fewer quantities to track than a typical request' },
  { name: 'math_demand', more: 'a demanding math problem (long, formula-heavy)', less: 'no demanding math (a simple problem, or none)' },
  { name: 'coding_length', more: 'a long programming task', less: 'no long programming task' },
  { name: 'knowledge_demand', more: 'a factual question about little-known names or terms', less: 'no little-known names or terms' },
  { name: 'exam_length', more: 'a long multiple-choice question: more to read and weigh', less: 'a short multiple-choice question' },
];

/**
 * `exam_length` is centred here, log-chars: the median exam question of the labelled pool (289 characters with
 * its options), so a multiple-choice question of typical length keeps the score it had without it.
 */
const EXAM_CENTRE = Math.log(289);

/**
 * The request's language (language.ts): 1–2B models trail large ones further outside English. No labelled
 * pool has non-English rows, so its weight is a stated prior (recipe.ts).
 */
export const LANGUAGE_FEATURES: readonly FeatureSpec[] = [
  { name: 'non_english', more: 'not in English: small models trail large ones further', less: 'in English' },
];

export const SCORE_FEATURES: readonly FeatureSpec[] = [...FEATURES, ...TASK_FEATURES, ...DEMAND_FEATURES, ...LANGUAGE_FEATURES];
const LENGTH = featureIndex('length');
const DEMAND = FEATURE_COUNT + TASKS.length;
const MATH = TASKS.indexOf('math');
const CODING = TASKS.indexOf('coding');
const LOOKUP = TASKS.indexOf('lookup');
const RARE_NAMES = featureIndex('rare_names');
const RARE_WORDS = featureIndex('rare_words');
const NUMBERS = featureIndex('numbers');
const NUMBER_WORDS = featureIndex('number_words');
const NON_ENGLISH = DEMAND + DEMAND_FEATURES.length;
const share = (p: Float32Array, tasks: readonly Task[]) => tasks.reduce((s, t) => s + (p[TASKS.indexOf(t)] ?? 0), 0);

export interface ScoreVector {
  x: Float32Array;
  guess: TaskGuess;
  language: LanguageGuess;
}

/**
 * The score model's input for one request: one text pass, one classifier pass, one language guess (none without
 * `languageOf`: the labelled pools are English). Pure.
 */
export function scoreVector(messages: readonly ChatMessage[], classifier: TaskClassifier, languageOf?: LanguageOf): ScoreVector {
  const { features, words, flags, examLength } = analysePrompt(messages);
  const language = languageOf === undefined ? UNDETERMINED : requestLanguage(messages, languageOf);
  const guess = classifier.classify(words, { ...flags, language: language.language });
  const x = new Float32Array(SCORE_FEATURES.length);
  x.set(features);
  x.set(guess.probabilities, FEATURE_COUNT);
  const p = guess.probabilities;
  x[DEMAND] = (features[LENGTH] ?? 0) * share(p, STEPWISE);
  // Quantities to track: "twice as many", "half of the remaining", "three hundred years" count with the digits.
  const quantities = Math.log1p(Math.expm1(features[NUMBERS] ?? 0) + Math.expm1(features[NUMBER_WORDS] ?? 0));
  x[DEMAND + 1] = quantities * share(p, NUMERIC);
  x[DEMAND + 2] = (p[MATH] ?? 0) * classifier.mathDemand(features);
  x[DEMAND + 3] = (features[LENGTH] ?? 0) * (p[CODING] ?? 0);
  x[DEMAND + 4] = ((features[RARE_NAMES] ?? 0) + (features[RARE_WORDS] ?? 0)) * (p[LOOKUP] ?? 0);
  x[DEMAND + 5] = examLength === null ? 0 : examLength - EXAM_CENTRE;
  x[NON_ENGLISH] = isOtherThanEnglish(language.language) ? 1 : 0;
  return { x, guess, language };
}

/** Index of `math_demand` in the score vector (the benchmark refits the math model per held-out subject). */
export const MATH_DEMAND_INDEX = DEMAND + 2;
/** `math_demand` recomputed with another math model: P(math) × demand, the rest of `x` unchanged. */
export function withMathDemand(x: Float32Array, demand: (features: ArrayLike<number>) => number): Float32Array {
  const out = Float32Array.from(x);
  out[MATH_DEMAND_INDEX] = (x[FEATURE_COUNT + MATH] ?? 0) * demand(x);
  return out;
}
