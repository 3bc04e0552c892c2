import type { Command } from 'commander';

// Placeholder until its issue lands; replaced by the real command.
export function registerPolicy(program: Command): void {
  program
    .command('policy')
    .description('(not yet available)')
    .action(() => {
      process.stderr.write('switchyard policy: not yet available\n');
      process.exitCode = 2;
    });
}
