import type { Command } from 'commander';

// Placeholder until its issue lands; replaced by the real command.
export function registerSignals(program: Command): void {
  program
    .command('signals')
    .description('(not yet available)')
    .action(() => {
      process.stderr.write('switchyard signals: not yet available\n');
      process.exitCode = 2;
    });
}
