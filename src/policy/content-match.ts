import type { CompiledCondition, EvalContext } from './decision-input.js';
import type { PiiDetector } from './pii/detector.js';
import { makeScanner } from './pii/scan.js';

/**
 * `content: { matches: [coding, …] }`: the request's text matches one of the policy's named `patterns:`.
 * A topic or keyword test, not personal data: its reason says "content matches", never "personal data".
 * Each request's messages are scanned once per condition, however often the condition is evaluated.
 */
export function contentMatchCondition(patterns: readonly PiiDetector[]): CompiledCondition {
  const scan = makeScanner(patterns);
  const found = new WeakMap<EvalContext, ReadonlySet<string>>();
  const matched = (ctx: EvalContext): ReadonlySet<string> => {
    let names = found.get(ctx);
    if (names === undefined) found.set(ctx, (names = scan(ctx.input.messages)));
    return names;
  };
  const names = patterns.map((p) => p.kind);
  return {
    describe: `content matches ${names.join(' or ')}`,
    test: (ctx) => matched(ctx).size > 0,
    explain: (ctx) => [`content matches ${[...matched(ctx)].join(', ')}`],
  };
}
