import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLocalBackend, findDefaultModelDir, type LocalBackend } from '../backends/local-onnx/index.js';
import { redisUrlFromEnv, replicaTimingsFromEnv, upstreamFromEnv } from '../config.js';
import { loadModelFolder } from '../models/model-folder.js';
import { chooseWeightsFile } from '../models/weights-file.js';
import { createLogger, observabilityConfigFromEnv, SecretList } from '../observability/index.js';
import { defaultPolicyPath, loadPolicyFile } from '../policy/index.js';
import { loadScorer } from '../scoring/index.js';
import { endpointKeys, loadTargetsFile, targetNames } from '../routing/targets-file/compile.js';
import { loadSecurityConfig } from '../server/security/index.js';
import { createService } from '../service.js';
import { SignalHub } from '../signals/signal-hub.js';
import { localSignalOf } from '../signals/static-signals.js';
import { lockDataDir } from './data-dir-lock.js';
import { runsSingleThreadedGc, stopWithParent } from './gc-relaunch.js';
import type { ServeOptions } from './serve.js';
import { describeStartupFailure, StartupError } from './startup-failure.js';

/** `switchyard serve` once its command line is read (and any relaunch for the GC is done): start, or say why not. */
export async function runServe(opts: ServeOptions): Promise<void> {
  // Everything started is closed again before a failed start-up exits: an onnxruntime session still
  // alive at exit aborts the process with a native "terminate called" on top of the real reason.
  const cleanup: Array<() => Promise<unknown>> = [];
  try {
    await serve(opts, cleanup);
  } catch (err) {
    const reason = describeStartupFailure(err, { port: opts.port, host: opts.host });
    for (const close of cleanup.reverse()) await close();
    if (reason === null) throw err;
    process.stderr.write(`switchyard serve: ${reason}\n`);
    process.exit(1);
  }
}

