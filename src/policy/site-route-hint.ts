import type { Diagnostic } from './diagnostics.js';
import { didYouMean } from './did-you-mean.js';
import { DEFAULT_TARGETS } from './schema.js';
import type { YamlSource } from './yaml-source.js';

/** What a pool of a targets file may be called (see TargetNameSchema). */
const POOL_NAME = /^[a-z][a-z0-9_-]*$/;

/**
 * A policy checked without a targets file whose routes name something like a site's pool (`route: edge`): one
 * line saying where such names come from, after the errors themselves. The usual cause is a forgotten `--targets`.
 */
export function siteRouteHint(source: YamlSource): Diagnostic[] {
  const file = (typeof source.value === 'object' && source.value !== null ? source.value : {}) as { rules?: unknown; default?: unknown };
  const actions = [...(Array.isArray(file.rules) ? (file.rules as unknown[]) : []), file.default];
  const known = [...DEFAULT_TARGETS, 'cascade'];
  const pools = new Set(
    actions
      .flatMap((action) => (typeof action === 'object' && action !== null ? [(action as { route?: unknown }).route, (action as { escalateTo?: unknown }).escalateTo] : []))
      // A near miss of a known name (`clod`) is a typo, and its error already says "did you mean".
      .filter((route): route is string => typeof route === 'string' && POOL_NAME.test(route) && !known.includes(route) && didYouMean(route, known) === ''),
  );
  if (pools.size === 0) return [];
  const names = [...pools].map((name) => `"${name}"`).join(', ');
  return [
    {
      file: source.file,
      line: 1,
      column: 1,
      path: '',
      message: `${names}: a site's pools are named in its targets file; pass it with --targets FILE (serve, route, policy check, policy test)`,
    },
  ];
}
