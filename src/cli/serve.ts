import { type Command, InvalidArgumentError, Option } from 'commander';
import { isRedisUrl } from '../config.js';
import { GC_MODES, type GcMode, localModelThreads, relaunchWithSingleThreadedGc, runsSingleThreadedGc, wantsSingleThreadedGc } from './gc-relaunch.js';

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return port;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return n;
}

function redisUrlArg(value: string): string {
  if (!isRedisUrl(value)) throw new InvalidArgumentError('must be a redis:// or rediss:// URL');
  return value;
}

export interface ServeOptions {
  port: number;
  host: string;
  policy?: string;
  localModel?: string;
  local: boolean;
  dtype?: string;
  threads?: number;
  queue?: number;
  waitBudget?: number;
  prefixCache?: number;
  batch?: number;
  signals?: string;
  signalsTrace?: string;
  dataDir: string;
  targets?: string;
  redis?: string;
  gc: GcMode;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the OpenAI-compatible API (upstream from SWITCHYARD_UPSTREAM_URL / SWITCHYARD_UPSTREAM_KEY)')
    .option('--port <port>', 'port to listen on', parsePort, 8080)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--policy <file>', 'routing policy (YAML/JSON), hot-reloaded (default: policies/default.yaml)')
    .option('--local-model <dir>', 'local model folder (default: the first model under models/)')
    .option('--no-local', 'run without a local model (cloud only)')
    .option('--dtype <dtype>', 'local weights to load: q4, q4f16, uint8, quantized, fp32 (default: first found in that order)')
    .option('--threads <n>', 'onnxruntime intra-op threads for the local model (default: by model size)', positiveInt)
    .option('--queue <n>', 'hard ceiling on local requests waiting, whatever the expected wait (default 64)', positiveInt)
    .option('--wait-budget <ms>', 'admit a local request while its expected wait is within this many ms, else 429 + Retry-After (default 3000)', nonNegativeInt)
    .option('--batch <n>', 'how many local requests decode together in one batch (default 8; 1 turns batching off)', positiveInt)
    .option('--prefix-cache <mb>', 'KV cache kept to reuse repeated prompt prefixes (chat history), in MB; 0 = off (default 128)', nonNegativeInt)
    .option('--signals <file>', 'JSON/YAML file overriding live device/link readings; re-read on change')
    .option('--signals-trace <file>', 'JSONL device trace to replay ({ "t": seconds, ...fields } per line)')
    .option('--targets <file>', 'named upstream pools (YAML/JSON) and their fallback order, hot-reloaded')
    .option('--data-dir <dir>', 'durable state (deferred requests, decision log)', '.switchyard')
    .option('--redis <url>', 'share rate limits, breakers and deferred work with other replicas (default: SWITCHYARD_REDIS_URL)', redisUrlArg)
    .addOption(
      new Option('--gc <mode>', "V8's garbage collector: single-threaded when the local model's threads take every core (auto), always (single) or never (concurrent)")
        .choices(GC_MODES)
        .default('auto'),
    )
    .action(async (opts: ServeOptions) => {
      const why = runsSingleThreadedGc() ? null : wantsSingleThreadedGc(opts.gc, localModelThreads(opts));
      if (why !== null) return relaunchWithSingleThreadedGc(why);
      // Imported only now: a parent that relaunches itself stays small (express, onnxruntime, the SDK are ~1 s).
      const { runServe } = await import('./serve-run.js');
      await runServe(opts);
    });
}
