import { join } from 'node:path';
import { z } from 'zod';
import type { LevelWithSilent } from 'pino';

const DecisionLogEnvSchema = z.object({
  file: z.string().min(1),
  /** Rotate past this size, in MiB. */
  maxMb: z.coerce.number().positive().default(10),
  maxFiles: z.coerce.number().int().min(0).default(3),
  includeContent: z.boolean().default(false),
});

export interface ObservabilityEnvConfig {
  logLevel: LevelWithSilent;
  decisionLog: { file: string; maxBytes: number; maxFiles: number; includeContent: boolean } | null;
}

/**
 * SWITCHYARD_LOG_LEVEL (default info); SWITCHYARD_DECISION_LOG = path (default `decisions.jsonl` in the data
 * dir, `.switchyard/` unless serve's --data-dir says otherwise; `off` disables); SWITCHYARD_DECISION_LOG_MAX_MB
 * (10); SWITCHYARD_DECISION_LOG_FILES (3); SWITCHYARD_LOG_CONTENT=1 to include message content (redacted) in
 * decision-log lines.
 */
export function observabilityConfigFromEnv(env: NodeJS.ProcessEnv = process.env, dataDir = '.switchyard'): ObservabilityEnvConfig {
  const level = z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .safeParse(env.SWITCHYARD_LOG_LEVEL === '' ? undefined : env.SWITCHYARD_LOG_LEVEL);
  if (!level.success) throw new Error(`SWITCHYARD_LOG_LEVEL: ${z.prettifyError(level.error)}`);
  const file = env.SWITCHYARD_DECISION_LOG ?? join(dataDir, 'decisions.jsonl');
  if (file === 'off' || file === '') return { logLevel: level.data, decisionLog: null };
  const parsed = DecisionLogEnvSchema.safeParse({
    file,
    maxMb: env.SWITCHYARD_DECISION_LOG_MAX_MB || undefined,
    maxFiles: env.SWITCHYARD_DECISION_LOG_FILES || undefined,
    includeContent: env.SWITCHYARD_LOG_CONTENT === '1' || env.SWITCHYARD_LOG_CONTENT === 'true',
  });
  if (!parsed.success) throw new Error(`Invalid decision log settings: ${z.prettifyError(parsed.error)}`);
  const { maxMb, maxFiles, includeContent } = parsed.data;
  return { logLevel: level.data, decisionLog: { file, maxBytes: Math.round(maxMb * 1024 * 1024), maxFiles, includeContent } };
}
