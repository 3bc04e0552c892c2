import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportLogisticOnnx } from '../scripts/scorer/onnx-export.js';
import { logit, sigmoid } from '../scripts/scorer/logistic.js';
import { CHAT_SETS, checkChatOrder, loadChatSet } from '../scripts/scorer/chat-categories.js';
import { loadScorer, readModelCard, type Scorer } from '../src/scoring/index.js';
import { DEFAULT_SCORER_PATH } from '../src/scoring/load-scorer.js';

const user = (content: string) => [{ role: 'user' as const, content }];
const card = readModelCard(DEFAULT_SCORER_PATH.replace(/\.onnx$/, '.json'));
let scorer: Scorer;

beforeAll(async () => {
  scorer = await loadScorer();
});
afterAll(async () => {
  await scorer.close();
});

describe('bundled complexity scorer', () => {
  it('gives the same result for the same messages', async () => {
    const messages = user('Explain why the sky is blue, then derive Rayleigh scattering’s 1/λ⁴ law.');
    expect(await scorer.score(messages)).toEqual(await scorer.score(messages));
  });

  it('scores a multi-step proof request above "hi"', async () => {
    const hi = await scorer.score(user('hi'));
    const proof = await scorer.score(user('Prove by induction that the sum of the first n odd numbers is n^2. Show every step and justify each one.'));
    expect(proof.score).toBeGreaterThan(hi.score);
    expect(hi.score).toBeGreaterThanOrEqual(0);
    expect(proof.score).toBeLessThanOrEqual(1);
    expect(['medium', 'high']).toContain(proof.tier);
    expect(hi.tier).toBe('low');
  });

  it('ranks hand-written hard chat prompts above easy ones, also when scored concurrently', async () => {
    const lines = readFileSync(new URL('fixtures/scoring/sanity-prompts.jsonl', import.meta.url), 'utf8').trim().split('\n');
    const scored = await Promise.all(lines.map(async (line) => {
      const { level, prompt } = JSON.parse(line) as { level: string; prompt: string };
      return { level, score: (await scorer.score(user(prompt))).score };
    }));
    const hardest = (level: string) => scored.filter((s) => s.level === level).map((s) => s.score);
    expect(Math.min(...hardest('hard'))).toBeGreaterThan(Math.max(...hardest('easy')));
  });

  it('scores math, reasoning and coding chats above writing, roleplay and humanities in a held-out set', async () => {
    // 80 prompts (a third of them two-turn) written apart from the set the priors were chosen on.
    const prompts = loadChatSet(CHAT_SETS.holdout);
    const scores = await Promise.all(prompts.map(async (p) => (await scorer.score(p.messages)).score));
    const check = checkChatOrder(prompts, scores);
    expect(check.hardAboveEasy).toBeGreaterThanOrEqual(0.8);
    expect(check.meanPercentile.coding).toBeGreaterThan(check.meanPercentile.writing);
    expect(check.meanPercentile.math).toBeGreaterThan(check.meanPercentile.humanities);
  });

  it('ranks exam questions by how much there is to read: a long multiple-choice question above a short one', async () => {
    const short = await scorer.score(user('Which organ makes insulin?\nA. Liver\nB. Pancreas\nC. Kidney\nD. Spleen\nAnswer:'));
    const long = await scorer.score(
      user(
        'A 45-year-old man presents with fatigue, polyuria and weight loss over three months. His fasting glucose is 180 mg/dL on two occasions, HbA1c is 8.1%, and C-peptide is low-normal; GAD antibodies are positive. His BMI is 23 and he has no family history of diabetes. Which of the following is the most appropriate next step in management?\nA. Start metformin and lifestyle changes, and recheck HbA1c in three months\nB. Start basal insulin, since the antibodies suggest latent autoimmune diabetes of adults\nC. Start a sulfonylurea to stimulate the remaining beta-cell function\nD. Order an oral glucose tolerance test before any treatment\nAnswer:',
      ),
    );
    expect(long.score).toBeGreaterThan(short.score + 0.3);
    expect(short.tier).toBe('low');
    expect(short.reasons[0]).toMatchObject({ feature: 'exam_length', detail: 'a short multiple-choice question' });
    // A request that is not multiple-choice is scored as if the exam term did not exist.
    const plain = await scorer.score(user('Which organ makes insulin?'));
    expect(plain.reasons.map((r) => r.feature)).not.toContain('exam_length');
  });

  it('explains a score with the features that pushed it, strongest first', async () => {
    const result = await scorer.score(user('Write a short poem about autumn leaves.'));
    expect(result.reasons.length).toBeGreaterThan(0);
    expect(result.reasons[0]?.feature).toBe('task_creative');
    const sizes = result.reasons.map((r) => Math.abs(r.weight));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
  });

  it('agrees with the training-time predictions stored with the model', async () => {
    expect(card.probes.length).toBeGreaterThan(5);
    for (const probe of card.probes) {
      expect((await scorer.score(user(probe.prompt))).score).toBeCloseTo(probe.score, 5);
    }
  });

  it('turns a cloud share into a threshold from the reference distribution', () => {
    const t30 = scorer.thresholdForCloudShare(0.3);
    expect(scorer.thresholdForCloudShare(0.1)).toBeGreaterThan(t30);
    expect(t30).toBeGreaterThan(scorer.thresholdForCloudShare(0.6));
    expect(scorer.thresholdForCloudShare(1)).toBe(card.referenceQuantiles[0]);
    expect(() => scorer.thresholdForCloudShare(1.5)).toThrow(RangeError);
  });
});

describe('ONNX export', () => {
  it('computes the same probability as the fitted logistic model', async () => {
    const model = { mean: [1, 2, 0], scale: [2, 4, 1], weights: [0.5, -1, 0.25], bias: 0.1 };
    const session = await ort.InferenceSession.create(exportLogisticOnnx(model, ['a', 'b', 'c']));
    const rows = [[3, 6, 1], [0, 0, 0], [-2, 10, 4]];
    const out = await session.run({ features: new ort.Tensor('float32', Float32Array.from(rows.flat()), [3, 3]) });
    rows.forEach((row, i) => expect(out.score?.data[i]).toBeCloseTo(sigmoid(logit(model, row)), 6));
    await session.release();
  });
});
