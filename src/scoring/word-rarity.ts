import { readFileSync } from 'node:fs';
import { fromPackageRoot } from '../paths.js';

/**
 * How common a word is, from models/scorer/word-ranks.txt (Qwen3's whole-word BPE tokens, most frequent first;
 * written by `npm run make:word-ranks`). A small model knows what is common in text and forgets the long tail,
 * so a question naming rare words ("Which minor-league teams did Vern Kindsfather play for?") asks for
 * knowledge it likely lacks, where "What is the capital of France?" does not.
 */
export const WORD_RANKS_PATH = fromPackageRoot('models', 'scorer', 'word-ranks.txt');

/** Letters a word is made of: ASCII and Latin with diacritics (À–ɏ, without × and ÷). */
export function isWordLetter(code: number): boolean {
  if (code < 128) return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7;
}

let common: ReadonlySet<string> | undefined;

/**
 * The listed words, read once (300 KB on disk, ~2 MB in memory, ~15 ms). `loadScorer` reads them at start-up so
 * no request pays for it; anything else calling the feature extractor reads them on first use.
 */
export function loadCommonWords(): ReadonlySet<string> {
  common ??= new Set(readFileSync(WORD_RANKS_PATH, 'utf8').split('\n').filter((line) => line !== '' && !line.startsWith('#')));
  return common;
}

/**
 * True when the word, spelt as written ("Kindsfather", "tsumebite"), is not a whole-word token, nor is its
 * stem ("tributaries" → "tributary", "reformed" → "reform"). Only absence counts: ranks within the list mix
 * common knowledge with rarer words ("Romeo" and "Mona" rank below "Dodgers"), absence does not.
 */
export function isRare(word: string): boolean {
  const words = loadCommonWords();
  if (words.has(word)) return false;
  for (const [suffix, ...replacements] of STEMS) {
    if (!word.endsWith(suffix) || word.length < suffix.length + 3) continue;
    const stem = word.slice(0, -suffix.length);
    if (replacements.some((r) => words.has(stem + r))) return false;
  }
  return true;
}

/** Suffix → what may replace it: plural, past, gerund and adverb forms of a listed word are as common as the word. */
const STEMS: ReadonlyArray<readonly [string, ...string[]]> = [
  ['ies', 'y'], ['es', '', 'e'], ['s', ''], ['ied', 'y'], ['ed', '', 'e'], ['ing', '', 'e'], ['ly', ''], ['ally', ''],
];
