import type { ChatMessage } from '../backends/backend.js';
import { analysePrompt, FEATURE_COUNT, FEATURES, featureIndex, type FeatureSpec } from './features.js';
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
 * `length` stays, with its own small weight).
 */
const STEPWISE: readonly Task[] = ['math', 'coding', 'reasoning', 'analysis', 'lookup'];
const NUMERIC: readonly Task[] = ['math', 'reasoning'];
export const DEMAND_FEATURES: readonly FeatureSpec[] = [
  { name: 'stepwise_length', more: 'a long problem in a step-by-step task', less: 'a short or not step-by-step problem' },
  { name: 'math_numbers', more: 'many quantities in a math or logic problem', less: 'few quantities to track' },
];

export const SCORE_FEATURES: readonly FeatureSpec[] = [...FEATURES, ...TASK_FEATURES, ...DEMAND_FEATURES];
const LENGTH = featureIndex('length');
const NUMBERS = featureIndex('numbers');
const share = (p: Float32Array, tasks: readonly Task[]) => tasks.reduce((s, t) => s + (p[TASKS.indexOf(t)] ?? 0), 0);

export interface ScoreVector {
  x: Float32Array;
  guess: TaskGuess;
}

/** The score model's input for one request: one text pass, one classifier pass. Pure. */
export function scoreVector(messages: readonly ChatMessage[], classifier: TaskClassifier): ScoreVector {
  const { features, words, flags } = analysePrompt(messages);
  const guess = classifier.classify(words, flags);
  const x = new Float32Array(SCORE_FEATURES.length);
  x.set(features);
  x.set(guess.probabilities, FEATURE_COUNT);
  const p = guess.probabilities;
  x[FEATURE_COUNT + TASKS.length] = (features[LENGTH] ?? 0) * share(p, STEPWISE);
  x[FEATURE_COUNT + TASKS.length + 1] = (features[NUMBERS] ?? 0) * share(p, NUMERIC);
  return { x, guess };
}
