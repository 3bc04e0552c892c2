/**
 * Routing quality of the complexity scorer, measured the RouteLLM way on the labeled dev data: APGR, CPT(50%)
 * and CPT(80%) under subject-grouped cross-validation (5 folds × 5 reshuffles; every held-out fold is a pool
 * of subjects the model never saw), next to length-only and random routing on the same held-out sets.
 * Writes bench/results/routing.md and routing.svg (quality-vs-cloud-share curves).
 *   npm run bench:routing [-- --data PATH]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fromPackageRoot } from '../src/paths.js';
import { DEFAULT_DATA, loadExamples } from '../scripts/scorer/dataset.js';
import { crossValidate, type MethodSummary } from '../scripts/scorer/evaluate.js';
import { RECIPE } from '../scripts/scorer/recipe.js';
import { table } from './support/stats.js';
import { curveSvg } from '../scripts/scorer/curve-svg.js';

const { values } = parseArgs({ options: { data: { type: 'string' } } });
const started = Date.now();
const examples = loadExamples(values.data ?? DEFAULT_DATA);
const evaluation = crossValidate(examples);
const { methods } = evaluation;
// Same folds, the other learning target, to show what the choice of label costs or gains on MMLU.
const otherTarget = RECIPE.target === 'weak_wrong' ? 'needs_strong' : 'weak_wrong';
const alternative = crossValidate(examples, evaluation.folds, evaluation.repeats, undefined, { ...RECIPE, target: otherTarget }).methods.scorer;

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const row = (name: string, m: MethodSummary) => [name, m.apgr.toFixed(3), `± ${m.apgrSd.toFixed(3)}`, pct(m.cpt50), pct(m.cpt80)];
const curveRow = (name: string, m: MethodSummary) => [name, ...m.curve.map((v) => v.toFixed(2))];
const report = [
  `Routing quality on ${examples.length} MMLU dev prompts (${new Set(examples.map((e) => e.subject)).size} subjects), ` +
    `subject-grouped CV: ${evaluation.folds} folds × ${evaluation.repeats} reshuffles = ${evaluation.heldOutSets} held-out sets; means shown.`,
  'weak = Mixtral-8x7B, strong = GPT-4; a prompt goes to the strong model when its score is in the top share.',
  '',
  table(['router', 'APGR', 'sd across held-out sets', 'CPT(50%)', 'CPT(80%)'], [
    row(`complexity scorer (shipped, target ${RECIPE.target})`, methods.scorer),
    row(`same features, target ${otherTarget}`, alternative),
    row('length only', methods.length),
    row('random', methods.random),
  ]),
  '',
  'Gap recovered (0 = weak model alone, 1 = strong model alone) at each strong-call share:',
  table(['router', ...methods.scorer.curve.map((_, i) => `${i * 10}%`)], [
    curveRow('complexity scorer', methods.scorer),
    curveRow('length only', methods.length),
    curveRow('random', methods.random),
  ]),
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
]));
console.log(`wrote ${dir}/routing.md and routing.svg`);
