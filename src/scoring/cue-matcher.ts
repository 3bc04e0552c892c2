import { CUE_LEXICON, type CueGroup } from './lexicons.js';

export const CUE_GROUPS = Object.keys(CUE_LEXICON) as CueGroup[];

/** Built once at import: word or "w1 w2" phrase → indexes into CUE_GROUPS. */
const WORDS = new Map<string, number[]>();
const PHRASES = new Map<string, number[]>();
/** Longest phrase length, in words. */
let maxPhraseWords = 1;

function add(map: Map<string, number[]>, key: string, group: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [group]);
  else if (!list.includes(group)) list.push(group);
}

CUE_GROUPS.forEach((group, index) => {
  for (const entry of CUE_LEXICON[group]) {
    const parts = entry.split('_');
    if (parts.length === 1) add(WORDS, entry, index);
    else {
      add(PHRASES, parts.join(' '), index);
      maxPhraseWords = Math.max(maxPhraseWords, parts.length);
    }
  }
});

const SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ["'s", ''], ['s', ''], ['es', ''], ['ies', 'y'], ['d', ''], ['ed', ''], ['ing', ''], ['ing', 'e'], ['ly', ''],
];

/** Groups of a lowercased word, trying light suffix stripping only when the exact word is unknown. */
export function wordGroups(word: string): readonly number[] | undefined {
  const exact = WORDS.get(word);
  if (exact !== undefined || word.length < 5) return exact;
  for (const [suffix, replacement] of SUFFIXES) {
    if (!word.endsWith(suffix)) continue;
    const hit = WORDS.get(word.slice(0, word.length - suffix.length) + replacement);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** Groups of the 2..n-word phrase that ends at `words[end]`, if any. */
export function phraseGroups(words: readonly string[], end: number): readonly number[] | undefined {
  for (let n = 2; n <= maxPhraseWords && end - n + 1 >= 0; n += 1) {
    let key = words[end - n + 1] ?? '';
    for (let i = end - n + 2; i <= end; i += 1) key += ' ' + (words[i] ?? '');
    const hit = PHRASES.get(key);
    if (hit !== undefined) return hit;
  }
  return undefined;
}
