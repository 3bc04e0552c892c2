import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
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

/** Reads and validates an override file; `.json` is parsed as JSON, anything else as YAML. */
export function readOverrideFile(path: string): SignalOverride {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SignalInputError(`${path}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new SignalInputError(`${path}: not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`, { cause: error });
  }
  return parseOverride(value, path);
}
