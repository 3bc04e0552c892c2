import type { Command } from 'commander';

// Placeholder until its issue lands; replaced by the real command.
export function registerRoute(program: Command): void {
  program
    .command('route')
    .description('(not yet available)')
    .action(() => {
      process.stderr.write('switchyard route: not yet available\n');
      process.exitCode = 2;
    });
}
