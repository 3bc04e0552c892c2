import type { z } from 'zod';

type NumberCondition = number | { [op in 'lt' | 'lte' | 'gt' | 'gte' | 'eq' | 'ne']?: number | undefined };

/**
 * A refinement for a number condition on a quantity with a known range. A bound outside the range is an
 * error: it can never (or always) match, and it is nearly always the other scale (`cpuLoad: { gt: 90 }` meant
 * 90 %, which on a 0–1 load is 0.9). So is a fraction of a percent on a 0–100 scale (`percent: { lt: 0.2 }`).
 */
export function inRange(what: string, min: number, max: number = Infinity): (condition: NumberCondition, ctx: z.RefinementCtx) => void {
  return (condition, ctx) => {
    const bounds: Array<[string | null, number]> =
      typeof condition === 'number' ? [[null, condition]] : Object.entries(condition).filter((e): e is [string, number] => e[1] !== undefined);
    for (const [key, n] of bounds) {
      // A percentage written as a 0–1 share (`battery: { percent: { lt: 0.2 } }` meant 20 %).
      if (max === 100 && n > 0 && n < 1) {
        ctx.addIssue({ code: 'custom', path: key === null ? [] : [key], input: n, message: `${n} looks like a share: ${what} runs from 0 to 100; did you mean ${Math.round(n * 1000) / 10}?` });
        continue;
      }
      if (n >= min && n <= max) continue;
      const range = max === Infinity ? `${min} or more` : `from ${min} to ${max}`;
      // A 0–1 share written as a percentage.
      const hint = max === 1 && n > 1 && n <= 100 ? `; did you mean ${n / 100}?` : '';
      ctx.addIssue({ code: 'custom', path: key === null ? [] : [key], input: n, message: `${n} is out of range: ${what} runs ${range}${hint}` });
    }
  };
}
