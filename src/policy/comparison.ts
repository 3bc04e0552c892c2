import type { NumberCondition } from './condition-schema.js';

type Op = 'lt' | 'lte' | 'gt' | 'gte' | 'eq' | 'ne';
const SYMBOL: Record<Op, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=', eq: '=', ne: '!=' };

/** A numeric test compiled to one closure; `null` (unknown) never matches. */
export interface CompiledComparison {
  test(value: number | null): boolean;
  /** e.g. `< 20%`, `> 1500 ms and <= 3000 ms`. */
  text: string;
}

/**
 * Compile `20` or `{ lt: 20, gte: 5 }`. Returns null for an empty mapping so the caller can report it.
 * `show` formats a bound in the field's unit (e.g. 0.9 → "90%").
 */
export function compileComparison(cond: NumberCondition, show: (n: number) => string): CompiledComparison | null {
  const pairs: [Op, number][] =
    typeof cond === 'number'
      ? [['eq', cond]]
      : (Object.entries(cond).filter(([, v]) => v !== undefined) as [Op, number][]);
  if (pairs.length === 0) return null;
  const tests = pairs.map(([op, bound]) => single(op, bound));
  const text = pairs.map(([op, bound]) => `${SYMBOL[op]} ${show(bound)}`).join(' and ');
  if (tests.length === 1) {
    const only = tests[0]!;
    return { test: (v) => v !== null && only(v), text };
  }
  return { test: (v) => v !== null && tests.every((t) => t(v)), text };
}

function single(op: Op, bound: number): (v: number) => boolean {
  switch (op) {
    case 'lt':
      return (v) => v < bound;
    case 'lte':
      return (v) => v <= bound;
    case 'gt':
      return (v) => v > bound;
    case 'gte':
      return (v) => v >= bound;
    case 'eq':
      return (v) => v === bound;
    case 'ne':
      return (v) => v !== bound;
  }
}

/** Number formatting for reasons: at most 3 significant decimals, no trailing zeros. */
export function num(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(3)));
}
