import { resolve } from 'node:path';
import type { UpstreamConfig } from '../backends/upstream/upstream-backend.js';
import type { KnownModels } from '../policy/decision-input.js';
import type { ExistingTargets } from '../routing/existing-target.js';
import { TargetPools } from '../routing/pool/target-pools.js';
import { loadTargetsFile, targetNames } from '../routing/targets-file/compile.js';
import { DEFAULT_FALLBACK } from '../routing/targets.js';
import type { TargetLink } from '../signals/target-link.js';

/** How long a dry run waits for each endpoint's first probe, in ms. */
const PROBE_WAIT_MS = 2_500;

/** The targets a dry run decides among: local and cloud, plus a targets file's pools with their links probed now. */
export interface RouteTargets {
  /** Names policies may route to (for compiling the policy). */
  names: string[];
  existing(localModel: string | null): ExistingTargets;
  models(localModel: string | null): KnownModels;
  links(): Record<string, TargetLink>;
  /** Whether the file has its own `cloud` pool (then the SWITCHYARD_UPSTREAM_URL shorthand is not used). */
  ownsCloud: boolean;
  close(): Promise<void>;
}

/** Reads `--targets FILE` (PolicyError with file:line on a broken one) and probes its endpoints once. */
export async function openRouteTargets(file: string | undefined, upstream: UpstreamConfig | null): Promise<RouteTargets> {
  const config = file === undefined ? null : loadTargetsFile(resolve(file), { hasCloud: upstream !== null, checkKeys: false });
  const pools =
    config === null ? null : new TargetPools({ timeoutMs: PROBE_WAIT_MS, streamIdleTimeoutMs: PROBE_WAIT_MS, probe: { probeTimeoutMs: PROBE_WAIT_MS } });
  if (config !== null && pools !== null) {
    pools.apply(config);
    const deadline = Date.now() + PROBE_WAIT_MS;
    const probed = (): boolean => Object.values(pools.status()).every((endpoints) => endpoints.every((e) => e.reachable !== null));
    while (!probed() && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
  }
  const poolModels = Object.fromEntries((config?.pools ?? []).map((p) => [p.name, p.model]));
  return {
    names: targetNames(config),
    existing: (localModel) => ({
      configured: { local: localModel !== null, cloud: upstream !== null, ...Object.fromEntries(Object.keys(poolModels).map((name) => [name, true])) },
      fallback: config?.fallback ?? DEFAULT_FALLBACK,
    }),
    models: (localModel) => ({ cloud: upstream?.model ?? null, ...poolModels, local: localModel }),
    links: () => pools?.links() ?? {},
    ownsCloud: Object.hasOwn(poolModels, 'cloud'),
    close: async () => pools?.close(),
  };
}
