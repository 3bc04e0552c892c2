import { Command } from 'commander';
import { packageVersion } from '../paths.js';
import { registerModels } from './models.js';
import { registerPolicy } from './policy.js';
import { registerRoute } from './route.js';
import { registerScore } from './score.js';
import { registerServe } from './serve.js';
import { registerSignals } from './signals.js';

const program = new Command('switchyard')
  .description('Hybrid edge-cloud query router: one OpenAI-compatible endpoint, answered by a local SLM or an upstream model.')
  .version(packageVersion)
  .showHelpAfterError();

registerServe(program);
registerRoute(program);
registerScore(program);
registerSignals(program);
registerPolicy(program);
registerModels(program);

await program.parseAsync(process.argv);
