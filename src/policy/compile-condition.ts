import type { Condition } from './condition-schema.js';
import type { CompiledCondition } from './decision-input.js';
import type { CompileEnv } from './compile-env.js';
import { compileField } from './condition-fields.js';

const ALWAYS: CompiledCondition = { describe: 'always', test: () => true, explain: () => [] };

/** Compile a `when` mapping: its keys AND together, `all` / `any` / `not` nest. `{}` always matches. */
export function compileCondition(cond: Condition, path: PropertyKey[], env: CompileEnv): CompiledCondition {
  const parts: CompiledCondition[] = [];
  for (const key of Object.keys(cond) as (keyof Condition)[]) {
    if (cond[key] === undefined) continue;
    if (key === 'all' || key === 'any') {
      const children = cond[key]!.map((c, i) => compileCondition(c, [...path, key, i], env));
      parts.push(key === 'all' ? and(children) : or(children));
    } else if (key === 'not') {
      parts.push(not(compileCondition(cond.not!, [...path, 'not'], env)));
    } else {
      const field = compileField(key, cond, path, env);
      if (field !== null) parts.push(field);
    }
  }
  if (parts.length === 0) return ALWAYS;
  return parts.length === 1 ? parts[0]! : and(parts);
}

export function isAlways(c: CompiledCondition): boolean {
  return c === ALWAYS;
}

function and(parts: CompiledCondition[]): CompiledCondition {
  return {
    describe: parts.map((p) => p.describe).join(' and '),
    test: (ctx) => {
      for (const p of parts) if (!p.test(ctx)) return false;
      return true;
    },
    explain: (ctx) => parts.flatMap((p) => p.explain(ctx)),
  };
}

function or(parts: CompiledCondition[]): CompiledCondition {
  return {
    describe: `(${parts.map((p) => p.describe).join(' or ')})`,
    test: (ctx) => {
      for (const p of parts) if (p.test(ctx)) return true;
      return false;
    },
    // The first branch that holds is the reason; its siblings did not matter.
    explain: (ctx) => parts.find((p) => p.test(ctx))?.explain(ctx) ?? [],
  };
}

function not(inner: CompiledCondition): CompiledCondition {
  const text = `not (${inner.describe})`;
  const instead = inner.explainFalse;
  return { describe: text, test: (ctx) => !inner.test(ctx), explain: (ctx) => [instead === undefined ? text : `${instead(ctx)}, ${text}`] };
}