async function serve(opts: ServeOptions, cleanup: Array<() => Promise<unknown>>): Promise<void> {
  const envUpstream = fromEnvironment(upstreamFromEnv);
  if (envUpstream === null && !opts.local && opts.targets === undefined) {
    throw new StartupError('--no-local and no upstream configured: nothing could answer; set SWITCHYARD_UPSTREAM_URL, pass --targets FILE or drop --no-local');
  }
  // The decision log lives in the data dir with the rest of the durable state (a trial found --data-dir ignored).
  const obsConfig = fromEnvironment(() => observabilityConfigFromEnv(process.env, opts.dataDir));
  const security = fromEnvironment(loadSecurityConfig);
  const redisUrl = opts.redis ?? fromEnvironment(redisUrlFromEnv);
  const replicas = fromEnvironment(replicaTimingsFromEnv);
  // Checked before anything else starts, so a broken policy or targets file costs no model load.
  const policyFile = opts.policy === undefined ? undefined : resolve(opts.policy);
  const targetsFile = opts.targets === undefined ? undefined : resolve(opts.targets);
  const siteTargets = targetsFile === undefined ? null : loadTargetsFile(targetsFile, { hasCloud: envUpstream !== null });
  // Every key from the environment is scrubbed from logs and error bodies: the shorthand's and the pools'.
  const keys = [...(envUpstream ? [envUpstream.apiKey] : []), ...(siteTargets === null ? [] : endpointKeys(siteTargets))];
  // Shared with the service, which adds the keys of endpoints a targets edit brings.
  const secrets = new SecretList([...security.apiKeys, ...keys]);
  const logger = createLogger({ level: obsConfig.logLevel, secrets });
  const scorer = await loadScorer();
  cleanup.push(() => scorer.close());
  // A targets file's own `cloud` replaces the SWITCHYARD_UPSTREAM_URL / OPENAI_* shorthand altogether: nothing is
  // sent to, probed at, or reported about the shorthand's host (often api.openai.com by default).
  const fileCloud = siteTargets?.pools.find((pool) => pool.name === 'cloud');
  const upstream = fileCloud === undefined ? envUpstream : null;
  const ignoredUrl = fileCloud === undefined ? undefined : envUpstreamUrl();
  if (ignoredUrl !== undefined && !fileCloud?.endpoints.some((e) => e.url === ignoredUrl.replace(/\/+$/, ''))) {
    logger.warn({ ignored: ignoredUrl, cloud: fileCloud?.endpoints.map((e) => e.url) }, `the targets file's cloud replaces SWITCHYARD_UPSTREAM_URL / OPENAI_BASE_URL (${ignoredUrl}), which is not used`);
  }
  loadPolicyFile(policyFile ?? defaultPolicyPath, {
    thresholdForCloudShare: (share) => scorer.thresholdForCloudShare(share),
    // Without --targets the defaults apply, and a route to a pool gets the hint to pass the file.
    ...(siteTargets === null ? {} : { targets: targetNames(siteTargets) }),
  });
  if (opts.local && (opts.localModel !== undefined || opts.dtype !== undefined)) checkLocalModel(opts.localModel, opts.dtype);
  const unlock = lockDataDir(opts.dataDir);
  cleanup.push(async () => unlock());

  let local: LocalBackend | null = null;
  const signals = new SignalHub({
    upstreamUrl: upstream?.baseURL ?? null,
    ...(opts.signals === undefined ? {} : { overrideFile: resolve(opts.signals) }),
    ...(opts.signalsTrace === undefined ? {} : { traceFile: resolve(opts.signalsTrace) }),
    ...(opts.local ? { localModel: () => localSignalOf(local?.health() ?? null) } : {}),
    logger: { warn: (message: string) => logger.warn(message) },
  });
  signals.start();
  cleanup.push(() => signals.stop());
  local = opts.local
    ? createLocalBackend({
        ...(opts.localModel === undefined ? {} : { modelDir: resolve(opts.localModel) }),
        ...(opts.dtype === undefined ? {} : { dtype: opts.dtype }),
        ...(opts.threads === undefined ? {} : { threads: opts.threads }),
        ...(opts.queue === undefined ? {} : { queueCapacity: opts.queue }),
        ...(opts.waitBudget === undefined ? {} : { waitBudgetMs: opts.waitBudget }),
        ...(opts.prefixCache === undefined ? {} : { prefixCacheMb: opts.prefixCache }),
        ...(opts.batch === undefined ? {} : { maxBatch: opts.batch }),
        logger,
      })
    : null;
  cleanup.push(async () => local?.close());
  // Under memory pressure the local prefix cache gives way first (see LocalBackend.adaptToMemory).
  if (local !== null) {
    const backend = local;
    signals.onChange((snapshot) => backend.adaptToMemory(snapshot.memoryFreeMb));
  }
  const service = await createService({
    upstream,
    local,
    signals,
    scorer,
    ...(policyFile === undefined ? {} : { policyFile }),
    ...(targetsFile === undefined ? {} : { targetsFile }),
    security,
    observability: { logger, decisionLog: obsConfig.decisionLog },
    dataDir: opts.dataDir,
    redisUrl,
    replicas,
    secrets,
  });
  // Cleanup runs in reverse: the service first, then the local backend, the hub and the scorer it was given.
  cleanup.push(() => service.close());
  const listening = await service.listen(opts.port, opts.host);
  logger.info(
    {
      url: listening.url,
      state: service.state.status().store,
      upstream: upstream?.baseURL ?? null,
      upstreamModel: upstream?.model ?? null,
      policy: service.policy.status.file,
      gc: runsSingleThreadedGc() ? 'single-threaded' : 'concurrent',
    },
    `switchyard listening on ${listening.url}`,
  );
  // The log redacts addresses; a person starting the server needs to see where it listens.
  process.stderr.write(`switchyard listening on ${listening.url} (OpenAI base URL: ${listening.url}/v1)\n`);
  if (upstream === null && service.site?.ownsCloud !== true) {
    // Name what does answer: the device, and a targets file's pools.
    const answering = Object.entries(service.targets.existing().configured).flatMap(([name, configured]) => (configured ? [name] : []));
    logger.warn(`no upstream configured (SWITCHYARD_UPSTREAM_URL / OPENAI_BASE_URL): answering from ${answering.join(', ')} only`);
  }
  // One stop however many signals arrive: a Ctrl-C reaches a relaunched serve both from the terminal and from
  // its parent, and a supervisor may send SIGTERM to every process of the group.
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      for (const close of cleanup.reverse()) await close();
      process.exit(0);
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  stopWithParent(stop);
}

/** The upstream URL the environment names, if any (the shorthand's default URL is not "named"). */
function envUpstreamUrl(env: Record<string, string | undefined> = process.env): string | undefined {
  return env['SWITCHYARD_UPSTREAM_URL'] || env['OPENAI_BASE_URL'] || undefined;
}

/** Settings read from SWITCHYARD_* variables: their errors name the variable, which is all a user needs. */
function fromEnvironment<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new StartupError(err instanceof Error ? err.message : String(err), { cause: err });
  }
}

/** An explicit `--local-model` / `--dtype` that cannot load stops start-up with the reason, before listening. */
function checkLocalModel(dir: string | undefined, dtype: string | undefined): void {
  const folder = dir === undefined ? findDefaultModelDir() : resolve(dir);
  if (folder === undefined) throw new StartupError('no model folder under models/ to apply --dtype to; pass --local-model DIR');
  if (!existsSync(folder)) throw new StartupError(`--local-model ${dir ?? folder}: no such folder`);
  try {
    loadModelFolder(folder);
    chooseWeightsFile(folder, dtype);
  } catch (err) {
    throw new StartupError(`--local-model ${dir ?? folder}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
