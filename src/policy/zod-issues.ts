import type { z } from 'zod';
import type { Diagnostic } from './diagnostics.js';
import { didYouMean, enumValuesAt, knownKeysAt } from './did-you-mean.js';
import type { YamlSource } from './yaml-source.js';

type Issue = z.core.$ZodIssue;

/**
 * Validate `source.value` against `schema`; on failure, editor-style diagnostics ("expected a number, got
 * "twenty""), unknown keys with a "did you mean", each at its line and column.
 */
export function validate<T>(
  schema: z.ZodType<T>,
  source: YamlSource,
): { ok: true; value: T } | { ok: false; diagnostics: Diagnostic[] } {
  const result = schema.safeParse(source.value, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  const diagnostics = result.error.issues.flatMap((issue) => toDiagnostics(issue, [], schema, source));
  return { ok: false, diagnostics: dedupe(diagnostics) };
}

function toDiagnostics(issue: Issue, base: PropertyKey[], schema: z.ZodType, source: YamlSource): Diagnostic[] {
  const path = [...base, ...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(schema, path);
      return issue.keys.map((key) =>
        source.at([...path, key], `unknown key "${key}"${didYouMean(key, known) || belongsUnder(schema, path, key, known)}`, true),
      );
    }
    case 'invalid_union': {
      // Explain the branch the author evidently meant: the one that accepted the value's type (a list for
      // `[hgh]`, so the error names the bad item rather than "expected one of …, got a list").
      const wrongShape = (e: Issue): boolean =>
        e.path.length === 0 && (e.code === 'invalid_type' || (e.code === 'invalid_value' && typeof e.input === 'object' && e.input !== null));
      const branches = issue.errors.filter((errs) => !errs.some(wrongShape));
      const chosen = branches[0];
      if (chosen !== undefined) return chosen.flatMap((e) => toDiagnostics(e, path, schema, source));
      const expected = [
        ...new Set(issue.errors.flatMap((errs) => errs.filter((e) => e.code === 'invalid_type').map((e) => noun(e.expected)))),
      ];
      const what =
        expected.includes('a number') && expected.includes('a mapping')
          ? 'a number (or a comparison such as { lt: 20 })'
          : expected.join(' or ');
      return [source.at(path, `expected ${what}, got ${describe(issue.input)}`)];
    }
    case 'invalid_key':
      // A record key that breaks its rule (`Edge:` for a target name): say which rule, at the key.
      return issue.issues.map((e) => source.at(path, `${e.code === 'invalid_format' || e.code === 'custom' ? `expected ${e.message}` : e.message}, got ${describe(issue.input)}`, true));
    case 'invalid_type': {
      if (issue.input === undefined) return [source.at(path, `missing; expected ${noun(issue.expected)}`)];
      const hint = issue.expected === 'object' ? mappingHint(schema, path, issue.input) : '';
      return [source.at(path, `expected ${noun(issue.expected)}, got ${describe(issue.input)}${hint}`)];
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => JSON.stringify(v));
      const hint = typeof issue.input === 'string' ? didYouMean(issue.input, issue.values.map(String)) : '';
      const what = options.length === 1 ? options[0] : `one of ${options.join(', ')}`;
      return [source.at(path, `${issue.input === undefined ? 'missing; expected' : 'expected'} ${what}${issue.input === undefined ? '' : `, got ${describe(issue.input)}${hint}`}`)];
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      if (issue.origin === 'array') return [source.at(path, `expected a list with ${op} ${String(bound)} items`)];
      if (issue.origin === 'string') return [source.at(path, `expected text with ${op} ${String(bound)} characters`)];
      return [source.at(path, `expected a number ${op} ${String(bound)}, got ${describe(issue.input)}`)];
    }
    case 'invalid_format':
      return [source.at(path, `${issue.message === '' ? 'invalid format' : `expected ${issue.message}`}, got ${describe(issue.input)}`)];
    default:
      return [source.at(path, issue.message)];
  }
}

/** `tier: high` written straight under `when`: the key of a nested mapping it belongs in, shown as it should read. */
function belongsUnder(schema: z.ZodType, path: PropertyKey[], key: string, known: readonly string[]): string {
  const parent = known.find((k) => knownKeysAt(schema, [...path, k]).includes(key));
  return parent === undefined ? '' : ` (it belongs under "${parent}": ${parent}: { ${key}: … })`;
}

/** `complexity: high` where a mapping is expected: the key of that mapping whose values include it. */
function mappingHint(schema: z.ZodType, path: PropertyKey[], input: unknown): string {
  const last = path.at(-1);
  if (typeof last !== 'string' || (typeof input !== 'string' && typeof input !== 'number')) return '';
  const key = knownKeysAt(schema, path).find((k) => enumValuesAt(schema, [...path, k]).includes(String(input)));
  return key === undefined ? '' : ` (write ${last}: { ${key}: ${String(input)} })`;
}

function noun(expected: string): string {
  switch (expected) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'int':
      return 'an integer';
    case 'boolean':
      return 'true or false';
    case 'record':
      return 'a mapping';
    default:
      return `a ${expected}`;
  }
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}..."` : text;
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.line}:${d.column}:${d.path}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
