export type { ScoreReason, ScoreResult, Tier } from './score-result.js';
export { loadScorer, DEFAULT_SCORER_PATH, type Scorer, type LoadScorerOptions } from './load-scorer.js';
export { analysePrompt, extractFeatures, FEATURES, FEATURE_COUNT, featureIndex, type FeatureSpec, type PromptAnalysis } from './features.js';
export { promptText, stripMultipleChoice } from './prompt-text.js';
export { readModelCard, thresholdForShare, quantiles, type ModelCard } from './model-card.js';
export { TASKS, TASK_DESCRIPTIONS, isTask, type Task } from './tasks.js';
export { languageName, loadLanguageId, type LanguageGuess } from './language.js';
export { SCORE_FEATURES, scoreVector } from './task-features.js';
