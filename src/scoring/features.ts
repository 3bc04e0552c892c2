import type { ChatMessage } from '../backends/backend.js';
import { countCues, CUE_GROUPS } from './cue-matcher.js';
import type { CueGroup } from './lexicons.js';
import { isMultipleChoice, promptText, userTurnsLatestFirst } from './prompt-text.js';
import type { TextFlags } from './text-hash.js';
import { isRare, isWordLetter } from './word-rarity.js';
import { isLetterOfAnyScript, isUnspacedScript } from './scripts.js';

/**
 * The feature vector the scorer's model reads. Every feature is something any chat prompt has (length,
 * vocabulary, numbers, math/code/reasoning cues, domain terms, conversation depth); none looks at exam
 * formatting (the one score input that does, `exam_length`, is weighted outside the fit: see task-features.ts
 * and recipe.ts). Counts are log1p-compressed so one very long prompt cannot dominate.
 */
export interface FeatureSpec {
  name: string;
  /** What a positive push means, for `reasons` ("asks for a proof"). */
  more: string;
  /** What a negative push means ("short prompt"). */
  less: string;
}

const cue = (group: CueGroup, more: string, less: string): FeatureSpec => ({ name: group, more, less });

export const FEATURES: readonly FeatureSpec[] = [
  { name: 'length', more: 'long prompt', less: 'short prompt' },
  { name: 'avg_word_length', more: 'long words', less: 'plain words' },
  { name: 'long_words', more: 'dense technical vocabulary', less: 'everyday vocabulary' },
  { name: 'sentences', more: 'many sentences', less: 'few sentences' },
  { name: 'questions', more: 'several questions', less: 'no explicit question' },
  { name: 'numbers', more: 'many numbers', less: 'few numbers' },
  { name: 'digit_share', more: 'number-heavy text', less: 'little numeric content' },
  { name: 'math_symbols', more: 'formulas or math notation', less: 'no math notation' },
  { name: 'formulas', more: 'typeset formulas ($…$, \\frac, \\sqrt)', less: 'no typeset formulas' },
  { name: 'powers', more: 'powers and exponents (^)', less: 'no powers' },
  { name: 'logic_symbols', more: 'formal logic notation', less: 'no logic notation' },
  { name: 'code_syntax', more: 'contains code', less: 'no code' },
  { name: 'list_items', more: 'multi-part question', less: 'single-part question' },
  { name: 'proper_nouns', more: 'many named entities', less: 'few named entities' },
  { name: 'rare_names', more: 'little-known names (long-tail entities)', less: 'no little-known names' },
  { name: 'rare_words', more: 'rare words (long-tail terms)', less: 'common words only' },
  cue('math_terms', 'math concepts', 'no math concepts'),
  cue('compute_cues', 'asks to compute something', 'no computation asked'),
  cue('reasoning_cues', 'asks for reasoning or analysis', 'no analysis asked'),
  cue('proof_cues', 'asks for a proof or derivation', 'no proof asked'),
  cue('conditional', 'hypotheticals or conditions', 'no conditions'),
  cue('negation', 'negations or exceptions', 'no negations'),
  cue('code_terms', 'programming task', 'not a programming task'),
  cue('constraints', 'explicit constraints', 'no explicit constraints'),
  cue('science_terms', 'physical-science terms', 'no science terms'),
  cue('law_terms', 'legal terms', 'no legal terms'),
  cue('finance_terms', 'economics or accounting terms', 'no finance terms'),
  cue('medical_terms', 'clinical terms', 'no clinical terms'),
  cue('creative_cues', 'creative writing task', 'not a creative task'),
  cue('puzzle_cues', 'logic puzzle', 'no puzzle'),
  cue('fact_cues', 'asks for long-tail facts (names, dates, records)', 'no long-tail facts asked'),
  cue('depth_cues', 'asks for depth (detailed, rigorous, trade-offs)', 'no depth asked'),
  cue('number_words', 'quantities in words (twice, half, three)', 'no quantities in words'),
  { name: 'years', more: 'mentions specific years', less: 'no specific years' },
  { name: 'conversation_depth', more: 'deep in a conversation', less: 'first turn' },
];

