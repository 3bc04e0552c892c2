import type { Command } from 'commander';

// Placeholder until its issue lands; replaced by the real command.
export function registerModels(program: Command): void {
  program
    .command('models')
    .description('(not yet available)')
    .action(() => {
      process.stderr.write('switchyard models: not yet available\n');
      process.exitCode = 2;
    });
}
