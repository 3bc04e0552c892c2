import { Command } from 'commander';
import { packageVersion } from '../paths.js';

// `switchyard models list | head -1`: the reader has gone, which is not an error worth a stack trace. Exit at
// once (with the shell's SIGPIPE status, 128 + 13), as `ls | head -1` does; other write errors still surface.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(141);
});

const program = new Command('switchyard')
  .description('Hybrid edge-cloud query router: one OpenAI-compatible endpoint, answered by a local SLM or an upstream model.')
  .version(packageVersion)
  .showHelpAfterError();

/**
 * Each command's module, imported only when that command runs: `serve` pulls in express, the openai SDK,
 * onnxruntime and the signal readers (about 1 s of imports), which `score` or `policy check` never need.
 */
const commands: Record<string, () => Promise<(program: Command) => void>> = {
  serve: async () => (await import('./serve.js')).registerServe,
  route: async () => (await import('./route.js')).registerRoute,
  score: async () => (await import('./score.js')).registerScore,
  signals: async () => (await import('./signals.js')).registerSignals,
  policy: async () => (await import('./policy.js')).registerPolicy,
  models: async () => (await import('./models.js')).registerModels,
};

// Help and a mistyped command need every command registered; a known command only itself; --version none.
const named = process.argv[2];
const wanted =
  named !== undefined && Object.hasOwn(commands, named) ? [named] : named === '--version' || named === '-V' ? [] : Object.keys(commands);
for (const name of wanted) {
  const load = commands[name];
  if (load !== undefined) (await load())(program);
}

await program.parseAsync(process.argv);
