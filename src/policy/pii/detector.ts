import { ibanValid, luhnValid } from './checksums.js';

/**
 * A personal-data detector: a regex (compiled once, global) plus an optional confirmation of each match.
 * Extend with `detectors:` in a policy file or `compilePolicy(..., { detectors })` in code.
 */
export interface PiiDetector {
  /** Kind name used in `content.pii: [kind]` and in decision reasons (never the matched text). */
  kind: string;
  pattern: RegExp;
  /**
   * Rejects false positives (checksums, digit counts, what precedes the match); absent = every regex match
   * counts. Boundary checks live here rather than in a leading lookbehind, which V8 would evaluate at every
   * position of the text (measured ~10× slower on prose).
   */
  confirm?: (match: string, text: string, index: number) => boolean;
}

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

function precededBy(text: string, index: number, re: RegExp): boolean {
  return index > 0 && re.test(text[index - 1]!);
}

export const BUILTIN_DETECTORS: readonly PiiDetector[] = [
  {
    // Anchored on '@' (one local-part character behind it): scanning for the local part first would retry
    // at every letter of ordinary prose, about 10× slower.
    kind: 'email',
    pattern: /@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
    confirm: (_m, text, i) => i > 0 && /[A-Za-z0-9._%+-]/.test(text[i - 1]!),
  },
  {
    // Payment cards: 13–19 digits, optionally grouped by spaces or dashes, confirmed by Luhn.
    kind: 'card',
    pattern: /\d(?:[ -]?\d){12,18}(?![\d-])/g,
    confirm: (m, text, i) => !precededBy(text, i, /[\d-]/) && luhnValid(m),
  },
  {
    // US SSN (not 000/666/9xx area) and UK National Insurance numbers.
    kind: 'national_id',
    pattern: /(?<!\d)(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?!\d)|\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g,
  },
  { kind: 'iban', pattern: /[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g, confirm: (m, text, i) => !precededBy(text, i, /\w/) && ibanValid(m) },
  {
    // Phone numbers need a '+' prefix or separators between groups, and 8–15 digits (E.164), so plain
    // numbers in maths questions do not count.
    kind: 'phone',
    pattern:
      /(?:(?:\+\d{1,3}[ .-]?)?\(\d{1,4}\)[ .-]?\d{2,4}[ .-]?\d{2,4}|(?:\+\d{1,3}[ .-]?)?\d{1,4}([ .-])\d{2,4}(?:\1\d{2,4}){1,3}|\+\d{8,15})(?![\w-]|\.\d)/g,
    confirm: (m, text, i) => {
      if (precededBy(text, i, /[\w+.]/)) return false;
      const n = digitCount(m);
      // Not an IPv4 address, not an ISO date.
      return n >= 8 && n <= 15 && !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(m) && !/^\d{4}-\d{2}-\d{2}$/.test(m);
    },
  },
  {
    // Well-known credential shapes: OpenAI/Anthropic-style sk- keys, AWS access key ids, GitHub and Slack
    // tokens, Google API keys, PEM private keys.
    kind: 'api_key',
    pattern:
      /\bsk-(?:[A-Za-z0-9_-]+-)?[A-Za-z0-9_-]{20,}|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}|\bxox[abprs]-[A-Za-z0-9-]{10,}|\bAIza[0-9A-Za-z_-]{35}|-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/g,
  },
];

export const CHECKS: Record<'luhn' | 'iban', (m: string) => boolean> = { luhn: luhnValid, iban: ibanValid };

/** Whether any confirmed match of `detector` occurs in `text`. */
export function detects(detector: PiiDetector, text: string): boolean {
  const re = detector.pattern;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (detector.confirm === undefined || detector.confirm(m[0], text, m.index)) {
      re.lastIndex = 0;
      return true;
    }
    if (m[0].length === 0) re.lastIndex++;
  }
  return false;
}
