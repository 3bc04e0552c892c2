import type { StreamPart } from '../../backends/backend.js';
import { classifyError } from '../../backends/errors.js';
import type { Served } from '../decision.js';

/** A stream part with who produced it (the same value until a fallback or the finish changes it). */
export interface DispatchedPart {
  part: StreamPart;
  served: Served;
}

/** Who served, once the answer named its model and (locally) its compute time. */
export function settled(served: Served, model: string, computeMs: number | undefined): Served {
  if (model === served.model && computeMs === undefined) return served;
  return { ...served, model, computeMs: computeMs ?? served.computeMs };
}

/** The next part, with a thrown error turned into an error part (streams end with a part, never a throw). */
export async function nextPart(iterator: AsyncIterator<StreamPart>): Promise<IteratorResult<StreamPart>> {
  try {
    return await iterator.next();
  } catch (err) {
    return { done: false, value: { type: 'error', error: classifyError(err) } };
  }
}
