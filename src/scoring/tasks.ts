/**
 * The kinds of request the scorer recognises. One list, used by the classifier, the policy schema
 * (`when: { task: [coding, math] }`) and the docs. Ordered roughly from "a small model does as well" to
 * "the widest small-vs-large gap"; the score, not this order, decides routing.
 */
export const TASKS = [
  'chat', 'utility', 'rewrite', 'summarize', 'creative', 'writing', 'advice', 'lookup', 'analysis', 'reasoning', 'coding', 'math',
] as const;

export type Task = (typeof TASKS)[number];

/** One line per task, for `reasons`, the README and `switchyard score --json` readers. */
export const TASK_DESCRIPTIONS: Readonly<Record<Task, string>> = {
  chat: 'chit-chat, greetings, thanks, small talk',
  utility: 'quick conversions, arithmetic, timers, reminders, dates',
  rewrite: 'rewrite, proofread, paraphrase, change tone, translate given text',
  summarize: 'summarize, extract, classify or title a given text',
  creative: 'stories, poems, lyrics, jokes, roleplay, social posts',
  writing: 'functional writing: emails, letters, cover letters, descriptions, reports',
  advice: 'how-to, recommendations, plans, personal advice, brainstorming',
  lookup: 'factual questions and definitions (names, dates, places, facts)',
  analysis: 'explain, compare or analyse in depth; expert domains (law, medicine, science, economics), design',
  reasoning: 'logic puzzles, riddles, multi-step deduction',
  coding: 'write, fix, explain or review code',
  math: 'math problems, equations, proofs, derivations',
};

export function isTask(name: string): name is Task {
  return (TASKS as readonly string[]).includes(name);
}
