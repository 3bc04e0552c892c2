import type { ChatMessage } from '../../backends/backend.js';
import { decide } from '../../routing/decide.js';
import type { Decision } from '../../routing/decision.js';
import { loadLanguageId, requestLanguage } from '../../scoring/language.js';
import type { ScoreResult } from '../../scoring/score-result.js';
import type { SignalSnapshot } from '../../signals/snapshot.js';
import type { CompiledPolicy } from '../compile.js';
import type { DecisionInput } from '../decision-input.js';
import { PolicyError } from '../diagnostics.js';
import { didYouMean } from '../did-you-mean.js';
import { estimateTokens, fitsLocalContext, parseTags } from '../request-facts.js';
import { YamlSource } from '../yaml-source.js';
import { validate } from '../zod-issues.js';
import { NEUTRAL_BATTERY, NEUTRAL_CONTEXT_WINDOW, NEUTRAL_MODELS, NEUTRAL_SIGNALS, tierOf } from './baseline.js';
import type { PolicyCase } from './cases-schema.js';
import { casesFileSchema } from './cases-schema.js';
import { DEFAULT_TARGETS } from '../schema.js';
import type { Diagnostic } from '../diagnostics.js';

export interface CaseRunnerOptions {
  /** Scores a case that pins no `score` (the CLI passes the real scorer; tests pass a fake). */
  score: (messages: ChatMessage[]) => Promise<ScoreResult>;
  /** The target names the policy may route to (`--targets`: local, cloud and the file's pools). */
  targets?: readonly string[];
  /** The models of the targets file's pools, as the server would name them in decisions. */
  targetModels?: Readonly<Record<string, string>>;
}

export interface CaseResult {
  name: string;
  passed: boolean;
  /** What differed, e.g. `target: expected local, got cloud`; empty when passed. */
  mismatches: string[];
  /** Null when the case could not be decided (e.g. no scorer and no pinned score). */
  decision: Decision | null;
}

/** Parse a cases file (YAML/JSON) and run every case through `decide` with `policy`. */
export async function runCases(policy: CompiledPolicy, casesText: string, casesFile: string, options: CaseRunnerOptions): Promise<CaseResult[]> {
  const source = new YamlSource(casesText, casesFile);
  if (source.syntaxErrors.length > 0) throw new PolicyError(source.syntaxErrors);
  const targets = options.targets ?? DEFAULT_TARGETS;
  const checked = validate(casesFileSchema(targets), source);
  if (!checked.ok) throw new PolicyError(checked.diagnostics);
  const badLinks = checked.value.cases.flatMap((c, i) => unknownLinks(c, i, targets, source));
  if (badLinks.length > 0) throw new PolicyError(badLinks);
  const pools = options.targetModels ?? {};
  const models = {
    ...pools,
    local: checked.value.models?.local ?? NEUTRAL_MODELS.local,
    cloud: checked.value.models?.cloud ?? pools['cloud'] ?? NEUTRAL_MODELS.cloud,
  };
  const ruleNames = [...policy.rules.map((r) => r.name), policy.defaultAction.name];
  const results: CaseResult[] = [];
  for (const c of checked.value.cases) {
    let input: DecisionInput;
    try {
      input = await caseInput(c, models, options);
    } catch (err) {
      results.push({ name: c.name, passed: false, mismatches: [`cannot score: ${(err as Error).message}`], decision: null });
      continue;
    }
    const decision = decide(input, policy);
    const mismatches = compare(c.expect, decision, ruleNames);
    results.push({ name: c.name, passed: mismatches.length === 0, mismatches, decision });
  }
  return results;
}