export const FEATURE_COUNT = FEATURES.length;
const INDEX = new Map(FEATURES.map((f, i) => [f.name, i] as const));
const CUE_OFFSET = INDEX.get('math_terms') ?? -1;
const CUE_FEATURE = CUE_GROUPS.map((group) => INDEX.get(group) ?? -1);
if (CUE_OFFSET < 0 || CUE_FEATURE.some((i) => i < 0)) throw new Error('feature table and cue groups disagree');

export function featureIndex(name: string): number {
  const index = INDEX.get(name);
  if (index === undefined) throw new Error(`unknown scorer feature ${name}`);
  return index;
}

const F = {
  length: featureIndex('length'), avgWord: featureIndex('avg_word_length'), longWords: featureIndex('long_words'),
  sentences: featureIndex('sentences'), questions: featureIndex('questions'), numbers: featureIndex('numbers'),
  digitShare: featureIndex('digit_share'), mathSymbols: featureIndex('math_symbols'),
  formulas: featureIndex('formulas'), powers: featureIndex('powers'),
  logicSymbols: featureIndex('logic_symbols'), codeSyntax: featureIndex('code_syntax'),
  listItems: featureIndex('list_items'), properNouns: featureIndex('proper_nouns'), years: featureIndex('years'),
  rareNames: featureIndex('rare_names'), rareWords: featureIndex('rare_words'),
  depth: featureIndex('conversation_depth'),
};

/** Features of a chat request. Pure; writes into `out` when given (the hot path reuses one buffer). */
export function extractFeatures(messages: readonly ChatMessage[], out?: Float32Array): Float32Array {
  return analysePrompt(messages, out).features;
}

export interface PromptAnalysis {
  features: Float32Array;
  /** The user turns' words, lowercased, in order: what the task classifier reads. */
  words: string[];
  /** What the word list loses (code, formulas, numbers, follow-up turns), for the task classifier. */
  flags: TextFlags;
  /**
   * When the latest user turn is a multiple-choice question (prompt-text.ts, isMultipleChoice): its length with
   * the options, log-chars; null otherwise. The features above read the question without its options.
   */
  examLength: number | null;
}

/** Features and words of a chat request in one pass over its text. Pure. */
export function analysePrompt(messages: readonly ChatMessage[], out?: Float32Array): PromptAnalysis {
  const { task, priorUserTurns } = promptText(messages);
  const x = out ?? new Float32Array(FEATURE_COUNT);
  x.fill(0);
  const words = textFeatures(task, x);
  x[F.depth] = Math.min(priorUserTurns, 5);
  const flags: TextFlags = {
    code: (x[F.codeSyntax] ?? 0) > 0, math: (x[F.mathSymbols] ?? 0) > 0, numbers: (x[F.numbers] ?? 0) > 0, followUp: priorUserTurns > 0,
  };
  return { features: x, words, flags, examLength: examLength(messages) };
}

function examLength(messages: readonly ChatMessage[]): number | null {
  const latest = userTurnsLatestFirst(messages)[0];
  return latest !== undefined && isMultipleChoice(latest) ? Math.log(latest.length) : null;
}

/**
 * Character classes: a flat table for ASCII, a map for the few non-ASCII symbols that are counted; Latin letters
 * with diacritics are letters ("Küçük Kaynarca" is two words, not four fragments).
 */
const LETTER = 1, DIGIT = 2, MATH = 3, LOGIC = 4, CODE = 5, SENTENCE_END = 6, NEWLINE = 7, WORD_JOINER = 8, DOLLAR = 9;
const ASCII_CLASS = new Uint8Array(128);
const OTHER_CLASS = new Map<number, number>();
function classify(chars: string, kind: number): void {
  for (const ch of chars) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 128) ASCII_CLASS[code] = kind;
    else OTHER_CLASS.set(code, kind);
  }
}
classify('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', LETTER);
classify('0123456789', DIGIT);
classify('=+*^<>\\√∫∑π×÷≤≥±∞∂θλσμΔ', MATH);
classify('⊃∨∧≡~¬→↔∀∃⊢', LOGIC);
classify('{};[]`', CODE);
// CJK full stop and question/exclamation marks, the Arabic question mark.
classify('.?!。？！؟', SENTENCE_END);
classify('\n', NEWLINE);
classify("'-", WORD_JOINER);
classify('$', DOLLAR);
const classOf = (c: number): number => (c < 128 ? (ASCII_CLASS[c] ?? 0) : (OTHER_CLASS.get(c) ?? (isLetterOfAnyScript(c) ? LETTER : 0)));
const QUESTION_MARKS = new Set([63, 0xff1f, 0x061f]);

