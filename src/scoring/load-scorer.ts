import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ChatMessage } from '../backends/backend.js';
import { fromPackageRoot } from '../paths.js';
import { explain, tierOf } from './explain.js';
import { loadLanguageId, type LanguageOf } from './language.js';
import { readModelCard, thresholdForShare, type ModelCard } from './model-card.js';
import type { ScoreResult } from './score-result.js';
import { readTaskClassifier, type TaskClassifier } from './task-classifier.js';
import { SCORE_FEATURES, scoreVector } from './task-features.js';
import { loadCommonWords } from './word-rarity.js';

export interface Scorer {
  score(messages: ChatMessage[]): Promise<ScoreResult>;
  /** Score threshold that sends `share` (0..1) of typical prompts to the cloud; from the model's reference quantiles. */
  thresholdForCloudShare(share: number): number;
  close(): Promise<void>;
}

export interface LoadScorerOptions {
  /** Path to the `.onnx` file; its card is the same path with `.json`. Default: the bundled models/scorer. */
  modelPath?: string;
}

export const DEFAULT_SCORER_PATH = fromPackageRoot('models', 'scorer', 'scorer.onnx');

export async function loadScorer(options: LoadScorerOptions = {}): Promise<Scorer> {
  const modelPath = options.modelPath ?? DEFAULT_SCORER_PATH;
  const card = readModelCard(modelPath.replace(/\.onnx$/, '.json'));
  const names = SCORE_FEATURES.map((f) => f.name);
  if (card.features.join() !== names.join()) {
    throw new Error(`${modelPath}: trained on features [${card.features.join(', ')}], this build extracts [${names.join(', ')}]; retrain with npm run train:scorer`);
  }
  const classifier = readTaskClassifier(join(dirname(modelPath), card.taskClassifier));
  loadCommonWords();
  const languageOf = await loadLanguageId();
  // One thread: a single ~40-wide dot product gains nothing from a pool, and the service runs other work.
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  return new OnnxScorer(card, session, classifier, languageOf);
}

class OnnxScorer implements Scorer {
  constructor(
    private readonly card: ModelCard,
    private readonly session: ort.InferenceSession,
    private readonly classifier: TaskClassifier,
    private readonly languageOf: LanguageOf,
  ) {}

  async score(messages: ChatMessage[]): Promise<ScoreResult> {
    // A fresh feature tensor per call: a shared input buffer is overwritten by concurrent score() calls
    // before onnxruntime reads it, which gave every request in a Promise.all the same score.
    const { x, guess, language } = scoreVector(messages, this.classifier, this.languageOf);
    const output = await this.session.run({ features: new ort.Tensor('float32', x, [1, x.length]) });
    const value = output.score?.data[0];
    if (typeof value !== 'number') throw new Error('scorer model returned no score');
    return { score: value, tier: tierOf(this.card, value), task: guess.task, language: language.language, reasons: explain(this.card, x) };
  }

  thresholdForCloudShare(share: number): number {
    return thresholdForShare(this.card.referenceQuantiles, share);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