async function caseInput(c: PolicyCase, models: DecisionInput['models'], options: CaseRunnerOptions): Promise<DecisionInput> {
  const messages: ChatMessage[] = c.messages ?? [{ role: 'user', content: c.prompt ?? '' }];
  const pinned = typeof c.score === 'number' ? { score: c.score } : c.score;
  const score: ScoreResult =
    pinned === undefined
      ? await options.score(messages)
      : {
          score: pinned.score,
          tier: pinned.tier ?? tierOf(pinned.score),
          task: pinned.task ?? null,
          // The language needs no scorer: unless pinned, it is told from the prompt as a served request's is.
          language: pinned.language ?? requestLanguage(messages, await loadLanguageId()).language,
          reasons: [],
        };
  const maxTokens = c.maxTokens ?? null;
  const promptTokens = c.promptTokens ?? estimateTokens(messages);
  const contextWindow = c.contextWindow === undefined ? NEUTRAL_CONTEXT_WINDOW : c.contextWindow;
  return {
    requestedModel: c.model ?? 'auto',
    messages,
    tags: parseTags(c.tags),
    maxTokens,
    uses: new Set(c.uses === undefined ? [] : Array.isArray(c.uses) ? c.uses : [c.uses]),
    score,
    signals: mergeSignals(c.signals ?? {}),
    // A stated link is online unless it says otherwise; a measurement it leaves out is unknown (never matches).
    links: Object.fromEntries(
      Object.entries(c.signals?.links ?? {}).map(([name, link]) => [name, { online: link.online ?? true, rttMs: link.rttMs ?? null, bandwidthMbps: link.bandwidthMbps ?? null }]),
    ),
    context: { promptTokens, contextWindow, fitsLocal: fitsLocalContext(promptTokens, maxTokens, contextWindow) },
    models,
  };
}

/** `signals.links` may only name the upstream targets the policy is checked against (with a did-you-mean). */
function unknownLinks(c: PolicyCase, index: number, targets: readonly string[], source: YamlSource): Diagnostic[] {
  const upstreams = targets.filter((t) => t !== 'local');
  return Object.keys(c.signals?.links ?? {})
    .filter((name) => !upstreams.includes(name))
    .map((name) => {
      const hint = targets.length === DEFAULT_TARGETS.length ? ' (pass --targets FILE for a site\'s pools)' : '';
      return source.at(['cases', index, 'signals', 'links', name], `unknown target "${name}"${didYouMean(name, upstreams)}; upstream targets: ${upstreams.join(', ')}${hint}`, true);
    });
}

const NO_THERMAL = { cpuTempC: null, throttling: null };

/** Overlay a case's partial signals on the neutral baseline (nested objects merge key by key). */
export function mergeSignals(patch: Omit<NonNullable<PolicyCase['signals']>, 'links'>): SignalSnapshot {
  const base = NEUTRAL_SIGNALS;
  return {
    battery: patch.battery === null ? null : patch.battery === undefined ? base.battery : { ...NEUTRAL_BATTERY, ...(base.battery ?? {}), ...defined(patch.battery) },
    cpuLoad: patch.cpuLoad !== undefined ? patch.cpuLoad : base.cpuLoad,
    memoryFreeMb: patch.memoryFreeMb !== undefined ? patch.memoryFreeMb : base.memoryFreeMb,
    thermal: patch.thermal === null ? null : { ...(base.thermal ?? NO_THERMAL), ...defined(patch.thermal ?? {}) },
    online: patch.online ?? base.online,
    rttMs: patch.rttMs !== undefined ? patch.rttMs : base.rttMs,
    bandwidthMbps: patch.bandwidthMbps !== undefined ? patch.bandwidthMbps : base.bandwidthMbps,
    metered: patch.metered !== undefined ? patch.metered : base.metered,
    local: { ...base.local, ...defined(patch.local ?? {}) },
    takenAt: base.takenAt,
  };
}

function defined<T extends object>(o: T): { [K in keyof T]-?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]-?: Exclude<T[K], undefined> };
}

function compare(expect: PolicyCase['expect'], d: Decision, ruleNames: string[]): string[] {
  const out: string[] = [];
  const got = d.cascade ? 'cascade' : d.target;
  if (expect.target !== got) out.push(`target: expected ${expect.target}, got ${got}`);
  if (expect.rule !== undefined && expect.rule !== d.rule) {
    const known = ruleNames.includes(expect.rule) ? '' : ` — the policy has no rule "${expect.rule}"${didYouMean(expect.rule, ruleNames)}`;
    out.push(`rule: expected ${expect.rule}, got ${d.rule}${known}`);
  }
  if (expect.model !== undefined && expect.model !== d.model) out.push(`model: expected ${expect.model}, got ${d.model}`);
  if (expect.allowFallback !== undefined && expect.allowFallback !== d.allowFallback)
    out.push(`allowFallback: expected ${expect.allowFallback}, got ${d.allowFallback}`);
  if (expect.maxTokensCap !== undefined && expect.maxTokensCap !== d.maxTokensCap)
    out.push(`maxTokensCap: expected ${expect.maxTokensCap}, got ${d.maxTokensCap}`);
  return out;
}
