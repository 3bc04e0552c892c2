import { num } from './comparison.js';
import type { Condition } from './condition-schema.js';
import type { CompiledCondition, EvalContext } from './decision-input.js';
import type { CompileEnv } from './compile-env.js';
import { leaf, numberLeaf } from './compile-env.js';
import { contentMatchCondition } from './content-match.js';
import { didYouMean } from './did-you-mean.js';
import { languageName } from '../scoring/language.js';

/** Conditions over the request itself: complexity, task, token counts, requested model, tags, content flags. */
export function compileRequestField(
  key: 'complexity' | 'task' | 'language' | 'tokens' | 'model' | 'tags' | 'content' | 'uses',
  cond: Condition,
  p: PropertyKey[],
  env: CompileEnv,
): (CompiledCondition | null)[] {
  const parts: (CompiledCondition | null)[] = [];
  switch (key) {
    case 'complexity': {
      const c = cond.complexity!;
      if (c.score !== undefined) parts.push(numberLeaf(env, [...p, 'score'], c.score, 'complexity', (i) => i.score.score, num));
      if (c.tier !== undefined) {
        const tiers = new Set(Array.isArray(c.tier) ? c.tier : [c.tier]);
        parts.push(
          leaf(`complexity tier ${[...tiers].join(' or ')}`, (ctx) => tiers.has(ctx.input.score.tier), (ctx) =>
            `complexity ${num(ctx.input.score.score)} is ${ctx.input.score.tier}${scoreDetail(ctx.input.score)}`,
          ),
        );
      }
      if (c.cloudShare !== undefined) {
        const share = c.cloudShare;
        if (env.thresholdForCloudShare === undefined) {
          env.report([...p, 'cloudShare'], `needs the calibrated scorer to turn the share into a score threshold: ${env.scorerUnavailable}`);
        } else {
          const threshold = env.thresholdForCloudShare(share);
          const text = `complexity >= ${num(threshold)} (the top ${num(share * 100)}% of traffic)`;
          parts.push(
            leaf(text, (ctx) => ctx.input.score.score >= threshold, (ctx) =>
              `complexity ${num(ctx.input.score.score)} >= ${num(threshold)}, the calibrated cut for sending ${num(share * 100)}% of traffic to the cloud${scoreDetail(ctx.input.score, true)}`,
            ),
          );
        }
      }
      break;
    }
    case 'task': {
      const tasks: ReadonlySet<string> = new Set(Array.isArray(cond.task) ? cond.task : [cond.task!]);
      // An unknown task (a pinned score without one) matches nothing, like an unknown signal.
      parts.push(
        leaf(`task ${[...tasks].join(' or ')}`, (ctx) => ctx.input.score.task !== null && tasks.has(ctx.input.score.task), (ctx) =>
          `task ${ctx.input.score.task} (complexity ${num(ctx.input.score.score)})`,
        ),
      );
      break;
    }
    case 'language': {
      const languages: ReadonlySet<string> = new Set(Array.isArray(cond.language) ? cond.language : [cond.language!]);
      // A pinned score without a language matches nothing, like an unknown task.
      const inLanguage = (ctx: EvalContext) => `the request is in ${languageName(ctx.input.score.language)}`;
      parts.push({
        ...leaf(`language ${[...languages].join(' or ')}`, (ctx) => ctx.input.score.language !== undefined && languages.has(ctx.input.score.language), inLanguage),
        explainFalse: inLanguage,
      });
      break;
    }
    case 'tokens': {
      const t = cond.tokens!;
      if (t.prompt !== undefined)
        parts.push(numberLeaf(env, [...p, 'prompt'], t.prompt, 'prompt tokens', (i) => i.context.promptTokens, num));
      if (t.completion !== undefined)
        parts.push(numberLeaf(env, [...p, 'completion'], t.completion, 'requested max_tokens', (i) => i.maxTokens, num));
      if (t.fitsLocal !== undefined) {
        const fits = t.fitsLocal;
        parts.push(
          leaf(fits ? 'prompt fits the local context' : 'prompt does not fit the local context', (ctx) => ctx.input.context.fitsLocal === fits, (ctx) =>
            `prompt of ${ctx.input.context.promptTokens} tokens${ctx.input.maxTokens === null ? '' : ` + max_tokens ${ctx.input.maxTokens}`} ${fits ? 'fits' : 'does not fit'} the local context window (${ctx.input.context.contextWindow ?? 'no local model'})`,
          ),
        );
      }
      break;
    }
    case 'uses': {
      const wanted = Array.isArray(cond.uses) ? cond.uses : [cond.uses!];
      const any = (ctx: { input: { uses: ReadonlySet<string> } }) => wanted.filter((c) => ctx.input.uses.has(c));
      parts.push(leaf(`the request uses ${wanted.join(' or ')}`, (ctx) => any(ctx).length > 0, (ctx) => `the request uses ${any(ctx).join(' and ')}`));
      break;
    }
    case 'model': {
      const m = cond.model!;
      if (typeof m === 'object' && !Array.isArray(m)) {
        let re: RegExp | null = null;
        try {
          re = new RegExp(m.matches);
        } catch (err) {
          env.report([...p, 'matches'], `invalid regular expression: ${(err as Error).message}`);
        }
        if (re !== null) {
          const r = re;
          parts.push(leaf(`requested model matches /${m.matches}/`, (ctx) => r.test(ctx.input.requestedModel), (ctx) => `requested model "${ctx.input.requestedModel}" matches /${m.matches}/`));
        }
      } else {
        const names = new Set(Array.isArray(m) ? m : [m]);
        parts.push(leaf(`requested model is ${[...names].join(' or ')}`, (ctx) => names.has(ctx.input.requestedModel), (ctx) => `requested model "${ctx.input.requestedModel}"`));
      }
      break;
    }
    case 'tags': {
      const t = cond.tags!;
      const spec = typeof t === 'string' || Array.isArray(t) ? { any: Array.isArray(t) ? t : [t] } : t;
      if (spec.any !== undefined) {
        const any = spec.any.map((x) => x.toLowerCase());
        parts.push(leaf(`tagged ${any.join(' or ')}`, (ctx) => any.some((x) => ctx.input.tags.includes(x)), (ctx) => `tagged "${any.find((x) => ctx.input.tags.includes(x))}"`));
      }
      if (spec.all !== undefined) {
        const all = spec.all.map((x) => x.toLowerCase());
        parts.push(leaf(`tagged ${all.join(' and ')}`, (ctx) => all.every((x) => ctx.input.tags.includes(x)), () => `tagged ${all.map((x) => `"${x}"`).join(' and ')}`));
      }
      if (spec.none !== undefined) {
        const none = spec.none.map((x) => x.toLowerCase());
        parts.push(leaf(`not tagged ${none.join(' or ')}`, (ctx) => !none.some((x) => ctx.input.tags.includes(x)), () => `not tagged ${none.map((x) => `"${x}"`).join(' or ')}`));
      }
      break;
    }
    case 'content': {
      const { pii, matches } = cond.content!;
      if (matches !== undefined) parts.push(compileContentMatch(matches, [...p, 'matches'], env));
      if (pii === undefined) break;
      if (typeof pii === 'boolean') {
        for (const k of env.detectorKinds) env.usedPiiKinds.add(k);
        parts.push(
          pii
            ? leaf('personal data present', (ctx) => ctx.piiKinds().size > 0, (ctx) => `personal data detected: ${[...ctx.piiKinds()].join(', ')}`)
            : leaf('no personal data', (ctx) => ctx.piiKinds().size === 0, () => 'no personal data detected'),
        );
        break;
      }
      const kinds = pii.filter((k, i) => {
        if (env.detectorKinds.has(k)) return true;
        env.report([...p, 'pii', i], `unknown personal data kind "${k}"${didYouMean(k, env.detectorKinds)}; known: ${[...env.detectorKinds].join(', ')}`);
        return false;
      });
      for (const k of kinds) env.usedPiiKinds.add(k);
      if (kinds.length > 0)
        parts.push(
          leaf(`personal data (${kinds.join(' or ')})`, (ctx) => kinds.some((k) => ctx.piiKinds().has(k)), (ctx) =>
            `personal data detected: ${kinds.filter((k) => ctx.piiKinds().has(k)).join(', ')}`,
          ),
        );
      break;
    }
  }
  return parts;
}

