import type { PiiDetector } from './detector.js';
import { detects } from './detector.js';

/**
 * A scanner over the detectors a policy refers to, built once at load. Each scan concatenates the message
 * texts once and runs each precompiled regex until its first confirmed match.
 */
export function makeScanner(detectors: readonly PiiDetector[]): (texts: readonly { content: string }[]) => ReadonlySet<string> {
  return (messages) => {
    const found = new Set<string>();
    if (detectors.length === 0) return found;
    const text = messages.length === 1 ? messages[0]!.content : messages.map((m) => m.content).join('\n');
    for (const d of detectors) if (!found.has(d.kind) && detects(d, text)) found.add(d.kind);
    return found;
  };
}
