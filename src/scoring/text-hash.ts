import { isOtherThanEnglish } from './language.js';

/**
 * The task classifier's input: a prompt's words turned into hashed feature ids, fastText style — each word,
 * each pair of adjacent words, and the opening words of the request once more with their position ("write …",
 * "what is …", "prove …" name the task). Shared by training and runtime, so both see exactly the same ids.
 * Character n-grams (fastText's subwords) were tried and dropped: on Auto-J's test split they diluted the word
 * evidence (accuracy 0.62 with 3–5-grams vs 0.68 without; bench:routing prints the classifier's confusion).
 */

/** Hash buckets of the shipped table: 2^17 rows × tasks int8 ≈ 1.5 MB. */
export const HASH_BITS = 17;
const MASK = (1 << HASH_BITS) - 1;

/** Words read from the start and from the end of a long prompt: the instruction sits at one end of a pasted text. */
export const HEAD_WORDS = 80;
export const TAIL_WORDS = 40;
const OPENING_WORDS = 3;
/** How many times an opening word counts, on top of its plain word feature. */
const OPENING_WEIGHT = 2;

/** FNV-1a over a string, continued from `h` (so a kind tag and the text hash without concatenating). */
function fnv(text: string, h = 0x811c9dc5): number {
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const WORD = fnv('w:'), PAIR = fnv('b:'), FLAG = fnv('f:'), LANG = fnv('l:');
const OPEN = Array.from({ length: OPENING_WORDS }, (_, i) => fnv(`o${i}:`));
const FLAGS = { code: fnv('code', FLAG), math: fnv('math', FLAG), numbers: fnv('numbers', FLAG), followUp: fnv('follow-up', FLAG) };
/**
 * A request with no words at all ("2+2", "12*7") has this one feature and no flags, so bare arithmetic is
 * learned as a utility without teaching the math and numbers flags, which every math problem carries, the same
 * (taught through the flags, the same rows cost FLASK 0.008 in bench:routing; this way 0.005).
 */
const WORDLESS = fnv('wordless', FLAG);

/** Signals the word list loses (it holds letters only) but that name a task: code, formulas, numbers. */
export interface TextFlags {
  code: boolean;
  math: boolean;
  numbers: boolean;
  /** Follow-up in a conversation (earlier user turns exist). */
  followUp: boolean;
  /** The request's language (language.ts) when known; words of a language other than English are also read tagged with it. */
  language?: string | undefined;
}

/** Feature ids of one prompt, written into `out` (cleared first); repeats are kept, they weigh more. */
export function hashFeatures(words: readonly string[], flags: TextFlags, out: number[]): number[] {
  out.length = 0;
  const n = words.length;
  if (n === 0) {
    out.push(WORDLESS & MASK);
    return out;
  }
  const take = (i: number): boolean => i < HEAD_WORDS || i >= n - TAIL_WORDS;
  const lang = flags.language;
  // Outside English each word also counts tagged with its language, so "comment" in "Bonjour, comment ça va ?"
  // learns from French requests instead of only carrying the English word's weight (code comments). Chosen by
  // 3-fold cross-validation on the multilingual training requests: 0.441 → 0.465 of tasks right.
  const tag = isOtherThanEnglish(lang) ? fnv(`${lang}:`, LANG) : undefined;
  if (tag !== undefined) out.push(tag & MASK);
  for (let i = 0; i < n; i += 1) {
    if (!take(i)) continue;
    const word = words[i] ?? '';
    out.push(fnv(word, WORD) & MASK);
    if (tag !== undefined) out.push(fnv(word, tag) & MASK);
    const open = OPEN[i];
    if (open !== undefined) for (let r = 0; r < OPENING_WEIGHT; r += 1) out.push(fnv(word, open) & MASK);
    const next = words[i + 1];
    if (next !== undefined && take(i + 1)) out.push(fnv(next, fnv(' ', fnv(word, PAIR))) & MASK);
  }
  for (const key of ['code', 'math', 'numbers', 'followUp'] as const) if (flags[key]) out.push(FLAGS[key] & MASK);
  return out;
}
