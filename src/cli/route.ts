import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import type { ChatMessage } from '../backends/backend.js';
import { CAPABILITIES, type Capability } from '../capabilities.js';
import { upstreamFromEnv } from '../config.js';
import { createPromptFormatter } from '../models/chat-format.js';
import { findDefaultModelDir } from '../models/find-default-model.js';
import { loadModelFolder } from '../models/model-folder.js';
import type { CompiledPolicy } from '../policy/compile.js';
import { PolicyError } from '../policy/diagnostics.js';
import { defaultPolicyPath, loadPolicyFile } from '../policy/index.js';
import { estimateTokens, parseTags } from '../policy/request-facts.js';
import { type PromptMeasure, RouteDecider } from '../routing/route-decider.js';
import { languageName, loadScorer, TASK_DESCRIPTIONS } from '../scoring/index.js';
import { formatSnapshotTable } from '../signals/format.js';
import { SignalInputError } from '../signals/input-error.js';
import { SignalHub } from '../signals/signal-hub.js';
import type { TargetLink } from '../signals/target-link.js';
import { openRouteTargets } from './route-targets.js';

interface RouteOptions {
  signals?: string;
  policy?: string;
  localModel?: string;
  model: string;
  tags?: string;
  uses?: Capability[];
  maxTokens?: string;
  json?: boolean;
  targets?: string;
}

/** `switchyard route "prompt"`: the decision the server would make right now, and why. Nothing is generated. */
export function registerRoute(program: Command): void {
  program
    .command('route')
    .description('Show where a prompt would be routed now, and why (a dry run: nothing is generated)')
    .argument('<prompt>', 'the user message')
    .option('--signals <file>', 'override live readings with this JSON/YAML file')
    .option('--policy <file>', 'routing policy (default: policies/default.yaml)')
    .option('--targets <file>', 'named upstream pools, as given to serve --targets (their endpoints are probed now)')
    .option('--local-model <dir>', 'local model folder whose tokenizer and window count (default: first under models/)')
    .option('--model <model>', 'the requested model: auto, local, cloud or a concrete id', 'auto')
    .option('--tags <tags>', 'request tags, comma-separated (as x-switchyard-tags)')
    .option('--uses <list>', `what the request would need beyond text, comma-separated: ${CAPABILITIES.join(', ')}`, parseUses)
    .option('--max-tokens <n>', 'the max_tokens the request would ask for')
    .option('--json', 'print the decision as JSON')
    .action(async (prompt: string, opts: RouteOptions) => {
      try {
        await routeOnce(prompt, opts);
      } catch (err) {
        // A broken policy, targets or signals file: its file:line lines, not a stack trace.
        if (err instanceof PolicyError) process.stderr.write(`${err.message}\n`);
        else if (err instanceof SignalInputError) process.stderr.write(`switchyard route: ${err.message}\n`);
        else throw err;
        process.exitCode = 1;
      }
    });
}

