import type { ChatMessage } from '../backends/backend.js';
import { CUE_GROUPS, phraseGroups, wordGroups } from './cue-matcher.js';
import type { CueGroup } from './lexicons.js';
import { promptText } from './prompt-text.js';

/**
 * The feature vector the scorer's model reads. Every feature is something any chat prompt has (length,
 * vocabulary, numbers, math/code/reasoning cues, domain terms, conversation depth); none looks at exam
 * formatting. Counts are log1p-compressed so one very long prompt cannot dominate.
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
  { name: 'logic_symbols', more: 'formal logic notation', less: 'no logic notation' },
  { name: 'code_syntax', more: 'contains code', less: 'no code' },
  { name: 'list_items', more: 'multi-part question', less: 'single-part question' },
  { name: 'proper_nouns', more: 'many named entities', less: 'few named entities' },
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
  cue('creative_cues', 'creative writing task', 'creative writing task'),
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
  logicSymbols: featureIndex('logic_symbols'), codeSyntax: featureIndex('code_syntax'),
  listItems: featureIndex('list_items'), properNouns: featureIndex('proper_nouns'),
  depth: featureIndex('conversation_depth'),
};

/** Features of a chat request. Pure; writes into `out` when given (the hot path reuses one buffer). */
export function extractFeatures(messages: readonly ChatMessage[], out?: Float32Array): Float32Array {
  const { task, priorUserTurns } = promptText(messages);
  const x = out ?? new Float32Array(FEATURE_COUNT);
  x.fill(0);
  textFeatures(task, x);
  x[F.depth] = Math.min(priorUserTurns, 5);
  return x;
}

const isLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const MATH_CHARS = new Set([..."=+*^<>√∫∑π×÷≤≥±∞∂θλσμΔ\\"].map((s) => s.codePointAt(0) ?? 0));
const LOGIC_CHARS = new Set([...'⊃∨∧≡~¬→↔∀∃⊢'].map((s) => s.codePointAt(0) ?? 0));
const CODE_CHARS = new Set([...'{};[]`'].map((s) => s.codePointAt(0) ?? 0));

/** One pass over the characters, then one over the words; no regexes, so cost is linear in length. */
function textFeatures(text: string, x: Float32Array): void {
  const lower = text.toLowerCase();
  const words: string[] = [];
  let letters = 0, longWords = 0, digits = 0, numbers = 0, sentences = 0, questions = 0;
  let mathSymbols = 0, logicSymbols = 0, codeSyntax = 0, listItems = 0, properNouns = 0;
  let wordStart = -1, inNumber = false, atSentenceStart = true, atLineStart = true;
  for (let i = 0; i <= text.length; i += 1) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    const wordChar = isLetter(c) || (wordStart >= 0 && (c === 39 || c === 45) && isLetter(text.charCodeAt(i + 1)));
    if (wordChar) {
      if (wordStart < 0) {
        wordStart = i;
        if (c >= 65 && c <= 90 && !atSentenceStart) properNouns += 1;
      }
    } else if (wordStart >= 0) {
      const length = i - wordStart;
      letters += length;
      if (length >= 9) longWords += 1;
      words.push(lower.slice(wordStart, i));
      wordStart = -1;
      atSentenceStart = false;
    }
    if (isDigit(c)) {
      digits += 1;
      if (!inNumber) numbers += 1;
      inNumber = true;
    } else if (!(inNumber && (c === 46 || c === 44) && isDigit(text.charCodeAt(i + 1)))) inNumber = false;
    if (c === 63) questions += 1;
    if ((c === 46 || c === 63 || c === 33) && !isDigit(text.charCodeAt(i + 1))) {
      sentences += 1;
      atSentenceStart = true;
    }
    if (MATH_CHARS.has(c)) mathSymbols += 1;
    else if (LOGIC_CHARS.has(c)) logicSymbols += 1;
    else if (CODE_CHARS.has(c)) codeSyntax += 1;
    if (atLineStart && c !== 32 && c !== 9) {
      // "- item", "* item", "1. item", "1) item", "I. item": a multi-part request.
      const next = text.charCodeAt(i + 1);
      if (c === 45 || c === 42 || ((isDigit(c) || c === 73 || c === 86) && (next === 46 || next === 41))) listItems += 1;
      atLineStart = false;
    }
    if (c === 10) {
      atLineStart = true;
      atSentenceStart = true;
    }
  }
  const cueCounts = new Array<number>(CUE_GROUPS.length).fill(0);
  for (let end = 0; end < words.length; end += 1) {
    const phrase = phraseGroups(words, end);
    const groups = phrase ?? wordGroups(words[end] ?? '');
    if (groups !== undefined) for (const g of groups) cueCounts[g] = (cueCounts[g] ?? 0) + 1;
  }
  x[F.length] = Math.log1p(text.length);
  x[F.avgWord] = words.length === 0 ? 0 : Math.min(letters / words.length, 12);
  x[F.longWords] = words.length === 0 ? 0 : longWords / words.length;
  x[F.sentences] = Math.log1p(sentences);
  x[F.questions] = Math.log1p(questions);
  x[F.numbers] = Math.log1p(numbers);
  x[F.digitShare] = text.length === 0 ? 0 : digits / text.length;
  x[F.mathSymbols] = Math.log1p(mathSymbols);
  x[F.logicSymbols] = Math.log1p(logicSymbols);
  x[F.codeSyntax] = Math.log1p(codeSyntax);
  x[F.listItems] = Math.log1p(listItems);
  x[F.properNouns] = words.length === 0 ? 0 : properNouns / words.length;
  cueCounts.forEach((count, g) => {
    x[CUE_FEATURE[g] ?? 0] = Math.log1p(count);
  });
}
