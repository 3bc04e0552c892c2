import type { ChatMessage } from '../backends/backend.js';

/**
 * The text the scorer looks at, split into the part that names the task and the surrounding conversation.
 * `task` = every user turn joined (a follow-up such as "now make it shorter" inherits the first turn's task);
 * system prompts and assistant replies are left out because their length says nothing about difficulty.
 */
export interface PromptText {
  task: string;
  /** User turns before the last one; 0 for a single question. */
  priorUserTurns: number;
}

export function promptText(messages: readonly ChatMessage[]): PromptText {
  const userTurns: string[] = [];
  for (const message of messages) {
    if (message.role === 'user') userTurns.push(stripMultipleChoice(message.content));
  }
  return { task: userTurns.join('\n'), priorUserTurns: Math.max(0, userTurns.length - 1) };
}

/** The user turns, the latest first (what the language is read from: see language.ts, requestLanguage). */
export function userTurnsLatestFirst(messages: readonly ChatMessage[]): string[] {
  const turns: string[] = [];
  for (const message of messages) if (message.role === 'user') turns.unshift(message.content);
  return turns;
}

const ANSWER_CUE = 'Answer:';

/**
 * Drops a trailing exam-style options block ("\nA. …\nB. …\nC. …\nD. …\nAnswer:") so the scorer learns from
 * the question itself, not from benchmark formatting that chat prompts never have. Plain string search,
 * no regex, so a 2,000-character prompt costs a few µs at most.
 */
export function stripMultipleChoice(text: string): string {
  const trimmed = text.trimEnd();
  if (!trimmed.endsWith(ANSWER_CUE)) return text;
  const d = trimmed.lastIndexOf('\nD. ');
  const c = d < 0 ? -1 : trimmed.lastIndexOf('\nC. ', d);
  const b = c < 0 ? -1 : trimmed.lastIndexOf('\nB. ', c);
  const a = b < 0 ? -1 : trimmed.lastIndexOf('\nA. ', b);
  if (a < 0) return trimmed.slice(0, trimmed.length - ANSWER_CUE.length).trimEnd();
  return trimmed.slice(0, a).trimEnd();
}

/** Option labels an exam question lists its answers under, one per line: "A. …", "A) …", "(A) …", "A: …". */
const OPTION_LINE = /^[ \t]*\(?([A-H])[.):][ \t]+\S/gm;
const ANSWER_ENDING = /answer\s*:?\s*$/i;
/** Options written inline, each label in parentheses, none opening a line: "Answer Choices: (A) 5 (B) 10 (C) 15". */
const INLINE_OPTION = /(?<=[^\n])\(([A-H])\)[ \t]*\S/g;

/**
 * Whether a user turn is a multiple-choice question: options labelled A, B, C … in order at the start of
 * lines, and either the turn ends asking for the answer ("…\nAnswer:", two options are enough then) or it
 * asks a question and lists at least three; or at least three options inline with parenthesised labels
 * ("(A) 5 (B) 10 (C) 15"). An outline ("A. Introduction\nB. Methods\nC. Results") asks nothing, so it is
 * not one.
 */
export function isMultipleChoice(text: string): boolean {
  const lines = optionsInOrder(text.matchAll(OPTION_LINE));
  if (lines >= 2 && (ANSWER_ENDING.test(text) || (lines >= 3 && text.includes('?')))) return true;
  return optionsInOrder(text.matchAll(INLINE_OPTION)) >= 3;
}

/** The length of the last run of labels A, B, C … in order (a new "A" starts a new run). */
function optionsInOrder(matches: Iterable<RegExpMatchArray>): number {
  let expected = 65; // 'A'
  let options = 0;
  for (const match of matches) {
    const label = match[1]?.charCodeAt(0) ?? 0;
    if (label === expected) {
      options += 1;
      expected += 1;
    } else if (label === 65) {
      options = 1; // a new list starts over
      expected = 66;
    }
  }
  return options;
}
