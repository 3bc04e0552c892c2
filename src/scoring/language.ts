import { getLIDModel, type FastTextModel } from 'fasttext.wasm.js';
import type { ChatMessage } from '../backends/backend.js';
import { userTurnsLatestFirst } from './prompt-text.js';
import { isLetterOfAnyScript } from './scripts.js';
import { isWordLetter } from './word-rarity.js';

/**
 * Which language a request is written in, by fastText's language-identification model (lid.176, 176 languages,
 * shipped inside the fasttext.wasm.js package; nothing is downloaded). A 1–2B model trails a large one further
 * outside English, and many on-device models are trained mostly on English, so the language is both a score
 * feature and a policy condition (`when: { language: [en] }`).
 */
export interface LanguageGuess {
  /** ISO 639-1 code where one exists ("en", "zh", "pt"), else fastText's label ("ceb"); "und" when undetermined. */
  language: string;
  /** fastText's probability for that language; 0 when undetermined. */
  confidence: number;
}

export type LanguageOf = (text: string) => LanguageGuess;

export const UNDETERMINED: LanguageGuess = { language: 'und', confidence: 0 };

/** A language known and not English: what the score's `non_english`, the classifier's tags and temperature act on. */
export function isOtherThanEnglish(language: string | undefined): boolean {
  return language !== undefined && language !== 'en' && language !== 'und';
}

/** Characters read: the opening of a request says its language, and 300 cost about 40 µs (600: 75 µs). */
const READ_CHARS = 300;
/**
 * When fastText's best guess counts, for text in the Latin script (where English, French or Turkish look
 * alike in few words). Chosen on the project's hand-written requests (1,385 English, 913 + 120 in twelve other
 * languages) and the short notes and greetings of a product trial:
 * - five words or more: the best guess at 0.5 or more, with English at 0.1 or less ("What are the tinctures
 *   on the coat of arms of Nowy Sącz?" is pl 0.57 but en 0.29, "Remind me to buy croissants and café au lait"
 *   fr 0.72 but en 0.19: neither is another language);
 * - two to four words: the best guess, English or not, at 0.9 or more ("Wie spät ist es?", "Supprime cette
 *   note"); "todo: fix bug" is es 0.77, "convert 72 fahrenheit to celsius" de 0.66 and "converte 72 km/h pra
 *   m/s" en 0.53, so fewer words need more certainty;
 * - one word ("merci", "Hola", "ok") or none: `und`.
 * Text mostly in another script (Han, kana, Hangul, Cyrillic, Arabic, Devanagari …) is never English: fastText's
 * guess when it is at least 0.5, else the script's main language (a short "添加牛奶到清单" gets no guess at all).
 */
const MIN_CONFIDENCE = 0.5;
const MAX_ENGLISH = 0.1;
const FEW_WORDS = 5;
const FEW_WORDS_CONFIDENCE = 0.9;

const NOT_LETTERS = /[^\p{L}\p{M}'’]+/gu;
/** Code says nothing about the language it is asked about in: fenced blocks and `inline code` are dropped. */
const CODE = /```[\s\S]*?(?:```|$)|`[^`\n]*`/g;
const SCRIPT_LANGUAGE: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\p{sc=Hiragana}\p{sc=Katakana}]/u, 'ja'], [/\p{sc=Hangul}/u, 'ko'], [/\p{sc=Han}/u, 'zh'], [/\p{sc=Cyrillic}/u, 'ru'],
  [/\p{sc=Arabic}/u, 'ar'], [/\p{sc=Devanagari}/u, 'hi'], [/\p{sc=Thai}/u, 'th'], [/\p{sc=Greek}/u, 'el'], [/\p{sc=Hebrew}/u, 'he'],
];

let loading: Promise<LanguageOf> | undefined;

/** Loads the model once per process (about 80 ms and 17 MB); later calls share it. */
export function loadLanguageId(): Promise<LanguageOf> {
  loading ??= (async () => {
    const model: FastTextModel = await (await getLIDModel()).load();
    return (text: string) => identify(model, text);
  })();
  return loading;
}

function identify(model: FastTextModel, text: string): LanguageGuess {
  // Letters only: digits, formulas and code mislead it ("x^2 + 3x - 4 = 0, solve for x" reads as Italian).
  // Code is cut from a bounded opening, so a 100 kB paste costs no more than a long question.
  const letters = text.slice(0, 20 * READ_CHARS).replace(CODE, ' ').slice(0, READ_CHARS).replace(NOT_LETTERS, ' ').trim();
  let latin = 0, other = 0, words = 0, run = 0;
  for (let i = 0; i <= letters.length; i += 1) {
    const c = i < letters.length ? letters.charCodeAt(i) : 32;
    if (c === 32) {
      if (run >= 2) words += 1;
      run = 0;
    } else if (isWordLetter(c)) {
      latin += 1;
      run += 1;
    } else if (isLetterOfAnyScript(c)) {
      other += 1;
      run += 1;
    }
  }
  if (latin + other === 0) return UNDETERMINED;
  const top = model.predict(letters, 5, 0);
  const guesses: Array<readonly [string, number]> = [];
  for (let i = 0; i < top.size(); i += 1) {
    const [p, label] = top.get(i);
    guesses.push([label.replace('__label__', ''), p] as const);
  }
  const [best, p] = guesses[0] ?? ['und', 0];
  const round = (v: number) => Math.round(v * 1000) / 1000;
  if (other >= latin) {
    if (best !== 'en' && p >= MIN_CONFIDENCE) return { language: best, confidence: round(p) };
    const script = SCRIPT_LANGUAGE.find(([re]) => re.test(letters))?.[1];
    if (script === undefined) return UNDETERMINED;
    return { language: script, confidence: round(guesses.find(([l]) => l === script)?.[1] ?? 0) };
  }
  if (words < 2) return UNDETERMINED;
  const english = guesses.find(([l]) => l === 'en')?.[1] ?? 0;
  const sure = words < FEW_WORDS ? p >= FEW_WORDS_CONFIDENCE : p >= MIN_CONFIDENCE && (best === 'en' || english <= MAX_ENGLISH);
  return sure ? { language: best, confidence: round(p) } : UNDETERMINED;
}

/**
 * The language of a conversation: the turn being answered says which language the answer must be in
 * ("Maintenant, réécris-le en français" after a long English turn); the earlier turns, latest first, decide only
 * when it is too short to tell ("ok, thanks").
 */
export function requestLanguage(messages: readonly ChatMessage[], languageOf: LanguageOf): LanguageGuess {
  const turnsLatestFirst = userTurnsLatestFirst(messages);
  const latest = languageOf(turnsLatestFirst[0] ?? '');
  return latest.language === 'und' && turnsLatestFirst.length > 1 ? languageOf(turnsLatestFirst.join('\n')) : latest;
}

const NAMES = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

/** "Chinese (zh)", "an undetermined language (und)": for reasons and the CLI. */
export function languageName(code: string | undefined): string {
  if (code === undefined) return 'an unknown language';
  if (code === 'und') return 'an undetermined language (und: too short to tell)';
  let name = code;
  try {
    name = NAMES.of(code) ?? code;
  } catch {
    // Not a code Intl knows (fastText's "bih"): the code alone.
  }
  return name === code ? code : `${name} (${code})`;
}
