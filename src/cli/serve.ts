import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { createLocalBackend } from '../backends/local-onnx/index.js';
import { isRedisUrl, redisUrlFromEnv, replicaTimingsFromEnv, upstreamFromEnv } from '../config.js';
import { createLogger, observabilityConfigFromEnv } from '../observability/index.js';
import { loadSecurityConfig } from '../server/security/index.js';
import { createService } from '../service.js';
import { SignalHub } from '../signals/signal-hub.js';
import { localSignalOf } from '../signals/static-signals.js';

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

function redisUrl(value: string): string {
  if (!isRedisUrl(value)) throw new InvalidArgumentError('must be a redis:// or rediss:// URL');
  return value;
}

interface ServeOptions {
  port: number;
  host: string;
  policy?: string;
  localModel?: string;
  local: boolean;
  dtype?: string;
  threads?: number;
  queue?: number;
  signals?: string;
  signalsTrace?: string;
  dataDir: string;
  redis?: string;
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
    .option('--queue <n>', 'local requests that may wait before 429', positiveInt)
    .option('--signals <file>', 'JSON/YAML file overriding live device/link readings; re-read on change')
    .option('--signals-trace <file>', 'JSONL device trace to replay ({ "t": seconds, ...fields } per line)')
    .option('--data-dir <dir>', 'durable state (deferred requests, decision log)', '.switchyard')
    .option('--redis <url>', 'share rate limits, breakers and deferred work with other replicas (default: SWITCHYARD_REDIS_URL)', redisUrl)
    .action(async (opts: ServeOptions) => {
      const upstream = upstreamFromEnv();
      const redis = opts.redis ?? redisUrlFromEnv();
      const obsConfig = observabilityConfigFromEnv();
      const security = loadSecurityConfig();
      const logger = createLogger({ level: obsConfig.logLevel, secrets: [...security.apiKeys, ...(upstream ? [upstream.apiKey] : [])] });
      const local = opts.local
        ? createLocalBackend({
            ...(opts.localModel === undefined ? {} : { modelDir: resolve(opts.localModel) }),
            ...(opts.dtype === undefined ? {} : { dtype: opts.dtype }),
            ...(opts.threads === undefined ? {} : { threads: opts.threads }),
            ...(opts.queue === undefined ? {} : { queueCapacity: opts.queue }),
            logger,
          })
        : null;
      const signals = new SignalHub({
        upstreamUrl: upstream?.baseURL ?? null,
        ...(opts.signals === undefined ? {} : { overrideFile: resolve(opts.signals) }),
        ...(opts.signalsTrace === undefined ? {} : { traceFile: resolve(opts.signalsTrace) }),
        ...(local === null ? {} : { localModel: () => localSignalOf(local.health()) }),
        logger: { warn: (message: string) => logger.warn(message) },
      });
      signals.start();
      const service = await createService({
        upstream,
        local,
        signals,
        ...(opts.policy === undefined ? {} : { policyFile: resolve(opts.policy) }),
        security,
        observability: { logger, decisionLog: obsConfig.decisionLog },
        dataDir: opts.dataDir,
        redisUrl: redis,
        replicas: replicaTimingsFromEnv(),
      });
      const listening = await service.listen(opts.port, opts.host);
      logger.info(
        { url: listening.url, state: service.state.status().store, upstream: upstream?.baseURL ?? null, upstreamModel: upstream?.model ?? null, policy: service.policy.status.file },
        `switchyard listening on ${listening.url}`,
      );
      // The log redacts addresses; a person starting the server needs to see where it listens.
      process.stderr.write(`switchyard listening on ${listening.url} (OpenAI base URL: ${listening.url}/v1)\n`);
      if (upstream === null) logger.warn('no upstream configured (SWITCHYARD_UPSTREAM_URL / OPENAI_BASE_URL): answering locally only');
      const stop = async (): Promise<void> => {
        await service.close();
        await signals.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