/**
 * " (task math; asks for a proof)": the task and the scorer's strongest reason besides the task itself that pushed
 * the score the way the condition read it (up for a high or medium tier or a cut passed, down for a low tier),
 * whichever are known; never a reason that argues the other way.
 */
function scoreDetail(score: { task: string | null; tier: string; reasons: readonly { feature: string; weight: number; detail: string }[] }, up = score.tier !== 'low'): string {
  const reason = score.reasons.find((r) => !r.feature.startsWith('task_') && (up ? r.weight > 0 : r.weight < 0));
  const parts = [score.task === null ? null : `task ${score.task}`, reason?.detail ?? null].filter((p) => p !== null);
  return parts.length === 0 ? '' : ` (${parts.join('; ')})`;
}

function compileContentMatch(matches: string | string[], p: PropertyKey[], env: CompileEnv): CompiledCondition | null {
  const known = [...env.patterns.keys()];
  const names = Array.isArray(matches) ? matches : [matches];
  const patterns = names.flatMap((name, i) => {
    const pattern = env.patterns.get(name);
    if (pattern !== undefined) return [pattern];
    const hint = env.detectorKinds.has(name) ? ` ("${name}" is a personal-data detector: use content.pii)` : didYouMean(name, known);
    env.report(Array.isArray(matches) ? [...p, i] : p, `unknown pattern "${name}"${hint}; define it under "patterns:"${known.length > 0 ? ` (known: ${known.join(', ')})` : ''}`);
    return [];
  });
  return patterns.length > 0 ? contentMatchCondition(patterns) : null;
}
