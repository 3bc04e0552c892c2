import type { ChatMessage } from '../backends/backend.js';
import { analysePrompt, FEATURE_COUNT, FEATURES, type FeatureSpec } from './features.js';
import type { TaskClassifier, TaskGuess } from './task-classifier.js';
import { TASK_DESCRIPTIONS, TASKS } from './tasks.js';

/**
 * The score model's inputs: the surface features (length, cues, numbers …) followed by the task classifier's
 * probability for each task. The score is a logistic model over both, so it reads "a math request (+1.2),
 * asks for a proof (+0.4)": what kind of task, then how demanding within it.
 */
export const TASK_FEATURES: readonly FeatureSpec[] = TASKS.map((task) => ({
  name: `task_${task}`,
  more: `a ${task} request (${TASK_DESCRIPTIONS[task]})`,
  less: `not a ${task} request`,
}));

export const SCORE_FEATURES: readonly FeatureSpec[] = [...FEATURES, ...TASK_FEATURES];

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
  return { x, guess };
}
