import { z } from 'zod';
import { CAPABILITIES } from '../capabilities.js';
import { LANGUAGE_CODES, suggestLanguageCode } from '../scoring/language-codes.js';
import { TASKS } from '../scoring/tasks.js';
import { inRange } from './ranged-number.js';

/**
 * The condition language of a policy rule's `when`. One mapping; every key present must hold (implicit AND);
 * `all` / `any` / `not` nest. Unknown keys are errors (strict objects), so a typo never silently matches.
 */

/** `{ lt: 20 }`, `{ gte: 0.9 }`, … several keys AND together; a bare number means "equals". */
export const ComparisonSchema = z.strictObject({
  lt: z.number().optional(),
  lte: z.number().optional(),
  gt: z.number().optional(),
  gte: z.number().optional(),
  eq: z.number().optional(),
  ne: z.number().optional(),
});
export const NumberConditionSchema = z.union([z.number(), ComparisonSchema]);

export const TierSchema = z.enum(['low', 'medium', 'high']);
/** What kind of request the scorer's task classifier says this is (see TASK_DESCRIPTIONS). */
export const TaskSchema = z.enum(TASKS);
/**
 * A language as the scorer names it: an ISO 639-1 code ("en", "zh", "pt"), fastText's code for languages without
 * one ("ceb"), or "und" for a request too short to tell. Anything else ("cn", "EN", "english", "pt-BR") is an
 * error with a suggestion: it could never match.
 */
export const LanguageCodeSchema = z.string().superRefine((code, ctx) => {
  if (LANGUAGE_CODES.has(code)) return;
  const guess = suggestLanguageCode(code);
  ctx.addIssue({
    code: 'custom',
    message: `"${code}" is not a language the scorer names${guess === null ? '' : ` (did you mean "${guess}"?)`}; use ISO 639-1 codes such as en, zh, pt, or und for too short to tell`,
  });
});
export const LocalStateSchema = z.enum(['absent', 'loading', 'ready', 'failed']);

/** One name or a list of names (any of them). */
const OneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]);

export const ComplexityConditionSchema = z.strictObject({
  /** Scorer output in [0,1]. */
  score: NumberConditionSchema.superRefine(inRange('the complexity score', 0, 1)).optional(),
  tier: OneOrMany(TierSchema).optional(),
  /**
   * Send this share (0..1) of typical traffic to the cloud: matches when the score is at or above the
   * scorer's calibrated threshold for that share. Resolved to a threshold once, at load.
   */
  cloudShare: z.number().gt(0).lt(1).optional(),
});

export const TokensConditionSchema = z.strictObject({
  /** Prompt tokens as counted by the local tokenizer. */
  prompt: NumberConditionSchema.superRefine(inRange('a token count', 0)).optional(),
  /** Requested completion budget (`max_tokens`); unknown when the request sets none. */
  completion: NumberConditionSchema.superRefine(inRange('a token count', 0)).optional(),
  /** Prompt plus requested completion fit the local model's context window. */
  fitsLocal: z.boolean().optional(),
});

export const ModelConditionSchema = z.union([
  OneOrMany(z.string().min(1)),
  z.strictObject({ matches: z.string().min(1) }),
]);

export const TagsConditionSchema = z.union([
  OneOrMany(z.string().min(1)),
  z.strictObject({
    any: z.array(z.string().min(1)).min(1).optional(),
    all: z.array(z.string().min(1)).min(1).optional(),
    none: z.array(z.string().min(1)).min(1).optional(),
  }),
]);

export const CapabilitySchema = z.enum(CAPABILITIES);

export const ContentConditionSchema = z.strictObject({
  /** `true`: any personal data detector fired; a list: any of these kinds fired; `false`: none fired. */
  pii: z.union([z.boolean(), z.array(z.string().min(1)).min(1)]).optional(),
  /** Any of these named `patterns:` matches the request's text (not personal data). */
  matches: OneOrMany(z.string().min(1)).optional(),
});

export const BatteryConditionSchema = z.strictObject({
  /** `false` matches devices on mains power (no battery reported). */
  present: z.boolean().optional(),
  /** State of charge, 0..100. */
  percent: NumberConditionSchema.superRefine(inRange('battery percent', 0, 100)).optional(),
  charging: z.boolean().optional(),
  timeRemainingMin: NumberConditionSchema.superRefine(inRange('minutes left', 0)).optional(),
});