async function routeOnce(prompt: string, opts: RouteOptions): Promise<void> {
  const upstream = upstreamFromEnv();
  const targets = await openRouteTargets(opts.targets, upstream);
  const scorer = await loadScorer();
  let policy: CompiledPolicy;
  try {
    policy = loadPolicyFile(resolve(opts.policy ?? defaultPolicyPath), {
      thresholdForCloudShare: (s) => scorer.thresholdForCloudShare(s),
      ...(opts.targets === undefined ? {} : { targets: targets.names }),
    });
  } catch (err) {
    await Promise.all([targets.close(), scorer.close()]);
    throw err;
  }
  const hub = new SignalHub({
    // A targets file's own `cloud` replaces the shorthand: its host is not probed (the pool's link is shown instead).
    upstreamUrl: targets.ownsCloud ? null : (upstream?.baseURL ?? null),
    ...(opts.signals === undefined ? {} : { overrideFile: resolve(opts.signals) }),
    link: { probeTimeoutMs: 2_000 },
  });
  if (targets.ownsCloud) hub.useCloudLink(() => targets.links()['cloud'] ?? null);
  try {
    hub.start();
  } catch (err) {
    await Promise.all([hub.stop(), targets.close(), scorer.close()]);
    throw err;
  }
  await hub.ready();
  const modelDir = opts.localModel === undefined ? findDefaultModelDir() : resolve(opts.localModel);
  const folder = modelDir === undefined ? null : loadModelFolder(modelDir);
  const formatter = folder === null ? null : createPromptFormatter(folder);
  const measure = (messages: ChatMessage[]): PromptMeasure =>
    folder === null || formatter === null
      ? { promptTokens: estimateTokens(messages), contextWindow: null }
      : { promptTokens: formatter.encode(messages).length, contextWindow: folder.contextWindow };
  const decider = new RouteDecider({
    policy: () => policy,
    scorer,
    // The local model is not started by a dry run; treat it as ready with an empty queue.
    signals: () => ({ ...hub.snapshot(), local: { state: folder === null ? 'absent' : 'ready', queueDepth: 0, queueCapacity: 4 } }),
    measure,
    models: () => targets.models(folder?.id ?? null),
    links: () => targets.links(),
    targets: () => targets.existing(folder?.id ?? null),
  });
  const messages = [{ role: 'user' as const, content: prompt }];
  const request = {
    requestedModel: opts.model,
    messages,
    tags: parseTags(opts.tags),
    uses: opts.uses ?? [],
    maxTokens: opts.maxTokens === undefined ? null : Number(opts.maxTokens),
    fallbackForbidden: false,
  };
  const { decision, input } = await decider.explain(request);
  const links = targets.links();
  await Promise.all([hub.stop(), scorer.close(), targets.close()]);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ...decision, tier: input.score.tier, scoreReasons: input.score.reasons, context: input.context, links }, null, 2)}\n`);
    return;
  }
  const lines = [
    `→ ${decision.target}${decision.cascade ? ` (cascade: escalates to ${decision.cascadeTo === undefined ? 'the cloud' : decision.cascadeTo} if the local answer is unsure)` : ''} · model ${decision.model} · rule "${decision.rule}"`,
    ...decision.reasons.map((r) => `  why: ${r}`),
    `  task: ${input.score.task === null ? 'unknown' : `${input.score.task} (${TASK_DESCRIPTIONS[input.score.task]})`}`,
    `  language: ${languageName(input.score.language)}`,
    `  complexity: ${input.score.score.toFixed(3)} (${input.score.tier})${input.score.reasons.length ? ' — ' + input.score.reasons.map((r) => `${r.detail} (${r.weight > 0 ? '+' : ''}${r.weight.toFixed(2)})`).join(', ') : ''}`,
    `  prompt: ${input.context.promptTokens} tokens; local window ${input.context.contextWindow ?? 'none'}; fits locally: ${input.context.fitsLocal ? 'yes' : 'no'}`,
    `  fallback to another target: ${decision.allowFallback ? 'allowed' : 'never'}${decision.maxTokensCap === null ? '' : `; max_tokens capped at ${decision.maxTokensCap}`}`,
    ...Object.entries(links).map(([name, link]) => `  link to ${name}: ${formatTargetLink(link)}`),
    '',
    formatSnapshotTable(input.signals, hub.sources(), hub.measuresLink),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function parseUses(value: string): Capability[] {
  const names = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const unknown = names.filter((n) => !(CAPABILITIES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown ${unknown.join(', ')}; expected ${CAPABILITIES.join(', ')}`);
  return names as Capability[];
}

/** `online · RTT 6.2 ms · 940 Mbit/s`, or `down` when no endpoint of the pool answers its probe. */
function formatTargetLink(link: TargetLink): string {
  if (!link.online) return 'down (no endpoint answers)';
  const parts = ['online'];
  if (link.rttMs !== null) parts.push(`RTT ${link.rttMs.toFixed(1)} ms`);
  if (link.bandwidthMbps !== null) parts.push(`${link.bandwidthMbps.toFixed(1)} Mbit/s`);
  return parts.join(' · ');
}
