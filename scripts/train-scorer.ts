/**
 * Trains the complexity scorer and writes models/scorer/: task-classifier.{json,bin} (what kind of request)
 * and scorer.{onnx,json} (how likely a small model falls short, from the task and the demand within it).
 *   npm run train:scorer
 * Reads the labelled routing data from ../shared (never copied in) and the hand-written fixtures. Deterministic:
 * SGD visits rows in a seeded order, IRLS has no random state, so rerunning reproduces the files byte for byte.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadLanguageId } from '../src/scoring/language.js';
import { quantiles, type ModelCard } from '../src/scoring/model-card.js';
import { SCORE_FEATURES, scoreVector } from '../src/scoring/task-features.js';
import { fromPackageRoot } from '../src/paths.js';
import { CHAT_SETS, checkChatOrder, loadChatSet } from './scorer/chat-categories.js';
import { logit, sigmoid } from './scorer/logistic.js';
import { exportLogisticOnnx } from './scorer/onnx-export.js';
import { fitForeignTemperature, RECIPE, trainClassifier, trainMathDemand, trainScoreModel } from './scorer/recipe.js';
import { loadSanityPrompts, pairwiseOrder } from './scorer/sanity.js';
import { loadMathLevels, loadScoreRows } from './scorer/score-data.js';
import { loadTaskCorpus } from './scorer/task-corpus.js';

const started = Date.now();
// The classifier reads requests outside English with their language (text-hash.ts); so do the reference
// traffic, probes and chat sets below, scored as served.
const languageOf = await loadLanguageId();
const corpus = loadTaskCorpus();
const mathDemand = trainMathDemand(loadMathLevels());
const foreignTemperature = fitForeignTemperature(corpus, mathDemand, languageOf);
const { card: taskCard, table, classifier } = trainClassifier(corpus, mathDemand, RECIPE, languageOf, foreignTemperature);
const rows = loadScoreRows(classifier, languageOf);
const fitted = trainScoreModel(rows);
// Fixed-weight features are fitted around 0; the demand features are re-centred on a typical labelled prompt
// (the bias absorbs the shift), so `reasons` says "long for its task" only when it is. Task weights stay
// relative to 0: "task math +1.5" reads better than a push against an average mix of tasks.
const RECENTRED = new Set(['stepwise_length', 'math_numbers', 'math_demand', 'coding_length', 'knowledge_demand']);
const model = { ...fitted, mean: [...fitted.mean], bias: fitted.bias };
SCORE_FEATURES.forEach((f, j) => {
  if (!RECENTRED.has(f.name)) return;
  const centre = rows.reduce((acc, r) => acc + (r.x[j] ?? 0), 0) / rows.length;
  model.mean[j] = centre;
  model.bias += ((model.weights[j] ?? 0) * centre) / (model.scale[j] ?? 1);
});
const round = (v: number, digits = 6) => Math.round(v * 10 ** digits) / 10 ** digits;
const scoreOf = (content: string) => sigmoid(logit(model, scoreVector([{ role: 'user', content }], classifier, languageOf).x));

const held = corpus.filter((e) => e.split === 'test');
const accuracy = held.filter((e) => scoreVector([{ role: 'user', content: e.prompt }], classifier, languageOf).guess.task === e.task).length / held.length;
// "Typical traffic" for tiers and cloud shares: Auto-J's real user queries (every kind of task), not the
// exam-heavy labelled pool nor the math and code rows added to teach the classifier.
const reference = quantiles(corpus.filter((e) => e.source.startsWith('autoj:')).map((e) => scoreOf(e.prompt)));
const sanity = loadSanityPrompts().map((p) => ({ ...p, score: scoreOf(p.prompt) }));
const chat = Object.fromEntries(Object.entries(CHAT_SETS).map(([name, path]) => {
  const prompts = loadChatSet(path);
  return [name, round(checkChatOrder(prompts, prompts.map((p) => logit(model, scoreVector(p.messages, classifier, languageOf).x))).hardAboveEasy, 4)];
}));

const card: ModelCard = {
  format: 'switchyard-scorer/2',
  target: 'P(a 1–2B model falls short of a large one)',
  taskClassifier: 'task-classifier.json',
  features: SCORE_FEATURES.map((f) => f.name),
  mean: model.mean.map((v) => round(v)),
  scale: model.scale.map((v) => round(v)),
  weights: model.weights.map((v) => round(v)),
  bias: round(model.bias),
  priors: Object.fromEntries(
    [...Object.entries(RECIPE.score.priors), ...Object.entries(RECIPE.score.afterFit)].map(([name, p]) => [name, `${p.weight} per unit: ${p.why}`]),
  ),
  referenceQuantiles: reference.map((v) => round(v)),
  // low = the easiest 40% of typical requests, medium = the next 30%, high = the hardest 30%: in real chat
  // traffic roughly a third is code, math, analysis or reasoning, where a small model falls short.
  tierCuts: { medium: round(reference[40] ?? 0.5), high: round(reference[70] ?? 0.8) },
  probes: sanity.map((p) => ({ prompt: p.prompt, score: round(p.score, 8) })),
  training: {
    data: 'mmlu-dev, routerbench-dev, flask-difficulty, math-train (MATH levels) from ../shared/data/routing-dev',
    rows: Object.fromEntries(['mmlu', 'routerbench', 'flask', 'math'].map((s) => [s, rows.filter((r) => r.source === s).length])),
    sourceWeight: RECIPE.score.sourceWeight,
    l2: RECIPE.score.l2,
    taskAccuracyHeldOut: round(accuracy, 4),
    chatHardAboveEasy: chat,
    sanityPairwiseOrder: round(pairwiseOrder(sanity), 4),
  },
};

// The ONNX graph uses the same rounded numbers the card publishes, so reasons and score agree exactly.
const outDir = fromPackageRoot('models', 'scorer');
mkdirSync(outDir, { recursive: true });
writeFileSync(`${outDir}/task-classifier.json`, JSON.stringify(taskCard, null, 2) + '\n');
writeFileSync(`${outDir}/task-classifier.bin`, table);
writeFileSync(`${outDir}/scorer.onnx`, exportLogisticOnnx({ mean: card.mean, scale: card.scale, weights: card.weights, bias: card.bias }, card.features));
writeFileSync(`${outDir}/scorer.json`, JSON.stringify(card, null, 2) + '\n');

console.log(`trained in ${Date.now() - started} ms → ${outDir}/{task-classifier.json,task-classifier.bin,scorer.onnx,scorer.json}`);
console.log(`task classifier: ${taskCard.training.rows} prompts; accuracy on held-out prompts (Auto-J test split + hand-written holdout) ${accuracy.toFixed(3)}; temperature outside English ${foreignTemperature}`);
console.log(`math demand (MATH levels, GSM8K at level 1): ${mathDemand.inputs.map((n, k) => `${n} ${mathDemand.weights[k]}`).join(', ')}; bias ${mathDemand.bias}`);
console.log(`score model: ${rows.length} labelled prompts; chat categories hard-above-easy ${JSON.stringify(chat)}`);
console.log('weights (per standard deviation of the feature; priors are fixed):');
SCORE_FEATURES.forEach((f, j) => console.log(`  ${f.name.padEnd(20)} ${(model.weights[j] ?? 0).toFixed(3)}`));
console.log(`bias ${model.bias.toFixed(3)}; tier cuts ${card.tierCuts.medium} / ${card.tierCuts.high}`);
for (const p of [...sanity].sort((a, b) => a.score - b.score)) console.log(`  ${p.score.toFixed(3)} ${p.level.padEnd(4)} ${p.prompt.slice(0, 70).replace(/\n/g, ' ')}`);

