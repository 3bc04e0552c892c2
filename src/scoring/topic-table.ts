import { readFileSync } from 'node:fs';
import type { FeatureSpec } from './features.js';

/** The topic feature, last in a model that has the component (its value comes from the table, not the text pass). */
export const TOPIC_FEATURE: FeatureSpec = {
  name: 'topic',
  more: 'vocabulary of subjects small models find hard',
  less: 'vocabulary of subjects small models handle well',
};

/**
 * A prompt's topic is read from its first this-many known words: enough to place any prompt, and it bounds
 * the work on long documents. Training uses the same cut.
 */
export const TOPIC_WORDS = 64;

/**
 * The scorer's topic component: a learned score per vocabulary word (`word<TAB>score` lines, written by
 * `npm run train:scorer`). A prompt's topic feature is the mean score of its first TOPIC_WORDS known words
 * (0 when it has none); the ONNX model weighs it like any other feature. Words outside the vocabulary
 * (names, numbers, typos, stopwords) are skipped.
 */
export class TopicTable {
  private readonly scores = new Map<string, number>();

  constructor(entries: Iterable<readonly [string, number]>) {
    for (const [word, score] of entries) this.scores.set(word, score);
  }

  get size(): number {
    return this.scores.size;
  }

  topic(words: readonly string[]): number {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < words.length && n < TOPIC_WORDS; i += 1) {
      const score = this.scores.get(words[i] ?? '');
      if (score === undefined) continue;
      sum += score;
      n += 1;
    }
    return n === 0 ? 0 : sum / n;
  }
}

export function readTopicTable(path: string): TopicTable {
  const entries = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line, i) => {
      const [word, score] = line.split('\t');
      const value = Number(score);
      if (word === undefined || word === '' || !Number.isFinite(value)) throw new Error(`${path}:${i + 1}: expected "word<TAB>score"`);
      return [word, value] as const;
    });
  return new TopicTable(entries);
}
