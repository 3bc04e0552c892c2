import type { ChatMessage } from '../backends/backend.js';
import type { ScoreResult } from '../scoring/score-result.js';
import type { SignalSnapshot } from '../signals/snapshot.js';
import type { Capability } from '../capabilities.js';
import type { TargetLink } from '../signals/target-link.js';

/** Everything `decide()` looks at for one request. Built by the server (or `policy test`), never by the policy. */
export interface DecisionInput {
  /** `model` as the client sent it: `auto`, `local`, `cloud` or a concrete id. */
  requestedModel: string;
  messages: ChatMessage[];
  /** From `x-switchyard-tags` (comma-separated) and the body, lowercased. */
  tags: string[];
  /** The request's `max_tokens`; null when it set none. */
  maxTokens: number | null;
  /** What the request needs beyond plain text chat (tools, images, audio, JSON mode). */
  uses: ReadonlySet<Capability>;
  score: ScoreResult;
  signals: SignalSnapshot;
  context: {
    /** Prompt tokens per the local tokenizer (an estimate when none is loaded). */
    promptTokens: number;
    /** The local model's context window in tokens; null when no local model is loaded. */
    contextWindow: number | null;
    /** Prompt plus requested completion fit the local context window. */
    fitsLocal: boolean;
  };
  /** Default model id per target: the loaded local model, the configured upstream model, each pool's model. */
  models: KnownModels;
  /** The link to each upstream target by name (a targets file's pools); absent or empty without a targets file. */
  links?: Readonly<Record<string, TargetLink>>;
}

/** Per-decision evaluation state: the input plus lazily computed content flags (PII scan runs at most once). */
export interface EvalContext {
  readonly input: DecisionInput;
  /** Kinds of personal data found in the messages (only kinds the policy refers to are scanned). */
  piiKinds(): ReadonlySet<string>;
}

/** A condition compiled once at load: `test` is the hot path; `explain` runs only for the matched rule. */
export interface CompiledCondition {
  test(ctx: EvalContext): boolean;
  /** Short sentences with the values that mattered; call only when `test` returned true. */
  explain(ctx: EvalContext): string[];
  /** Static text, used when the condition appears under `not`. */
  describe: string;
  /** Under `not`, when `test` returned false: what held instead ("the request is in Spanish (es)"); else `not (describe)`. */
  explainFalse?: (ctx: EvalContext) => string;
}

/** Default model id per target name; `local` and `cloud` always (null when not configured). */
export type KnownModels = Readonly<Record<string, string | null>> & { readonly local: string | null; readonly cloud: string | null };
