import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { z } from 'zod';
import { didYouMean, knownKeysAt } from '../policy/did-you-mean.js';
import { YamlSource } from '../policy/yaml-source.js';
import { SignalInputError, describeIssues } from './input-error.js';

/**
 * The override file (`--signals FILE`): a stable public contract. Any subset of the fields below, JSON or
 * YAML. A field present here replaces the live reading; `null` means "unknown" (and `battery: null` means
 * "no battery", i.e. mains). Unknown keys are rejected so a typo never silently does nothing.
 */
export const BatteryOverrideSchema = z.strictObject({
  /** State of charge, 0..100. */
  percent: z.number().min(0).max(100),
  /** Defaults to the live reading, else false. */
  charging: z.boolean().optional(),
  /** Minutes left on battery; defaults to null (unknown) because a live estimate would not match `percent`. */
  timeRemainingMin: z.number().min(0).nullable().optional(),
});

/** Partial: a missing field keeps the live (or replayed) value. */
export const ThermalOverrideSchema = z.strictObject({
  cpuTempC: z.number().nullable().optional(),
  throttling: z.boolean().nullable().optional(),
});

export const SignalOverrideSchema = z.strictObject({
  battery: BatteryOverrideSchema.nullable().optional(),
  /** 0..1 across all cores. */
  cpuLoad: z.number().min(0).max(1).nullable().optional(),
  memoryFreeMb: z.number().min(0).nullable().optional(),
  thermal: ThermalOverrideSchema.nullable().optional(),
  online: z.boolean().optional(),
  rttMs: z.number().min(0).nullable().optional(),
  bandwidthMbps: z.number().min(0).nullable().optional(),
  metered: z.boolean().nullable().optional(),
});

export type SignalOverride = z.infer<typeof SignalOverrideSchema>;
export type OverrideField = keyof SignalOverride;

/** Validates an already-parsed value; `origin` (file name, `file:line`) prefixes every error line. */
export function parseOverride(value: unknown, origin: string): SignalOverride {
  const result = SignalOverrideSchema.safeParse(value);
  if (!result.success) throw new SignalInputError(describeIssues(origin, result.error));
  return result.data;
}

/**
 * Reads and validates an override file (JSON or YAML, which parses JSON too). Every problem is one line
 * `file:line: field: message`, at the line of the offending value (or of an unknown key).
 */
export function readOverrideFile(path: string): SignalOverride {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SignalInputError(`${path}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  const source = new YamlSource(text, path);
  if (source.syntaxErrors.length > 0) {
    const format = extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML';
    throw new SignalInputError(source.syntaxErrors.map((d) => `${d.file}:${d.line}: not valid ${format}: ${d.message}`).join('\n'));
  }
  const result = SignalOverrideSchema.safeParse(source.value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    // An unknown key is pointed at by its own line, not its parent's.
    const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const at = source.at(key === undefined ? issue.path : [...issue.path, key], issue.message, key !== undefined);
    const hint = key === undefined ? '' : didYouMean(key, knownKeysAt(SignalOverrideSchema, issue.path));
    return `${at.file}:${at.line}: ${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}${hint}`;
  });
  throw new SignalInputError(lines.join('\n'));
}
