import { CUE_LEXICON, type CueGroup } from './lexicons.js';

export const CUE_GROUPS = Object.keys(CUE_LEXICON) as CueGroup[];

/** Built once at import: word or "w1 w2" phrase → indexes into CUE_GROUPS. */
const WORDS = new Map<string, number[]>();
const PHRASES = new Map<string, number[]>();
/** First words of phrases: only these positions pay for a phrase lookup. */
const PHRASE_STARTS = new Set<string>();
/** Longest phrase length, in words. */
let maxPhraseWords = 1;

function add(map: Map<string, number[]>, key: string, group: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [group]);
  else if (!list.includes(group)) list.push(group);
}

/**
 * Inflected forms a cue word also matches (plural, past, gerund, adverb, possessive). Expanded once here so
 * matching is a single Map lookup per word instead of trying suffixes at request time.
 */
function inflections(word: string): string[] {
  const forms = [word, `${word}s`, `${word}es`, `${word}ed`, `${word}ing`, `${word}ly`, `${word}'s`];
  if (word.endsWith('e')) forms.push(`${word}d`, `${word.slice(0, -1)}ing`);
  if (word.endsWith('y')) forms.push(`${word.slice(0, -1)}ies`, `${word.slice(0, -1)}ied`);
  return forms;
}

CUE_GROUPS.forEach((group, index) => {
  for (const entry of CUE_LEXICON[group]) {
    const parts = entry.split('_');
    if (parts.length === 1) {
      // Short words (if, no, not, …) match exactly; inflecting them would invent words like "nos".
      for (const form of entry.length < 4 ? [entry] : inflections(entry)) add(WORDS, form, index);
    } else {
      add(PHRASES, parts.join(' '), index);
      PHRASE_STARTS.add(parts[0] ?? '');
      maxPhraseWords = Math.max(maxPhraseWords, parts.length);
    }
  }
});

/** The lookup function used by countCues: one Map.get, inflections were expanded at import. */
export function wordGroups(word: string): readonly number[] | undefined {
  return WORDS.get(word);
}

/**
 * Counts cue hits over a word list into `counts` (indexed like CUE_GROUPS). A phrase ("how many", "no more
 * than") is tried only where a phrase can start, the longest match wins, and its words are then not counted
 * again on their own.
 */
export function countCues(words: readonly string[], counts: number[]): void {
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    if (PHRASE_STARTS.has(word)) {
      let key = word;
      let matched = 0;
      // Longest phrase wins: "write a function" is a programming task even though "write a" opens poems.
      let hit: readonly number[] | undefined;
      for (let n = 2; n <= maxPhraseWords && i + n - 1 < words.length; n += 1) {
        key += ' ' + (words[i + n - 1] ?? '');
        const groups = PHRASES.get(key);
        if (groups !== undefined) {
          hit = groups;
          matched = n;
        }
      }
      if (hit !== undefined) {
        for (const g of hit) counts[g] = (counts[g] ?? 0) + 1;
        i += matched - 1;
        continue;
      }
    }
    const groups = wordGroups(word);
    if (groups !== undefined) for (const g of groups) counts[g] = (counts[g] ?? 0) + 1;
  }
}
