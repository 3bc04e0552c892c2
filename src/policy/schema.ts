import { z } from 'zod';
import { ConditionSchema } from './condition-schema.js';

/** The single source of truth for policy files (YAML or JSON). Types below are inferred, never hand-written twice. */

/** The targets a policy may route to when no targets file names more. */
export const DEFAULT_TARGETS: readonly string[] = ['local', 'cloud'];

/** A target name (`local`, `cloud`, or a pool of the targets file), or `cascade`. */
const routeSchema = (targets: readonly string[]) => {
  const [first = 'cascade', ...rest] = [...targets, 'cascade'];
  return z.enum([first, ...rest]);
};
export const RouteSchema = routeSchema(DEFAULT_TARGETS);

/** Where a cascade may escalate: any target but the device itself (`cloud`, or a pool such as `edge`). */
const escalateSchema = (targets: readonly string[]) => {
  const [first = 'cloud', ...rest] = targets.filter((t) => t !== 'local');
  return z.enum([first, ...rest]);
};

/** What a matching rule (or the default) does. */
const actionFields = (targets: readonly string[]) => ({
  /** A target name, or `cascade`: answer locally, escalate when the local answer's confidence is low. */
  route: routeSchema(targets),
  /** Concrete model id on the chosen side; otherwise the policy's or the server's default for that side. */
  model: z.string().min(1).optional(),
  /** Upper bound on completion tokens, whatever the request asked for. */
  maxTokens: z.number().int().positive().optional(),
  /** `never`: the other side may not answer even when this one fails (privacy rules). */
  fallback: z.enum(['allow', 'never']).optional(),
  /**
   * `route: cascade` only: escalate when the local answer's confidence (geometric-mean token probability)
   * is below this; otherwise the server's threshold (0.5) applies.
   */
  minConfidence: z.number().gt(0).lt(1).optional(),
  /** `route: cascade` only: the target an unsure local answer escalates to (default `cloud`; a site's pool such as `edge`). */
  escalateTo: escalateSchema(targets).optional(),
});

const ruleSchema = (targets: readonly string[]) =>
  z.strictObject({
    /** Shown in `x-switchyard-rule`, logs and `policy test`; unique within the file. */
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, ".", "_" or "-"'),
    description: z.string().optional(),
    when: ConditionSchema,
    ...actionFields(targets),
  });
export const RuleSchema = ruleSchema(DEFAULT_TARGETS);

const defaultActionSchema = (targets: readonly string[]) =>
  z.strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/).optional(),
    description: z.string().optional(),
    ...actionFields(targets),
  });
export const DefaultActionSchema = defaultActionSchema(DEFAULT_TARGETS);

/** A user-defined personal-data detector: a regex, optionally confirmed by a checksum. */
export const DetectorSchema = z.strictObject({
  pattern: z.string().min(1),
  /** Regex flags besides `g`, e.g. `i`. */
  flags: z.string().regex(/^[imsu]*$/, 'only the flags i, m, s, u').optional(),
  /** Checksum a match must pass: `luhn` (card-like numbers) or `iban` (ISO 13616 mod 97). */
  check: z.enum(['luhn', 'iban']).optional(),
});

/** The policy file schema for a set of configured targets (routes are checked against their names). */
export const policyFileSchema = (targets: readonly string[]) => z.strictObject({
  version: z.literal(1),
  description: z.string().optional(),
  /** Default model per side when a rule names none. */
  models: z.strictObject({ local: z.string().min(1).optional(), cloud: z.string().min(1).optional() }).optional(),
  /** Extra personal-data detectors, by kind name (usable in `content.pii: [kind]`). */
  detectors: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'a lowercase name like employee_id'), DetectorSchema).optional(),
  /** Named content patterns that are not personal data (a topic, a keyword), for `content.matches: [name]`. */
  patterns: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'a lowercase name like coding'), DetectorSchema).optional(),
  rules: z.array(ruleSchema(targets)),
  default: defaultActionSchema(targets),
});
export const PolicyFileSchema = policyFileSchema(DEFAULT_TARGETS);

export type Route = z.infer<typeof RouteSchema>;
export type Rule = z.infer<typeof RuleSchema>;
export type DefaultAction = z.infer<typeof DefaultActionSchema>;
export type DetectorSpec = z.infer<typeof DetectorSchema>;
export type PolicyFile = z.infer<typeof PolicyFileSchema>;
