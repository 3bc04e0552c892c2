import type { ChatMessage } from '../backends/backend.js';
import { escalationTarget } from '../routing/decision.js';
import type { CompileEnv } from './compile-env.js';
import { compileCondition, isAlways } from './compile-condition.js';
import type { CompiledCondition } from './decision-input.js';
import type { Diagnostic } from './diagnostics.js';
import { PolicyError } from './diagnostics.js';
import type { PiiDetector } from './pii/detector.js';
import { BUILTIN_DETECTORS, CHECKS } from './pii/detector.js';
import { makeScanner } from './pii/scan.js';
import type { DetectorSpec, PolicyFile, Route } from './schema.js';
import { DEFAULT_TARGETS, policyFileSchema } from './schema.js';
import { siteRouteHint } from './site-route-hint.js';
import { YamlSource } from './yaml-source.js';
import { validate } from './zod-issues.js';

export interface CompileOptions {
  /** From the loaded scorer; resolves `complexity.cloudShare` to a score threshold once, at load. */
  thresholdForCloudShare?: (share: number) => number;
  /** Why no scorer is available, shown in the `cloudShare` diagnostic. */
  scorerUnavailable?: string;
  /** Extra personal-data detectors supplied in code (kinds usable in `content.pii`). */
  detectors?: readonly PiiDetector[];
  /** The configured target names (`local`, `cloud` and a targets file's pools); routes must name one. */
  targets?: readonly string[];
}

export interface CompiledAction {
  /** Rule name (`default` unless the file names its default). */
  name: string;
  route: Route;
  /** Model override for the chosen side; null = policy `models` default, then the server's. */
  model: string | null;
  maxTokens: number | null;
  allowFallback: boolean;
  /** Cascade threshold stated by the rule; null = the server's. */
  minConfidence: number | null;
  /** Where a cascade escalates (`cloud` unless the rule names a pool). */
  escalateTo: string;
}

export interface CompiledRule extends CompiledAction {
  when: CompiledCondition;
}

/** A policy validated and compiled once; evaluation (see `decide`) only runs closures. */
export interface CompiledPolicy {
  file: string;
  description: string | null;
  /** The validated file as written (for `--json` output and the dashboard). */
  source: PolicyFile;
  models: { local: string | null; cloud: string | null };
  rules: readonly CompiledRule[];
  defaultAction: CompiledAction;
  /** Personal-data scan over the detectors the policy refers to; null when no rule looks at content. */
  scanPii: ((messages: readonly ChatMessage[]) => ReadonlySet<string>) | null;
}

/** Parse, validate and compile policy text (YAML or JSON). Throws PolicyError with every problem found. */
export function compilePolicy(text: string, fileName: string, options: CompileOptions = {}): CompiledPolicy {
  const source = new YamlSource(text, fileName);
  if (source.syntaxErrors.length > 0) throw new PolicyError(source.syntaxErrors);
  const targets = options.targets ?? DEFAULT_TARGETS;
  const checked = validate(policyFileSchema(targets), source);
  if (!checked.ok) throw new PolicyError(options.targets === undefined ? [...checked.diagnostics, ...siteRouteHint(source)] : checked.diagnostics);
  const file = checked.value;
  const diagnostics: Diagnostic[] = [];
  const report = (path: readonly PropertyKey[], message: string) => diagnostics.push(source.at(path, message));

  const detectors = buildDetectors(file, options.detectors ?? [], report);
  const env: CompileEnv = {
    report,
    thresholdForCloudShare: options.thresholdForCloudShare,
    scorerUnavailable: options.scorerUnavailable ?? 'none is loaded',
    detectorKinds: new Set(detectors.map((d) => d.kind)),
    patterns: buildPatterns(file, detectors, report),
    usedPiiKinds: new Set(),
    siteTargets: options.targets !== undefined,
    targets,
  };

  const seen = new Map<string, number>();
  let catchAll: number | null = null;
  const rules = file.rules.map((rule, i): CompiledRule => {
    const first = seen.get(rule.name);
    if (first !== undefined) report(['rules', i, 'name'], `duplicate rule name "${rule.name}" (first used by rules[${first}])`);
    else seen.set(rule.name, i);
    if (catchAll !== null) report(['rules', i, 'name'], `unreachable: rules[${catchAll}] above has an empty "when" and matches every request`);
    checkAction(rule, ['rules', i], report);
    const when = compileCondition(rule.when, ['rules', i, 'when'], env);
    if (isAlways(when) && catchAll === null) catchAll = i;
    return { ...action(rule, rule.name), when };
  });
  const defaultName = file.default.name ?? 'default';
  if (seen.has(defaultName)) report(['default'], `the default is named "${defaultName}", like rules[${seen.get(defaultName)}]; rename one`);
  checkAction(file.default, ['default'], report);

  if (diagnostics.length > 0) throw new PolicyError(diagnostics);
  const used = detectors.filter((d) => env.usedPiiKinds.has(d.kind));
  return {
    file: fileName,
    description: file.description ?? null,
    source: file,
    models: { local: file.models?.local ?? null, cloud: file.models?.cloud ?? null },
    rules,
    defaultAction: action(file.default, defaultName),
    scanPii: used.length > 0 ? makeScanner(used) : null,
  };
}

