import { z } from 'zod';
import { featureIndex } from './features.js';

/**
 * How demanding a math request is *within* math: a logistic model of difficulty (MATH's levels 1–5, scaled to
 * 0..1, with grade-school word problems at level 1) over a few surface features. Longer problems mean more steps;
 * more math vocabulary, typeset formulas, powers and symbols mean competition math rather than an everyday sum.
 * On MATH problems of subjects it never saw, it separates level 5 from levels 1–2 better than length alone, and
 * competition problems from word problems where length gets it backwards (bench:routing). Fitted by `npm run
 * train:scorer`, stored in the task classifier's card; the score reads it weighted by the probability that the
 * request is math.
 */
export const MATH_DEMAND_INPUTS = ['length', 'math_terms', 'formulas', 'powers', 'math_symbols'] as const;

export const MathDemandSchema = z.object({
  inputs: z.array(z.string()),
  /** Logit units per raw feature unit (non-negative: none of the inputs can make a problem easier). */
  weights: z.array(z.number()),
  /** Chosen so a typical MATH training problem sits at 0. */
  bias: z.number(),
});
export type MathDemandModel = z.infer<typeof MathDemandSchema>;

/** The model as a function of a prompt's surface features; checks the inputs exist in this build. */
export function mathDemand(model: MathDemandModel): (features: ArrayLike<number>) => number {
  if (model.inputs.length !== model.weights.length) throw new Error('math demand model: inputs and weights differ in length');
  const at = model.inputs.map(featureIndex);
  return (features) => at.reduce((eta, j, k) => eta + (model.weights[k] ?? 0) * (features[j] ?? 0), model.bias);
}
