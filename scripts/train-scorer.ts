/**
 * Trains the complexity scorer and writes models/scorer/scorer.onnx + scorer.json.
 *   npm run train:scorer [-- --data PATH] [-- --no-cv]
 * Reads the labeled routing data from ../shared (never copied in). Deterministic: IRLS has no random
 * state and the CV fold shuffle is seeded, so rerunning reproduces the committed files byte for byte.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FEATURES } from '../src/scoring/features.js';
import { quantiles, type ModelCard } from '../src/scoring/model-card.js';
import { fromPackageRoot } from '../src/paths.js';
import { DEFAULT_DATA, loadExamples } from './scorer/dataset.js';
import { crossValidate } from './scorer/evaluate.js';
import { logit, sigmoid } from './scorer/logistic.js';
import { exportLogisticOnnx } from './scorer/onnx-export.js';
import { FEATURE_NAMES, RECIPE, trainRecipe } from './scorer/recipe.js';
import { loadSanityPrompts, pairwiseOrder } from './scorer/sanity.js';
import { extractFeatures } from '../src/scoring/features.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, 'no-cv': { type: 'boolean' } } });
const started = Date.now();
const examples = loadExamples(values.data ?? DEFAULT_DATA);
const model = trainRecipe(examples);

const round = (v: number, digits = 6) => Math.round(v * 10 ** digits) / 10 ** digits;
const trainingScores = examples.map((e) => sigmoid(logit(model, e.features)));
const reference = quantiles(trainingScores);
const sanity = loadSanityPrompts().map((p) => ({
  ...p,
  score: sigmoid(logit(model, extractFeatures([{ role: 'user', content: p.prompt }]))),
}));
const cv = values['no-cv'] ? undefined : crossValidate(examples);

const card: ModelCard = {
  format: 'switchyard-scorer/1',
  target: RECIPE.target,
  features: FEATURE_NAMES,
  mean: model.mean.map((v) => round(v)),
  scale: model.scale.map((v) => round(v)),
  weights: model.weights.map((v) => round(v)),
  bias: round(model.bias),
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
writeFileSync(`${outDir}/scorer.onnx`, exportLogisticOnnx(shipped, FEATURE_NAMES));
writeFileSync(`${outDir}/scorer.json`, JSON.stringify(card, null, 2) + '\n');

console.log(`trained on ${examples.length} prompts in ${Date.now() - started} ms → ${outDir}/scorer.{onnx,json}`);
console.log('weights (per standard deviation of the feature):');
FEATURES.forEach((f, j) => console.log(`  ${f.name.padEnd(20)} ${(model.weights[j] ?? 0).toFixed(3)}`));
console.log(`bias ${model.bias.toFixed(3)}; tier cuts ${card.tierCuts.medium} / ${card.tierCuts.high}`);
if (cv) console.log(`grouped CV APGR: scorer ${cv.methods.scorer.apgr.toFixed(3)}, length ${cv.methods.length.apgr.toFixed(3)}, random ${cv.methods.random.apgr.toFixed(3)}`);
console.log(`sanity prompts (hand-written chat): pairwise order ${pairwiseOrder(sanity).toFixed(3)}`);
for (const p of [...sanity].sort((a, b) => a.score - b.score)) console.log(`  ${p.score.toFixed(3)} ${p.level.padEnd(4)} ${p.prompt.slice(0, 70).replace(/\n/g, ' ')}`);
