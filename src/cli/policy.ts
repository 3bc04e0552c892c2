import type { Command } from 'commander';
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
    .action(async (files: string[]) => {
      const hooks = await loadScoringHooks();
      process.exitCode = checkPolicies(files, compileOptions(hooks), io);
      if (hooks.available) await hooks.close();
    });

  policy
    .command('test')
    .description('Run a cases file (messages + signals → expected target/rule) against a policy; exits 1 on any failure')
    .argument('<file>', 'policy file')
    .requiredOption('--cases <file>', 'cases file (YAML or JSON)')
    .action(async (file: string, opts: { cases: string }) => {
      const hooks = await loadScoringHooks();
      const score = hooks.available
        ? hooks.score
        : () => Promise.reject(new Error(`no complexity scorer (${hooks.reason}); pin "score:" in the case`));
      process.exitCode = await testPolicy(file, opts.cases, { ...compileOptions(hooks), score }, io);
      if (hooks.available) await hooks.close();
    });
}

function compileOptions(hooks: ScoringHooks): CompileOptions {
  return hooks.available ? { thresholdForCloudShare: hooks.thresholdForCloudShare } : { scorerUnavailable: hooks.reason };
}