/** Words shorter than this are never judged rare: every 1–2 letter word is common or an abbreviation. */
const MIN_RARE_LETTERS = 3;

/** One pass over the characters, then one over the words; no regexes, so cost is linear in length. */
function textFeatures(text: string, x: Float32Array): string[] {
  const lower = text.toLowerCase();
  const words: string[] = [];
  const n = text.length;
  let letters = 0, longWords = 0, digits = 0, numbers = 0, sentences = 0, questions = 0;
  let mathSymbols = 0, formulas = 0, powers = 0, logicSymbols = 0, codeSyntax = 0, listItems = 0, properNouns = 0;
  let wordStart = -1, atSentenceStart = true, atLineStart = true, previous = 0;
  /** Words not among the tokenizer's whole-word tokens (word-rarity.ts), capitalised or not; `joiners`: ' or - inside. */
  let rareNames = 0, rareWords = 0, joiners = 0;
  /** Rare words met so far: a term the text repeats ("sturgeons" five times in a passage) is one gap in knowledge. */
  const rareSeen: string[] = [];
  /** Value and digit count of the digit run in progress, to count years (1000–2099) without a regex. */
  let run = 0, runDigits = 0, years = 0;
  /** The word in progress is in Chinese or Japanese script; or only in Latin letters (rarity is judged on those). */
  let wordUnspaced = false, wordLatin = true;
  const endWord = (i: number): void => {
    const length = i - wordStart;
    letters += length;
    if (wordUnspaced) {
      // No spaces to split on: each pair of adjacent characters stands for a word, as in CJK search engines.
      const chars = lower.slice(wordStart, i);
      if (chars.length === 1) words.push(chars);
      for (let k = 0; k + 1 < chars.length; k += 1) words.push(chars.slice(k, k + 2));
    } else {
      if (length >= 9) longWords += 1;
      const word = lower.slice(wordStart, i);
      words.push(word);
      // Rarity is judged as spelt: "Smith" is a common name, "Kindsfather" a rare one. A capitalised first word
      // of a sentence is rare only if its lowercase form is too. A possessive is judged without its 's; other
      // words with ' or - are left out (their parts are common words as a rule). Only Latin-script words are
      // judged: the list is of English (and other Latin-script) tokens.
      const possessive = joiners === 1 && length > 2 && text.charCodeAt(i - 2) === 39 && (text.charCodeAt(i - 1) | 32) === 115;
      const end = possessive ? i - 2 : i;
      if (wordLatin && end - wordStart >= MIN_RARE_LETTERS && (joiners === 0 || possessive)) {
        const bare = possessive ? word.slice(0, -2) : word;
        const capitalised = lower.charCodeAt(wordStart) !== text.charCodeAt(wordStart);
        const rare = capitalised ? isRare(text.slice(wordStart, end)) && (!atSentenceStart || isRare(bare)) : isRare(bare);
        if (rare && !rareSeen.includes(bare)) {
          rareSeen.push(bare);
          if (capitalised) rareNames += 1;
          else rareWords += 1;
        }
      }
    }
    joiners = 0;
    wordStart = -1;
    atSentenceStart = false;
  };
  for (let i = 0; i <= n; i += 1) {
    const c = i < n ? text.charCodeAt(i) : 32;
    let kind = classOf(c);
    // An apostrophe or hyphen inside a word ("don't", "well-known") keeps the word going.
    if (kind === WORD_JOINER && wordStart >= 0 && classOf(text.charCodeAt(i + 1)) === LETTER) {
      kind = LETTER;
      joiners += 1;
    }
    // Chinese and Japanese are written without spaces: a switch between such a script and a spaced one
    // ("用Python写") ends a word, and an unspaced run is read as character pairs (endWord).
    if (kind === LETTER && wordStart >= 0 && isUnspacedScript(c) !== wordUnspaced) endWord(i);
    if (kind === LETTER) {
      if (wordStart < 0) {
        wordStart = i;
        wordUnspaced = isUnspacedScript(c);
        wordLatin = true;
        if (c <= 90 && !atSentenceStart) properNouns += 1;
      }
      if (classOf(c) === LETTER && !isWordLetter(c)) wordLatin = false;
    } else if (wordStart >= 0) {
      endWord(i);
    }
    if (atLineStart && c !== 32 && c !== 9 && kind !== NEWLINE) {
      // "- item", "* item", "1. item", "1) item", "I. item": a multi-part request.
      const next = text.charCodeAt(i + 1);
      if (c === 45 || c === 42 || ((kind === DIGIT || c === 73 || c === 86) && (next === 46 || next === 41))) listItems += 1;
      atLineStart = false;
    }
    if (kind === DIGIT) {
      run = run * 10 + (c - 48);
      runDigits += 1;
    } else if (runDigits > 0) {
      if (runDigits === 4 && run >= 1000 && run <= 2099) years += 1;
      run = 0;
      runDigits = 0;
    }
    switch (kind) {
      case DIGIT:
        digits += 1;
        // 3.14 and 1,000 are one number: a digit after '.'/',' that followed a digit continues it.
        if (!(previous === DIGIT || ((text.charCodeAt(i - 1) === 46 || text.charCodeAt(i - 1) === 44) && classOf(text.charCodeAt(i - 2)) === DIGIT))) numbers += 1;
        break;
      case MATH:
        mathSymbols += 1;
        if (c === 94) powers += 1;
        // A LaTeX command (\frac, \sqrt): a backslash before a letter.
        else if (c === 92 && classOf(text.charCodeAt(i + 1)) === LETTER) formulas += 1;
        break;
      case DOLLAR:
        // "$x^2$" opens a formula, "$20" is money: only a '$' before a letter or backslash counts.
        if (classOf(text.charCodeAt(i + 1)) === LETTER || text.charCodeAt(i + 1) === 92) formulas += 1;
        break;
      case LOGIC: logicSymbols += 1; break;
      case CODE: codeSyntax += 1; break;
      case SENTENCE_END:
        if (QUESTION_MARKS.has(c)) questions += 1;
        if (classOf(text.charCodeAt(i + 1)) !== DIGIT) {
          sentences += 1;
          atSentenceStart = true;
        }
        break;
      case NEWLINE:
        atLineStart = true;
        atSentenceStart = true;
        break;
    }
    previous = kind;
  }
  const cueCounts = new Array<number>(CUE_GROUPS.length).fill(0);
  countCues(words, cueCounts);
  x[F.length] = Math.log1p(n);
  x[F.avgWord] = words.length === 0 ? 0 : Math.min(letters / words.length, 12);
  x[F.longWords] = words.length === 0 ? 0 : longWords / words.length;
  x[F.sentences] = Math.log1p(sentences);
  x[F.questions] = Math.log1p(questions);
  x[F.numbers] = Math.log1p(numbers);
  x[F.digitShare] = n === 0 ? 0 : digits / n;
  x[F.mathSymbols] = Math.log1p(mathSymbols);
  x[F.formulas] = Math.log1p(formulas);
  x[F.powers] = Math.log1p(powers);
  x[F.logicSymbols] = Math.log1p(logicSymbols);
  x[F.codeSyntax] = Math.log1p(codeSyntax);
  x[F.listItems] = Math.log1p(listItems);
  x[F.properNouns] = words.length === 0 ? 0 : properNouns / words.length;
  x[F.years] = Math.log1p(years);
  x[F.rareNames] = Math.log1p(rareNames);
  x[F.rareWords] = Math.log1p(rareWords);
  cueCounts.forEach((count, g) => {
    x[CUE_FEATURE[g] ?? 0] = Math.log1p(count);
  });
  return words;
}
