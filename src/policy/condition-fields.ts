import { num } from './comparison.js';
import type { Condition } from './condition-schema.js';
import type { CompiledCondition } from './decision-input.js';
import type { CompileEnv } from './compile-env.js';
import { allOf, boolLeaf, leaf, numberLeaf } from './compile-env.js';
import { compileLinks } from './link-fields.js';
import { compileRequestField } from './request-fields.js';

const pct = (n: number) => `${num(n * 100)}%`;
const mb = (n: number) => `${num(n)} MB`;
const ms = (n: number) => `${num(n)} ms`;

type FieldKey = Exclude<keyof Condition, 'all' | 'any' | 'not'>;

/** Compile one field of a condition mapping (its sub-keys AND together). Null when nothing valid remains. */
export function compileField(key: FieldKey, cond: Condition, path: PropertyKey[], env: CompileEnv): CompiledCondition | null {
  const p = [...path, key];
  const parts: (CompiledCondition | null)[] = [];
  switch (key) {
    case 'battery': {
      const b = cond.battery!;
      if (b.present !== undefined) parts.push(boolLeaf(b.present, (i) => i.signals.battery !== null, 'on battery power', 'on mains power (no battery)'));
      if (b.percent !== undefined)
        parts.push(numberLeaf(env, [...p, 'percent'], b.percent, 'battery', (i) => i.signals.battery?.percent ?? null, (n) => `${num(n)}%`));
      if (b.charging !== undefined)
        parts.push(boolLeaf(b.charging, (i) => i.signals.battery?.charging ?? null, 'charging', 'not charging'));
      if (b.timeRemainingMin !== undefined)
        parts.push(numberLeaf(env, [...p, 'timeRemainingMin'], b.timeRemainingMin, 'battery time left', (i) => i.signals.battery?.timeRemainingMin ?? null, (n) => `${num(n)} min`));
      break;
    }
    case 'cpuLoad':
      parts.push(numberLeaf(env, p, cond.cpuLoad!, 'CPU load', (i) => i.signals.cpuLoad, pct));
      break;
    case 'memoryFreeMb':
      parts.push(numberLeaf(env, p, cond.memoryFreeMb!, 'free memory', (i) => i.signals.memoryFreeMb, mb));
      break;
    case 'thermal': {
      const t = cond.thermal!;
      if (t.cpuTempC !== undefined)
        parts.push(numberLeaf(env, [...p, 'cpuTempC'], t.cpuTempC, 'CPU temperature', (i) => i.signals.thermal?.cpuTempC ?? null, (n) => `${num(n)} °C`));
      if (t.throttling !== undefined)
        parts.push(boolLeaf(t.throttling, (i) => i.signals.thermal?.throttling ?? null, 'CPU thermally throttled', 'CPU not throttled'));
      break;
    }
    case 'online':
      parts.push(boolLeaf(cond.online!, (i) => i.signals.online, 'online', 'offline (upstream unreachable)'));
      break;
    case 'rttMs':
      parts.push(numberLeaf(env, p, cond.rttMs!, 'RTT', (i) => i.signals.rttMs, ms));
      break;
    case 'bandwidthMbps':
      parts.push(numberLeaf(env, p, cond.bandwidthMbps!, 'bandwidth', (i) => i.signals.bandwidthMbps, (n) => `${num(n)} Mbit/s`));
      break;
    case 'metered':
      parts.push(boolLeaf(cond.metered!, (i) => i.signals.metered, 'metered link', 'unmetered link'));
      break;
    case 'links':
      parts.push(...compileLinks(cond.links!, p, env));
      break;
    case 'local': {
      const l = cond.local!;
      if (l.ready !== undefined)
        parts.push(
          leaf(
            l.ready ? 'local model ready' : 'local model not ready',
            (ctx) => (ctx.input.signals.local.state === 'ready') === l.ready,
            (ctx) => (l.ready ? 'local model ready' : `local model not ready (${ctx.input.signals.local.state})`),
          ),
        );
      if (l.state !== undefined) {
        const states = new Set(Array.isArray(l.state) ? l.state : [l.state]);
        parts.push(
          leaf(`local model ${[...states].join(' or ')}`, (ctx) => states.has(ctx.input.signals.local.state), (ctx) => `local model ${ctx.input.signals.local.state}`),
        );
      }
      if (l.queueDepth !== undefined)
        parts.push(numberLeaf(env, [...p, 'queueDepth'], l.queueDepth, 'local queue depth', (i) => i.signals.local.queueDepth, num));
      if (l.queueCapacity !== undefined)
        parts.push(numberLeaf(env, [...p, 'queueCapacity'], l.queueCapacity, 'local queue capacity', (i) => i.signals.local.queueCapacity, num));
      if (l.expectedWaitMs !== undefined)
        parts.push(numberLeaf(env, [...p, 'expectedWaitMs'], l.expectedWaitMs, 'local expected wait', (i) => i.signals.local.expectedWaitMs ?? null, ms));
      if (l.queueFull !== undefined) {
        const full = l.queueFull;
        parts.push(
          leaf(
            full ? 'local queue full' : 'local queue has room',
            (ctx) => queueFull(ctx.input.signals.local) === full,
            (ctx) => `local queue ${full ? 'full' : 'has room'} (${ctx.input.signals.local.queueDepth}/${ctx.input.signals.local.queueCapacity})`,
          ),
        );
      }
      break;
    }
    default:
      parts.push(...compileRequestField(key, cond, p, env));
  }
  const ok = parts.filter((x): x is CompiledCondition => x !== null);
  if (ok.length === 0) {
    const value: unknown = cond[key];
    const empty = typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => v === undefined);
    if (empty) env.report(p, 'empty condition; give at least one key');
    return null;
  }
  return allOf(ok);
}

/** Full = depth reached a known, non-zero capacity (capacity 0 means "not reported", e.g. no local model). */
function queueFull(local: { queueDepth: number; queueCapacity: number }): boolean {
  return local.queueCapacity > 0 && local.queueDepth >= local.queueCapacity;
}
