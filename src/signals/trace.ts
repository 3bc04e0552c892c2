import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Cancel, Clock } from './clock.js';
import { SignalInputError, describeIssues } from './input-error.js';
import { SignalOverrideSchema, type SignalOverride } from './override.js';
import { layerOverrides } from './layer.js';

/**
 * Device-trace replay (`--signals-trace FILE.jsonl`). One JSON object per line:
 *   { "t": <seconds since replay start>, ...any override-file fields }
 * Each line applies at its time on top of the lines before it (fields it does not name keep their replayed
 * value; `thermal` merges field by field). Blank lines are skipped. After the last line its state persists.
 * Example: {"t":0,"battery":{"percent":80,"charging":false},"online":true}
 *          {"t":30,"online":false,"rttMs":null}
 */
const TraceLineSchema = SignalOverrideSchema.extend({ t: z.number().min(0) });

export interface TraceStep {
  /** When the step applies, in ms after replay start. */
  atMs: number;
  /** The replayed state from this step on (this line layered over all earlier ones). */
  state: SignalOverride;
}

export function parseTrace(text: string, origin: string): TraceStep[] {
  const lines: { t: number; fields: SignalOverride }[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${origin}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new SignalInputError(`${where}: not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    const result = TraceLineSchema.safeParse(value);
    if (!result.success) throw new SignalInputError(describeIssues(where, result.error));
    const { t, ...fields } = result.data;
    lines.push({ t, fields });
  });
  if (lines.length === 0) throw new SignalInputError(`${origin}: the trace has no lines`);
  lines.sort((a, b) => a.t - b.t); // stable: lines with equal t apply in file order
  let state: SignalOverride = {};
  return lines.map(({ t, fields }) => {
    state = layerOverrides(state, fields);
    return { atMs: t * 1000, state };
  });
}

export function readTraceFile(path: string): TraceStep[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SignalInputError(`${path}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  return parseTrace(text, path);
}

/** Plays steps against a clock: calls `apply` with each step's state at its time. */
export class TracePlayer {
  private cancel: Cancel | null = null;

  constructor(
    private readonly steps: readonly TraceStep[],
    private readonly clock: Clock,
    private readonly apply: (state: SignalOverride) => void,
  ) {}

  start(): void {
    const startedAt = this.clock.now();
    const next = (index: number): void => {
      const step = this.steps[index];
      if (step === undefined) return;
      const wait = startedAt + step.atMs - this.clock.now();
      if (wait > 0) {
        this.cancel = this.clock.after(wait, () => next(index));
        return;
      }
      this.apply(step.state);
      next(index + 1);
    };
    next(0);
  }

  stop(): void {
    this.cancel?.();
    this.cancel = null;
  }
}
