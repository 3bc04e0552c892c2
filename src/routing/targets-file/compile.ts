import { PolicyError } from '../../policy/diagnostics.js';
import { displayPath, readPolicyText } from '../../policy/load.js';
import type { Diagnostic } from '../../policy/diagnostics.js';
import { didYouMean } from '../../policy/did-you-mean.js';
import { YamlSource } from '../../policy/yaml-source.js';
import { validate } from '../../policy/zod-issues.js';
import type { Target } from '../decision.js';
import { type Balance, TargetsFileSchema } from './schema.js';

type Env = Record<string, string | undefined>;

/** One endpoint of a pool, with its key read from the environment. */
export interface EndpointConfig {
  url: string;
  /** The API key (from `keyEnv`); `none` for servers that need none (the SDK still wants a string). */
  apiKey: string;
}

export interface PoolConfig {
  name: Target;
  endpoints: EndpointConfig[];
  model: string;
  balance: Balance;
}

/** A validated targets file: the pools by name, and the fallback order over every target. */
export interface TargetsConfig {
  file: string;
  pools: PoolConfig[];
  fallback: Target[];
}

/** The endpoints' API keys (from `keyEnv`), which must never show in logs or error bodies. */
export function endpointKeys(config: Pick<TargetsConfig, 'pools'>): string[] {
  return config.pools.flatMap((pool) => pool.endpoints.map((endpoint) => endpoint.apiKey)).filter((key) => key !== 'none');
}

export interface TargetsOptions {
  env?: Env;
  hasCloud?: boolean;
  /** Report a `keyEnv` naming an unset variable (off for `policy check`, which only needs the names). */
  checkKeys?: boolean;
}

/**
 * Parse, validate and check a targets file (YAML or JSON). `hasCloud` says whether SWITCHYARD_UPSTREAM_URL
 * already gives a `cloud` target (a file's own `cloud` replaces it). Throws PolicyError with every problem,
 * each at its file:line:column.
 */
export function compileTargets(text: string, fileName: string, options: TargetsOptions = {}): TargetsConfig {
  const env = options.env ?? process.env;
  const source = new YamlSource(text, fileName);
  if (source.syntaxErrors.length > 0) throw new PolicyError(source.syntaxErrors);
  const checked = validate(TargetsFileSchema, source);
  if (!checked.ok) throw new PolicyError(checked.diagnostics);
  const file = checked.value;
  const diagnostics: Diagnostic[] = [];
  const report = (path: readonly PropertyKey[], message: string): void => void diagnostics.push(source.at(path, message));

  const pools: PoolConfig[] = [];
  for (const [name, spec] of Object.entries(file.targets)) {
    if (name === 'local') {
      report(['targets', 'local'], '"local" is the device\'s own model; name this pool something else (e.g. edge)');
      continue;
    }
    const seen = new Set<string>();
    const endpoints = spec.endpoints.map((endpoint, i): EndpointConfig => {
      const url = endpoint.url.replace(/\/+$/, '');
      if (seen.has(url)) report(['targets', name, 'endpoints', i, 'url'], `"${url}" is listed twice in this pool`);
      seen.add(url);
      const key = endpoint.keyEnv === undefined ? 'none' : env[endpoint.keyEnv];
      if ((key === undefined || key === '') && options.checkKeys !== false) report(['targets', name, 'endpoints', i, 'keyEnv'], `the environment variable ${endpoint.keyEnv} is not set`);
      return { url, apiKey: key ?? 'none' };
    });
    pools.push({ name, endpoints, model: spec.model, balance: spec.balance ?? 'least-busy' });
  }

  // Default order: the device, the file's pools as written, the cloud last.
  const pooled = Object.keys(file.targets).filter((name) => name !== 'cloud');
  const hasCloud = options.hasCloud === true || Object.hasOwn(file.targets, 'cloud');
  const names = new Set(['local', ...pooled, ...(hasCloud ? ['cloud'] : [])]);
  const fallback = file.fallback ?? [...names];
  file.fallback?.forEach((name, i) => {
    if (!names.has(name)) report(['fallback', i], `unknown target "${name}"${didYouMean(name, names)}; known: ${[...names].join(', ')}`);
    else if (file.fallback?.indexOf(name) !== i) report(['fallback', i], `"${name}" is listed twice`);
  });
  if (diagnostics.length > 0) throw new PolicyError(diagnostics);
  return { file: fileName, pools, fallback };
}

/** Read and check a targets file; errors name the file as the user would type it (relative to cwd). */
export function loadTargetsFile(path: string, options: TargetsOptions = {}): TargetsConfig {
  return compileTargets(readPolicyText(path), displayPath(path), options);
}

/** Every target name policies may route to: `local`, `cloud` and a targets file's pools (just the two without one). */
export function targetNames(config: TargetsConfig | null): string[] {
  return [...new Set(['local', 'cloud', ...(config?.pools.map((p) => p.name) ?? [])])];
}