export const ThermalConditionSchema = z.strictObject({
  cpuTempC: NumberConditionSchema.superRefine(inRange('CPU temperature in °C', -40, 150)).optional(),
  throttling: z.boolean().optional(),
});

export const LocalConditionSchema = z.strictObject({
  /** Shorthand for `state: ready`. */
  ready: z.boolean().optional(),
  state: OneOrMany(LocalStateSchema).optional(),
  queueDepth: NumberConditionSchema.superRefine(inRange('a queue length', 0)).optional(),
  queueCapacity: NumberConditionSchema.superRefine(inRange('a queue length', 0)).optional(),
  /**
   * Expected wait before the local model starts on a request, in ms (0..1 h): e.g. `{ gt: 2000 }` to prefer the
   * cloud when the device is backed up. Unknown (no local model) never matches.
   */
  expectedWaitMs: NumberConditionSchema.superRefine(inRange('an expected wait in ms', 0, 3_600_000)).optional(),
  /** Queue depth has reached its capacity (the local model would answer 429). */
  queueFull: z.boolean().optional(),
});

/** A comparison whose bounds cannot be negative (times, rates): `rttMs: { lt: -5 }` is an error at load. */
const NonNegativeConditionSchema = z.union([
  z.number().min(0),
  z.strictObject({
    lt: z.number().min(0).optional(),
    lte: z.number().min(0).optional(),
    gt: z.number().min(0).optional(),
    gte: z.number().min(0).optional(),
    eq: z.number().min(0).optional(),
    ne: z.number().min(0).optional(),
  }),
]);

/** The link to one upstream target (a targets file's pool), from its endpoints' probes and answers. */
export const LinkConditionSchema = z.strictObject({
  /** Any endpoint of the target reachable (its breaker not open). */
  online: z.boolean().optional(),
  /** Smoothed RTT to the target's fastest reachable endpoint, in ms. */
  rttMs: NonNegativeConditionSchema.optional(),
  /** Smoothed bandwidth from the target's best endpoint, in Mbit/s. */
  bandwidthMbps: NonNegativeConditionSchema.optional(),
});

const conditionFields = {
  complexity: ComplexityConditionSchema.optional(),
  /** The request is any of these tasks, e.g. `[coding, math]`. */
  task: OneOrMany(TaskSchema).optional(),
  /** The request is written in any of these languages, e.g. `[en, de]`; `und` = too short to tell. */
  language: OneOrMany(LanguageCodeSchema).optional(),
  tokens: TokensConditionSchema.optional(),
  model: ModelConditionSchema.optional(),
  tags: TagsConditionSchema.optional(),
  content: ContentConditionSchema.optional(),
  /** The request uses any of these: tool definitions or turns, image or audio parts, JSON mode. */
  uses: OneOrMany(CapabilitySchema).optional(),
  battery: BatteryConditionSchema.optional(),
  /** 0..1 across all cores. */
  cpuLoad: NumberConditionSchema.superRefine(inRange('cpuLoad (a share of all cores)', 0, 1)).optional(),
  memoryFreeMb: NumberConditionSchema.superRefine(inRange('free memory in MB', 0)).optional(),
  thermal: ThermalConditionSchema.optional(),
  online: z.boolean().optional(),
  rttMs: NumberConditionSchema.superRefine(inRange('round-trip time in ms', 0)).optional(),
  bandwidthMbps: NumberConditionSchema.superRefine(inRange('bandwidth in Mbit/s', 0)).optional(),
  metered: z.boolean().optional(),
  local: LocalConditionSchema.optional(),
  /** Per-target link: `links: { edge: { rttMs: { lt: 50 } } }`; target names are checked at load. */
  links: z.record(z.string(), LinkConditionSchema).optional(),
};

const ConditionFieldsSchema = z.strictObject(conditionFields);

/** The recursive part is spelled out (TypeScript cannot infer a self-referencing schema); fields come from zod. */
export interface Condition extends z.infer<typeof ConditionFieldsSchema> {
  all?: Condition[] | undefined;
  any?: Condition[] | undefined;
  not?: Condition | undefined;
}

export const ConditionSchema: z.ZodType<Condition> = z.strictObject({
  ...conditionFields,
  get all() {
    return z.array(ConditionSchema).min(1).optional();
  },
  get any() {
    return z.array(ConditionSchema).min(1).optional();
  },
  get not() {
    return ConditionSchema.optional();
  },
});

export type NumberCondition = z.infer<typeof NumberConditionSchema>;
export type Tier = z.infer<typeof TierSchema>;
