/**
 * bench:cli — how long the light CLI commands take from `node` to exit, beside the floor of starting node
 * itself and of loading every command module (what every command paid before each command imported only its
 * own module). Runs the compiled dist/ (npm run build first); variants interleaved, medians of 9 rounds.
 * The machine is shared: compare the columns of one run, not absolute seconds across runs.
 */
import { spawnSync } from 'node:child_process';
import { fromPackageRoot } from '../src/paths.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const bin = fromPackageRoot('bin', 'switchyard.js');
const allModules = ['serve', 'route', 'score', 'signals', 'policy', 'models'].map((m) => fromPackageRoot('dist', 'cli', `${m}.js`));

const variants: Array<[string, string[], string?]> = [
  ['node -e 0 (floor)', ['-e', '0']],
  ['import every command module', ['--input-type=module', '-e', allModules.map((m) => `await import(${JSON.stringify(m)});`).join('')]],
  ['switchyard --version', [bin, '--version']],
  ['switchyard score "What is 2+2?"', [bin, 'score', 'What is 2+2?']],
  ['switchyard models list', [bin, 'models', 'list']],
  ['switchyard policy check default.yaml', [bin, 'policy', 'check', fromPackageRoot('policies', 'default.yaml')]],
  ['switchyard --help', [bin, '--help']],
];

const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
for (let round = 0; round < 9; round++) {
  for (const [name, args] of variants) {
    const t0 = performance.now();
    const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${name} exited ${run.status}: ${run.stderr}`);
    times.get(name)?.push(performance.now() - t0);
  }
}
const floor = median(times.get('node -e 0 (floor)') ?? []);
console.log('| command | median ms | above node floor ms |\n|---|---|---|');
for (const [name] of variants) {
  const m = median(times.get(name) ?? []);
  console.log(`| ${name} | ${m.toFixed(0)} | ${(m - floor).toFixed(0)} |`);
}
