import { num } from './comparison.js';
import type { Condition } from './condition-schema.js';
import type { CompiledCondition, DecisionInput } from './decision-input.js';
import { type CompileEnv, allOf, boolLeaf, numberLeaf } from './compile-env.js';
import { didYouMean } from './did-you-mean.js';

/**
 * `links: { edge: { online, rttMs, bandwidthMbps } }`: the link to each named upstream target, from its own
 * endpoints' probes (see TargetPool.link). A target the configuration does not name is an error at load; an
 * unknown value (no measurement yet, or no targets file) never matches.
 */
export function compileLinks(links: NonNullable<Condition['links']>, path: PropertyKey[], env: CompileEnv): (CompiledCondition | null)[] {
  const parts: (CompiledCondition | null)[] = [];
  for (const [target, link] of Object.entries(links)) {
    const p = [...path, target];
    if (target === 'local' || !env.targets.includes(target)) {
      const upstreams = env.targets.filter((t) => t !== 'local');
      const why = target === 'local' ? '"local" is the device, it has no link' : `unknown target "${target}"${didYouMean(target, upstreams)}`;
      const hint = env.siteTargets || target === 'local' ? '' : " (a site's pools are named in its targets file: pass --targets FILE)";
      env.report(p, `${why}; upstream targets: ${upstreams.join(', ')}${hint}`);
      continue;
    }
    const of = (input: DecisionInput) => input.links?.[target];
    const each: (CompiledCondition | null)[] = [];
    if (link.online !== undefined)
      each.push(boolLeaf(link.online, (i) => of(i)?.online ?? null, `${target} online`, `${target} offline`));
    if (link.rttMs !== undefined) each.push(numberLeaf(env, [...p, 'rttMs'], link.rttMs, `${target} RTT`, (i) => of(i)?.rttMs ?? null, (n) => `${num(n)} ms`));
    if (link.bandwidthMbps !== undefined)
      each.push(numberLeaf(env, [...p, 'bandwidthMbps'], link.bandwidthMbps, `${target} bandwidth`, (i) => of(i)?.bandwidthMbps ?? null, (n) => `${num(n)} Mbit/s`));
    const ok = each.filter((x): x is CompiledCondition => x !== null);
    if (ok.length === 0) env.report(p, 'empty condition; give online, rttMs or bandwidthMbps');
    else parts.push(allOf(ok));
  }
  return parts;
}
