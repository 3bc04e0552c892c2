import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * The energy/cost model's inputs: one device power profile and one price table for upstream models.
 * Loaded once at start from a JSON/YAML file (`SWITCHYARD_ENERGY_CONFIG`) with env overrides for the device.
 */
export const DeviceProfileSchema = z.object({
  /** Package power while the model computes, in W. Default: a laptop-class 4-core CPU under full load. */
  activeWatts: z.number().positive().default(25),
  /** Package power when idle, in W; only the difference is charged to a request. */
  idleWatts: z.number().min(0).default(5),
});

export const ModelPriceSchema = z.object({
  /** USD per million prompt tokens. */
  inputPerMTok: z.number().min(0),
  /** USD per million completion tokens. */
  outputPerMTok: z.number().min(0),
});

export const EnergyConfigSchema = z
  .object({
    device: DeviceProfileSchema.default({ activeWatts: 25, idleWatts: 5 }),
    /** Price per upstream model id. Example list prices; operators must set their own contract prices. */
    prices: z.record(z.string(), ModelPriceSchema).default({
      'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
      'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
      'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
    }),
    /** Price used for models missing from `prices`; null = cost unknown (never guessed). */
    defaultPrice: ModelPriceSchema.nullable().default(null),
    /** Cloud model whose price is the counterfactual for local answers; null = the decision's cloud model or the first priced model. */
    counterfactualCloudModel: z.string().nullable().default(null),
    /** Local decode rate (tokens/s) assumed before any local generation was measured; null = unknown until measured. */
    assumedLocalTokensPerSecond: z.number().positive().nullable().default(null),
  })
  .refine((c) => c.device.activeWatts >= c.device.idleWatts, {
    message: 'device.activeWatts must be >= device.idleWatts',
    path: ['device'],
  });

export type DeviceProfile = z.infer<typeof DeviceProfileSchema>;
export type ModelPrice = z.infer<typeof ModelPriceSchema>;
export type EnergyConfig = z.infer<typeof EnergyConfigSchema>;

/**
 * Reads the energy config: file (JSON or YAML, by extension) if given, then env overrides
 * `SWITCHYARD_DEVICE_ACTIVE_WATTS` / `SWITCHYARD_DEVICE_IDLE_WATTS`. Throws a readable error on bad input.
 */
export function loadEnergyConfig(env: NodeJS.ProcessEnv = process.env, file = env.SWITCHYARD_ENERGY_CONFIG): EnergyConfig {
  let raw: Record<string, unknown> = {};
  if (file !== undefined && file !== '') {
    const text = readFileSync(file, 'utf8');
    const parsed: unknown = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
    if (parsed !== null && typeof parsed === 'object') raw = parsed as Record<string, unknown>;
  }
  const device = { ...((raw.device as Record<string, unknown> | undefined) ?? {}) };
  const active = numberFromEnv(env.SWITCHYARD_DEVICE_ACTIVE_WATTS, 'SWITCHYARD_DEVICE_ACTIVE_WATTS');
  const idle = numberFromEnv(env.SWITCHYARD_DEVICE_IDLE_WATTS, 'SWITCHYARD_DEVICE_IDLE_WATTS');
  if (active !== undefined) device.activeWatts = active;
  if (idle !== undefined) device.idleWatts = idle;
  const result = EnergyConfigSchema.safeParse({ ...raw, device });
  if (!result.success) {
    throw new Error(`Invalid energy config${file ? ` in ${file}` : ''}: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

function numberFromEnv(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got "${value}"`);
  return n;
}
