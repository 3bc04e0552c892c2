import type { PiiDetector } from './detector.js';
import { detects } from './detector.js';

/** Messages at least this long (characters) have their scan result remembered; shorter ones are cheaper to rescan. */
const CACHE_MIN_CHARS = 256;
/** Remembered long messages (system prompts, earlier turns that every chat request resends). */
const CACHE_ENTRIES = 256;

/**
 * A scanner over the detectors a policy refers to, built once at load. Each message is scanned on its own,
 * each precompiled regex stopping at its first confirmed match. Long messages' results are memoised
 * (insertion-ordered LRU keyed by content) because chat clients resend the same system prompt and history
 * with every request; this changes cost, never results.
 */
export function makeScanner(detectors: readonly PiiDetector[]): (messages: readonly { content: string }[]) => ReadonlySet<string> {
  const cache = new Map<string, readonly string[]>();
  const scanLong = (text: string): readonly string[] => {
    let kinds = cache.get(text);
    if (kinds !== undefined) {
      cache.delete(text);
    } else {
      kinds = detectors.filter((d) => detects(d, text)).map((d) => d.kind);
      if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    }
    cache.set(text, kinds);
    return kinds;
  };
  return (messages) => {
    const found = new Set<string>();
    for (const m of messages) {
      if (m.content.length >= CACHE_MIN_CHARS) for (const k of scanLong(m.content)) found.add(k);
      else for (const d of detectors) if (!found.has(d.kind) && detects(d, m.content)) found.add(d.kind);
      if (found.size === detectors.length) break;
    }
    return found;
  };
}
