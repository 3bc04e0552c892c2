import type { Command } from 'commander';

// Placeholder until its issue lands; replaced by the real command.
export function registerScore(program: Command): void {
  program
    .command('score')
    .description('(not yet available)')
    .action(() => {
      process.stderr.write('switchyard score: not yet available\n');
      process.exitCode = 2;
    });
}
