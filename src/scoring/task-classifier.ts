import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { mathDemand, MathDemandSchema } from './math-demand.js';
import { isOtherThanEnglish } from './language.js';
import { hashFeatures, HASH_BITS, type TextFlags } from './text-hash.js';
import { TASKS, type Task } from './tasks.js';

/**
 * `models/scorer/task-classifier.json` + `.bin`, written by `npm run train:scorer`. A linear softmax over the
 * mean of a prompt's hashed features (fastText's supervised model with the hidden layer as wide as the task
 * list): the `.bin` holds one int8 row of per-task weights per hash bucket, `scale` turns them back into
 * logit units.
 */
export const TaskCardSchema = z.object({
  format: z.literal('switchyard-task-classifier/1'),
  tasks: z.array(z.string()).min(2),
  hashBits: z.number().int(),
  /** Logit units per int8 step of the bucket table. */
  scale: z.number().positive(),
  bias: z.array(z.number()),
  /** Demand within math (MATH-level model over surface features); see math-demand.ts. */
  mathDemand: MathDemandSchema,
  /**
   * Outside English the logits are divided by this before the softmax: trained on far fewer requests there, the
   * classifier is surer than it is right. Fitted by cross-validation on the multilingual training requests.
   */
  foreignTemperature: z.number().positive().default(1),
  training: z.record(z.string(), z.unknown()),
});
export type TaskCard = z.infer<typeof TaskCardSchema>;

export interface TaskGuess {
  task: Task;
  /** Probability per task, in TASKS order. */
  probabilities: Float32Array;
}

export class TaskClassifier {
  private readonly ids: number[] = [];
  /** How demanding a prompt would be as a math problem, from its surface features (logit units). */
  readonly mathDemand: (features: ArrayLike<number>) => number;

  constructor(
    readonly card: TaskCard,
    private readonly table: Int8Array,
  ) {
    if (card.tasks.join() !== TASKS.join()) {
      throw new Error(`task classifier was trained on tasks [${card.tasks.join(', ')}], this build knows [${TASKS.join(', ')}]; retrain with npm run train:scorer`);
    }
    if (card.hashBits !== HASH_BITS || table.length !== (1 << HASH_BITS) * TASKS.length) {
      throw new Error(`task classifier table has ${table.length} weights, expected 2^${HASH_BITS} × ${TASKS.length}; retrain with npm run train:scorer`);
    }
    this.mathDemand = mathDemand(card.mathDemand);
  }

  /** Per-task logits (before softmax) of a prompt's words; pure apart from a reused id buffer. */
  logits(words: readonly string[], flags: TextFlags): Float32Array {
    const k = TASKS.length;
    const ids = hashFeatures(words, flags, this.ids);
    const sums = new Float32Array(k);
    for (const id of ids) {
      const row = id * k;
      for (let t = 0; t < k; t += 1) sums[t] = (sums[t] ?? 0) + (this.table[row + t] ?? 0);
    }
    const perId = ids.length === 0 ? 0 : this.card.scale / ids.length;
    for (let t = 0; t < k; t += 1) sums[t] = (this.card.bias[t] ?? 0) + (sums[t] ?? 0) * perId;
    return sums;
  }

  classify(words: readonly string[], flags: TextFlags): TaskGuess {
    const logits = this.logits(words, flags);
    if (isOtherThanEnglish(flags.language)) {
      for (let t = 0; t < logits.length; t += 1) logits[t] = (logits[t] ?? 0) / this.card.foreignTemperature;
    }
    const probabilities = softmax(logits);
    let best = 0;
    for (let t = 1; t < probabilities.length; t += 1) if ((probabilities[t] ?? 0) > (probabilities[best] ?? 0)) best = t;
    return { task: TASKS[best] ?? 'chat', probabilities };
  }
}

export function softmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let sum = 0;
  const out = new Float32Array(logits.length);
  for (let t = 0; t < logits.length; t += 1) {
    out[t] = Math.exp((logits[t] ?? 0) - max);
    sum += out[t] ?? 0;
  }
  for (let t = 0; t < out.length; t += 1) out[t] = (out[t] ?? 0) / sum;
  return out;
}

/** Reads the card (`…/task-classifier.json`) and its bucket table (same path, `.bin`). */
export function readTaskClassifier(cardPath: string): TaskClassifier {
  const card = TaskCardSchema.parse(JSON.parse(readFileSync(cardPath, 'utf8')));
  const bytes = readFileSync(cardPath.replace(/\.json$/, '.bin'));
  return new TaskClassifier(card, new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