type ActionFields = Pick<PolicyFile['default'], 'route' | 'model' | 'maxTokens' | 'fallback' | 'minConfidence' | 'escalateTo'>;

function action(a: ActionFields, name: string): CompiledAction {
  return {
    name, route: a.route, model: a.model ?? null, maxTokens: a.maxTokens ?? null, allowFallback: a.fallback !== 'never',
    minConfidence: a.minConfidence ?? null, escalateTo: a.escalateTo ?? 'cloud',
  };
}

function checkAction(a: ActionFields, path: PropertyKey[], report: CompileEnv['report']): void {
  if (a.route === 'cascade' && a.fallback === 'never')
    report([...path, 'fallback'], `a cascade escalates to ${escalationTarget(a.escalateTo ?? 'cloud')}, so "fallback: never" contradicts "route: cascade"`);
  if (a.minConfidence !== undefined && a.route !== 'cascade')
    report([...path, 'minConfidence'], `"minConfidence" only applies to "route: cascade" (this rule routes ${a.route})`);
  if (a.escalateTo !== undefined && a.route !== 'cascade')
    report([...path, 'escalateTo'], `"escalateTo" only applies to "route: cascade" (this rule routes ${a.route})`);
}

function buildDetectors(file: PolicyFile, fromCode: readonly PiiDetector[], report: CompileEnv['report']): PiiDetector[] {
  const all: PiiDetector[] = [...BUILTIN_DETECTORS, ...fromCode];
  for (const [kind, spec] of Object.entries(file.detectors ?? {})) {
    if (all.some((d) => d.kind === kind)) {
      report(['detectors', kind], `"${kind}" is already a detector; pick another name`);
      continue;
    }
    const detector = compileDetector(kind, spec, ['detectors', kind], report);
    if (detector !== null) all.push(detector);
  }
  return all;
}

function buildPatterns(file: PolicyFile, detectors: readonly PiiDetector[], report: CompileEnv['report']): Map<string, PiiDetector> {
  const patterns = new Map<string, PiiDetector>();
  for (const [name, spec] of Object.entries(file.patterns ?? {})) {
    if (detectors.some((d) => d.kind === name)) {
      report(['patterns', name], `"${name}" is already a personal-data detector; pick another name`);
      continue;
    }
    const pattern = compileDetector(name, spec, ['patterns', name], report);
    if (pattern !== null) patterns.set(name, pattern);
  }
  return patterns;
}

function compileDetector(kind: string, spec: DetectorSpec, path: PropertyKey[], report: CompileEnv['report']): PiiDetector | null {
  try {
    const pattern = new RegExp(spec.pattern, `g${spec.flags ?? ''}`);
    return spec.check === undefined ? { kind, pattern } : { kind, pattern, confirm: CHECKS[spec.check] };
  } catch (err) {
    report([...path, 'pattern'], `invalid regular expression: ${(err as Error).message}`);
    return null;
  }
}
