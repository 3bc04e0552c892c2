import type { Command } from 'commander';

// Placeholder until its issue lands; replaced by the real command.
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('(not yet available)')
    .action(() => {
      process.stderr.write('switchyard serve: not yet available\n');
      process.exitCode = 2;
    });
}
