import type { z } from 'zod';

/** Levenshtein distance; inputs are short keys, so the O(n·m) table is fine. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Words people reach for that the schema spells differently. */
const SYNONYMS: Record<string, string> = {
  lessthan: 'lt', below: 'lt', under: 'lt', max: 'lte', atmost: 'lte',
  greaterthan: 'gt', above: 'gt', over: 'gt', min: 'gte', atleast: 'gte',
  equals: 'eq', is: 'eq', not_equals: 'ne', notequals: 'ne',
  and: 'all', or: 'any', otherwise: 'default', else: 'default',
  cpu: 'cpuLoad', memory: 'memoryFreeMb', rtt: 'rttMs', latency: 'rttMs', bandwidth: 'bandwidthMbps',
  pii: 'content', personaldata: 'content', target: 'route', max_tokens: 'maxTokens',
};

/** The closest candidate within a typo's reach, or null. */
export function closest(word: string, candidates: Iterable<string>): string | null {
  const list = [...candidates];
  const synonym = SYNONYMS[word.toLowerCase().replace(/[\s-]/g, '')];
  if (synonym !== undefined && list.includes(synonym)) return synonym;
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of list) {
    // A truncated name ("bandwith" for "bandwidthMbps") counts as close to the candidate's prefix.
    const d = Math.min(editDistance(word, c), c.length > word.length + 1 ? editDistance(word, c.slice(0, word.length + 1)) + 1 : Infinity);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const hit = closest(word, candidates);
  return hit === null ? '' : ` (did you mean "${hit}"?)`;
}

interface ZodDefLike {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
  getter?: () => z.ZodType;
  entries?: Record<string, string | number>;
}

function def(schema: z.ZodType): ZodDefLike {
  return (schema as unknown as { _zod: { def: ZodDefLike } })._zod.def;
}

/** Strip optional/nullable/default/lazy wrappers; a union fans out to its options. */
function unwrap(schema: z.ZodType): z.ZodType[] {
  const d = def(schema);
  switch (d.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return d.innerType === undefined ? [] : unwrap(d.innerType);
    case 'lazy':
      return d.getter === undefined ? [] : unwrap(d.getter());
    case 'pipe':
      return d.in === undefined ? [] : unwrap(d.in);
    case 'union':
      return (d.options ?? []).flatMap(unwrap);
    default:
      return [schema];
  }
}

/**
 * The keys an object schema accepts at `path` (walking the schema itself, so suggestions can never drift
 * from what the schema accepts).
 */
export function knownKeysAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  for (const node of nodesAt(root, path)) {
    const d = def(node);
    if (d.type === 'object' && d.shape !== undefined) for (const k of Object.keys(d.shape)) keys.add(k);
  }
  return [...keys];
}

/** The literal values a schema accepts at `path` (an enum's options, a list of enum items), for hints. */
export function enumValuesAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  const nodes = nodesAt(root, path).flatMap((node) => {
    const d = def(node);
    return d.type === 'array' && d.element !== undefined ? unwrap(d.element) : [node];
  });
  return nodes.flatMap((node) => {
    const d = def(node);
    return d.type === 'enum' && d.entries !== undefined ? Object.values(d.entries).map(String) : [];
  });
}

/** The schemas (unions fanned out) that describe the value at `path`. */
function nodesAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType[] {
  let nodes = unwrap(root);
  for (const seg of path) {
    const next: z.ZodType[] = [];
    for (const node of nodes) {
      const d = def(node);
      if (d.type === 'object' && typeof seg === 'string' && d.shape?.[seg] !== undefined) next.push(...unwrap(d.shape[seg]));
      else if (d.type === 'array' && typeof seg === 'number' && d.element !== undefined) next.push(...unwrap(d.element));
      else if (d.type === 'record' && d.valueType !== undefined) next.push(...unwrap(d.valueType));
    }
    nodes = next;
  }
  return nodes;
}
