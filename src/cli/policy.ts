import { resolve } from 'node:path';
import type { Command } from 'commander';
import { PolicyError } from '../policy/diagnostics.js';
import { loadTargetsFile, targetNames } from '../routing/targets-file/compile.js';
import type { CompileOptions } from '../policy/compile.js';
import { checkPolicies, testPolicy, type Output } from '../policy/commands.js';
import { loadScoringHooks, type ScoringHooks } from '../policy/scoring-hooks.js';

const io: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('Check routing policy files and test them against cases');

  policy
    .command('check')
    .description('Validate and compile policy files; prints file:line:column errors, exits 1 on any')
    .argument('<files...>', 'policy files (YAML or JSON)')
    .option('--targets <file>', 'the targets file the policies route to (as given to serve --targets)')
    .action(async (files: string[], opts: { targets?: string }) => {
      const targets = targetNamesOf(opts.targets);
      if (targets === null) return;
      const hooks = await loadScoringHooks();
      process.exitCode = checkPolicies(files, { ...compileOptions(hooks), ...targets }, io);
      if (hooks.available) await hooks.close();
    });

  policy
    .command('test')
    .description('Run a cases file (messages + signals → expected target/rule) against a policy; exits 1 on any failure')
    .argument('<file>', 'policy file')
    .requiredOption('--cases <file>', 'cases file (YAML or JSON)')
    .option('--targets <file>', 'the targets file the policy routes to (as given to serve --targets)')
    .action(async (file: string, opts: { cases: string; targets?: string }) => {
      const targets = targetNamesOf(opts.targets);
      if (targets === null) return;
      const hooks = await loadScoringHooks();
      const score = hooks.available
        ? hooks.score
        : () => Promise.reject(new Error(`no complexity scorer (${hooks.reason}); pin "score:" in the case`));
      process.exitCode = await testPolicy(file, opts.cases, { ...compileOptions(hooks), ...targets, score }, io);
      if (hooks.available) await hooks.close();
    });
}

/** The target names of a targets file and its pools' models (`{}` without one); null after printing why it does not load. */
function targetNamesOf(file: string | undefined): { targets?: string[]; targetModels?: Record<string, string> } | null {
  if (file === undefined) return {};
  try {
    const config = loadTargetsFile(resolve(file), { hasCloud: true, checkKeys: false });
    return { targets: targetNames(config), targetModels: Object.fromEntries(config.pools.map((pool) => [pool.name, pool.model])) };
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    io.err(err.message);
    process.exitCode = 1;
    return null;
  }
}

function compileOptions(hooks: ScoringHooks): CompileOptions {
  return hooks.available ? { thresholdForCloudShare: hooks.thresholdForCloudShare } : { scorerUnavailable: hooks.reason };
}
