import type { CallOptions } from '../../backends/backend.js';
import { classifyError, type SwitchyardError } from '../../backends/errors.js';
import type { Decision, Served } from '../decision.js';
import { causeOfError, renderCause } from '../fallback-cause.js';
import type { ReadyTarget, Targets } from '../targets.js';
import { type DispatchedPart, settled } from './served.js';
import { isOutage } from './upstream-gate.js';

/** What a stream has sent so far: the text to continue from, and whether tool calls (which cannot be continued) began. */
export class SentSoFar {
  text = '';
  usedTools = false;

  note(part: DispatchedPart['part']): void {
    if (part.type === 'text-delta') this.text += part.text;
    else if (part.type === 'tool-call-delta') this.usedTools = true;
  }
}

/**
 * Mid-stream continuation: when an upstream stream breaks by an outage after output started, the device's
 * model finishes the same answer from the text already sent, if the decision allows a fallback.
 * Returns the target to continue on, or null when the error must end the stream.
 */
export function continuationTarget(
  decision: Decision,
  served: Served,
  error: SwitchyardError,
  sent: SentSoFar,
  signal: AbortSignal,
  targets: Targets,
): ReadyTarget | null {
  if (served.target === 'local' || sent.usedTools || !decision.allowFallback || signal.aborted || !isOutage(error)) return null;
  return targets.ready('local');
}

/** The rest of the answer from `on`, continuing `sent.text`; a failure there ends the stream with an error part. */
export async function* continueOn(
  on: ReadyTarget,
  options: Omit<CallOptions, 'model'>,
  sent: SentSoFar,
  broken: Served,
  error: SwitchyardError,
): AsyncGenerator<DispatchedPart> {
  let served: Served = {
    target: on.target,
    model: on.model,
    fallback: {
      cause: renderCause(causeOfError(broken.target, error)),
      from: broken.target,
      to: on.target,
      continued: true,
      detail: error.message,
    },
    computeMs: null,
  };
  try {
    for await (const part of on.backend.stream({ ...options, model: on.model, assistantPrefix: sent.text })) {
      if (part.type === 'finish') served = settled(served, part.model, part.computeMs);
      yield { part, served };
    }
  } catch (err) {
    yield { part: { type: 'error', error: classifyError(err) }, served };
  }
}
