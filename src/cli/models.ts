import type { Command } from 'commander';
import { listInstalledModels } from '../models/list-models.js';
import { readManifest } from '../models/manifest.js';
import { progressBar } from '../models/progress-bar.js';
import { pullModel } from '../models/pull-model.js';
import { fromPackageRoot } from '../paths.js';

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

export function registerModels(program: Command): void {
  const models = program.command('models').description('List installed local models or pull one from a Hugging Face compatible hub');

  models
    .command('list')
    .description('Installed model folders (dtype files, size) and the recommended small models')
    .option('--dir <dir>', 'models folder', fromPackageRoot('models'))
    .action((opts: { dir: string }) => {
      const out = (line: string): boolean => process.stdout.write(`${line}\n`);
      const installed = listInstalledModels(opts.dir);
      out(`Installed in ${opts.dir}:`);
      if (installed.length === 0) out('  (none)');
      for (const m of installed) {
        const dtypes = Object.entries(m.dtypes).map(([d, b]) => `${d} ${mb(b)}`).join(', ');
        out(`  ${m.id.padEnd(28)} ${mb(m.totalBytes).padStart(10)}  [${dtypes}]  ${m.path}`);
      }
      out('');
      out('Recommended (switchyard models pull <repo> --dtype <dtype>):');
      for (const r of readManifest().models) {
        const have = installed.some((m) => m.id === r.repo.split('/')[1]) ? ' (installed)' : '';
        const sizes = Object.entries(r.sizesMB).map(([d, s]) => `${d} ~${s} MB`).join(', ');
        out(`  ${r.repo.padEnd(38)} ${r.parameters.padStart(5)} params, ${r.contextWindow} ctx  [${sizes}]${have}`);
      }
    });

  models
    .command('pull <repo>')
    .description('Download <repo> (e.g. HuggingFaceTB/SmolLM2-135M-Instruct) into models/; resumes, verifies, installs atomically')
    .option('--dtype <dtype>', 'weights file: q4, q4f16, uint8, quantized, fp32, fp16', 'q4')
    .option('--revision <rev>', 'branch, tag or commit', 'main')
    .option('--dir <dir>', 'models folder', fromPackageRoot('models'))
    .action(async (repo: string, opts: { dtype: string; revision: string; dir: string }) => {
      const entry = readManifest().models.find((m) => m.repo === repo);
      const draw = progressBar((text) => process.stderr.write(text), process.stderr.isTTY === true);
      try {
        const result = await pullModel({
          repo,
          dtype: opts.dtype,
          revision: opts.revision,
          modelsDir: opts.dir,
          ...(entry === undefined ? {} : { manifest: entry }),
          onProgress: draw,
        });
        const total = result.files.reduce((s, f) => s + f.size, 0);
        process.stdout.write(`installed ${repo} (${opts.dtype}, ${mb(total)}) in ${result.dir}\n`);
        process.stdout.write(`serve it with: switchyard serve --local-model ${result.dir}\n`);
      } catch (err) {
        process.stderr.write(`\nswitchyard models pull: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      }
    });
}
