import { packRegions, pastBytes, type Past } from './kv-rows.js';

export type { Past } from './kv-rows.js';

export interface PrefixCacheStats {
  entries: number;
  /** KV bytes held, and the most it may hold. */
  bytes: number;
  budgetBytes: number;
}

interface Entry {
  ids: number[];
  past: Past;
  bytes: number;
  lastUsed: number;
}

/**
 * KV caches of recent sequences (prompt + answer), so that a request repeating a known prefix (the system
 * prompt, the earlier turns of a chat) prefills only its new tokens. Bounded by bytes, least recently used out
 * first. Tensors are shared, never written: onnxruntime reads inputs and returns new `present` tensors.
 */
export class PrefixCache {
  private readonly entries: Entry[] = [];
  private clock = 0;

  constructor(private budgetBytes: number) {}

  /**
   * The longest cached prefix of `ids` of at most `maxLength` tokens, as a past cut to that length (a copy when
   * the cached sequence goes on past it). Undefined when nothing matches.
   */
  take(ids: number[], maxLength: number): { length: number; past: Past } | undefined {
    let best: Entry | undefined;
    let bestLength = 0;
    for (const entry of this.entries) {
      const length = Math.min(commonPrefix(entry.ids, ids), maxLength);
      if (length > bestLength) (best = entry), (bestLength = length);
    }
    if (best === undefined) return undefined;
    best.lastUsed = ++this.clock;
    const past = bestLength === best.ids.length ? best.past : packRegions([{ past: best.past, row: 0, start: 0, length: bestLength }], bestLength);
    return { length: bestLength, past };
  }

  /** Keeps `past` (the KV of exactly `ids`); entries that are a prefix of it add nothing and go. */
  put(ids: number[], past: Past): void {
    const bytes = pastBytes(past);
    if (bytes > this.budgetBytes || ids.length === 0) return;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const old = this.entries[i]!;
      if (old.ids.length <= ids.length && commonPrefix(old.ids, ids) === old.ids.length) this.entries.splice(i, 1);
    }
    this.entries.push({ ids: [...ids], past, bytes, lastUsed: ++this.clock });
    this.evictTo(this.budgetBytes);
  }

  /** A new budget (memory pressure): drops least recently used entries until the rest fit. */
  resize(budgetBytes: number): void {
    this.budgetBytes = budgetBytes;
    this.evictTo(budgetBytes);
  }

  get stats(): PrefixCacheStats {
    return { entries: this.entries.length, bytes: this.entries.reduce((sum, e) => sum + e.bytes, 0), budgetBytes: this.budgetBytes };
  }

  private evictTo(budget: number): void {
    let total = this.stats.bytes;
    while (total > budget && this.entries.length > 0) {
      let oldest = 0;
      for (let i = 1; i < this.entries.length; i++) if (this.entries[i]!.lastUsed < this.entries[oldest]!.lastUsed) oldest = i;
      total -= this.entries[oldest]!.bytes;
      this.entries.splice(oldest, 1);
    }
  }
}

function commonPrefix(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
