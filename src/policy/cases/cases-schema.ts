import { z } from 'zod';
import { CapabilitySchema, LanguageCodeSchema, TaskSchema } from '../condition-schema.js';
import { DEFAULT_TARGETS } from '../schema.js';
import { BatterySchema, LocalModelSignalSchema, ThermalSchema, SignalSnapshotSchema } from '../../signals/snapshot.js';

const snapshot = SignalSnapshotSchema.shape;

/** The link to one target of `--targets`, as a case states it; an unstated field is unknown (no measurement). */
const LinkPatchSchema = z.strictObject({
  online: z.boolean().optional(),
  rttMs: z.number().min(0).nullable().optional(),
  bandwidthMbps: z.number().min(0).nullable().optional(),
});

/** Signals a case overrides on top of the neutral baseline; every key optional, unknown keys are errors. */
export const SignalsPatchSchema = z.strictObject({
  battery: z.strictObject(BatterySchema.shape).partial().nullable().optional(),
  cpuLoad: snapshot.cpuLoad.optional(),
  memoryFreeMb: snapshot.memoryFreeMb.optional(),
  thermal: z.strictObject(ThermalSchema.shape).partial().nullable().optional(),
  online: snapshot.online.optional(),
  rttMs: snapshot.rttMs.optional(),
  bandwidthMbps: snapshot.bandwidthMbps.optional(),
  metered: snapshot.metered.optional(),
  local: z.strictObject(LocalModelSignalSchema.shape).partial().optional(),
  /** Links to the pools of `--targets` (`links: { edge: { online: true, rttMs: 12 } }`); a target not stated has no link. */
  links: z.record(z.string(), LinkPatchSchema).optional(),
});

const MessageSchema = z.strictObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.string(),
});

/** A case of a policy whose routes may name `targets` (local, cloud and the pools of `--targets`). */
export const caseSchema = (targets: readonly string[]) => z
  .strictObject({
    name: z.string().min(1),
    prompt: z.string().optional(),
    messages: z.array(MessageSchema).min(1).optional(),
    /** Requested model (`auto` unless set). */
    model: z.string().min(1).optional(),
    tags: z.union([z.string(), z.array(z.string())]).optional(),
    /** What the request needs beyond plain text (tools, images, audio, json); none unless set. */
    uses: z.union([CapabilitySchema, z.array(CapabilitySchema)]).optional(),
    maxTokens: z.number().int().positive().optional(),
    signals: SignalsPatchSchema.optional(),
    /** Pins complexity so the case does not depend on the scorer's exact numbers. */
    score: z
      .union([
        z.number().min(0).max(1),
        z.strictObject({
          score: z.number().min(0).max(1),
          tier: z.enum(['low', 'medium', 'high']).optional(),
          /** Pins the task too; without it the task is unknown and `task:` conditions do not match. */
          task: TaskSchema.optional(),
          /** Pins the language ("en", "zh"); without it the language is told from the prompt, as when served. */
          language: LanguageCodeSchema.optional(),
        }),
      ])
      .optional(),
    promptTokens: z.number().int().min(0).optional(),
    contextWindow: z.number().int().positive().nullable().optional(),
    expect: z.strictObject({
      target: z.enum([...targets, 'cascade']),
      rule: z.string().optional(),
      model: z.string().optional(),
      allowFallback: z.boolean().optional(),
      maxTokensCap: z.number().int().positive().nullable().optional(),
    }),
  })
  .refine((c) => (c.prompt === undefined) !== (c.messages === undefined), {
    message: 'give exactly one of "prompt" or "messages"',
  });

export const CaseSchema = caseSchema(DEFAULT_TARGETS);

export const casesFileSchema = (targets: readonly string[]) => z.strictObject({
  description: z.string().optional(),
  /** Default model ids the decisions name (the server's loaded local model and upstream model). */
  models: z.strictObject({ local: z.string().optional(), cloud: z.string().optional() }).optional(),
  cases: z.array(caseSchema(targets)).min(1),
});
export const CasesFileSchema = casesFileSchema(DEFAULT_TARGETS);

export type PolicyCase = z.infer<typeof CaseSchema>;
export type CasesFile = z.infer<typeof CasesFileSchema>;
