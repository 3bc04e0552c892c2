import { describe, expect, it } from 'vitest';
import { extractFeatures, featureIndex, FEATURE_COUNT, stripMultipleChoice } from '../src/scoring/index.js';
import { isMultipleChoice } from '../src/scoring/prompt-text.js';

const user = (content: string) => [{ role: 'user' as const, content }];
const feature = (content: string, name: string) => extractFeatures(user(content))[featureIndex(name)];

describe('scorer features', () => {
  it('are deterministic and sized to the feature table', () => {
    const text = 'Suppose f(x) = x^2 + 3x. Prove that f is convex, step by step.';
    const a = extractFeatures(user(text));
    const b = extractFeatures(user(text));
    expect(a).toHaveLength(FEATURE_COUNT);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('ignores an exam options block, so benchmark formatting is not learned', () => {
    const stem = 'Which gas makes up most of the atmosphere?';
    const exam = `${stem}\nA. Oxygen\nB. Nitrogen\nC. Argon\nD. Carbon dioxide\nAnswer:`;
    expect(stripMultipleChoice(exam)).toBe(stem);
    expect(Array.from(extractFeatures(user(exam)))).toEqual(Array.from(extractFeatures(user(stem))));
  });

  it('knows a multiple-choice question in the common exam layouts, and an outline or a Q/A transcript is not one', () => {
    expect(isMultipleChoice('Find the degree of Q(sqrt(2)) over Q.\nA. 0\nB. 4\nC. 2\nD. 6\nAnswer:')).toBe(true);
    expect(isMultipleChoice('The drink was rich in caffeine because the _ was not enough.\nA) caffeine\nB) sugar\nPrint only a single choice from "A" or "B". Answer:')).toBe(true);
    expect(isMultipleChoice('Which planet is largest?\n(A) Mars\n(B) Jupiter\n(C) Venus')).toBe(true);
    expect(isMultipleChoice('A train covers 120 km in 2 hours. What is its speed? Answer Choices: (A) 40 km/h (B) 60 km/h (C) 80 km/h (D) 240 km/h')).toBe(true);
    expect(isMultipleChoice('Plan:\nA. Intro\nB. Body\nC. End')).toBe(false);
    expect(isMultipleChoice('Outline:\n(A) Intro\n(B) Body\n(C) End')).toBe(false);
    expect(isMultipleChoice('Which is better for me?\nA. Rent\nB. Buy')).toBe(false);
    expect(isMultipleChoice('Q: What is 2+2?\nA: 4\nQ: and 3+3?')).toBe(false);
  });

  it('sees proofs, math, code and creative requests', () => {
    expect(feature('Prove it step by step', 'proof_cues')).toBeGreaterThan(0);
    expect(feature('Solve x^2 = 4 for x', 'math_symbols')).toBeGreaterThan(0);
    expect(feature('How many apples are left?', 'compute_cues')).toBeGreaterThan(0);
    expect(feature('```js\nconst a = [1, 2];\n```', 'code_syntax')).toBeGreaterThan(0);
    expect(feature('Write a poem about the sea', 'creative_cues')).toBeGreaterThan(0);
    expect(feature('A riddle: a knight always tells the truth and a knave always lies…', 'puzzle_cues')).toBeGreaterThan(0);
    expect(feature('hi', 'proof_cues')).toBe(0);
  });

  it('counts typeset formulas and powers, but not money', () => {
    expect(feature('Let $x^2 + y^2 = 1$ and $\\frac{x}{y} = 2$.', 'formulas')).toBeCloseTo(Math.log1p(3), 5);
    expect(feature('Let $x^2 + y^2 = 1$ and $\\frac{x}{y} = 2$.', 'powers')).toBeCloseTo(Math.log1p(2), 5);
    expect(feature('The ticket costs $20 and the bag $5.', 'formulas')).toBe(0);
  });

  it('reads "write a function" as programming, not creative writing, and everyday words as nothing', () => {
    expect(feature('Write a function that reverses a linked list.', 'code_terms')).toBeGreaterThan(0);
    expect(feature('Write a function that reverses a linked list.', 'creative_cues')).toBe(0);
    expect(feature('Write a poem about the sea', 'code_terms')).toBe(0);
    // Words that are code only sometimes ("tree", "class", "table") do not count as code.
    expect(feature('Each class planted 3 trees and set up a table for 12 people.', 'code_terms')).toBe(0);
  });

  it('counts little-known names and rare words, not common ones, each once', () => {
    // "France" and "Smith" are whole-word tokens of the tokenizer's vocabulary; "Kindsfather" and "Tocantins" are not.
    expect(feature('What is the capital of France?', 'rare_names')).toBe(0);
    expect(feature('Which teams did John Smith play for?', 'rare_names')).toBe(0);
    expect(feature('Which teams did Vern Kindsfather play for?', 'rare_names')).toBeCloseTo(Math.log1p(1), 5);
    expect(feature("Kindsfather's teams, and Kindsfather's coaches in Tocantins?", 'rare_names')).toBeCloseTo(Math.log1p(2), 5);
    expect(feature('Who first described tsumebite?', 'rare_words')).toBeCloseTo(Math.log1p(1), 5);
    // Plurals and adverbs of listed words are common; letters with diacritics belong to the word.
    expect(feature('The rivers flowed quickly past the houses.', 'rare_words')).toBe(0);
    expect(feature('When was the Treaty of Küçük Kaynarca signed?', 'rare_names')).toBeCloseTo(Math.log1p(2), 5);
  });

  it('counts conversation depth from earlier user turns and ignores system and assistant text', () => {
    const x = extractFeatures([
      { role: 'system', content: 'You are a helpful assistant. '.repeat(50) },
      { role: 'user', content: 'Write a sort function.' },
      { role: 'assistant', content: 'Here it is. '.repeat(100) },
      { role: 'user', content: 'Now make it stable.' },
    ]);
    expect(x[featureIndex('conversation_depth')]).toBe(1);
    expect(x[featureIndex('length')]).toBeCloseTo(Math.log1p('Write a sort function.\nNow make it stable.'.length), 5);
  });

  it('handles a 2,000-character prompt of pathological text', () => {
    for (const text of ['a'.repeat(2000), '('.repeat(2000), '1.'.repeat(1000), ' \n'.repeat(1000)]) {
      expect(extractFeatures(user(text)).every(Number.isFinite)).toBe(true);
    }
  });
});
