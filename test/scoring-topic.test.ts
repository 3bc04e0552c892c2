import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScorer, readModelCard, type Scorer } from '../src/scoring/index.js';
import { DEFAULT_SCORER_PATH } from '../src/scoring/load-scorer.js';
import { readTopicTable, TopicTable, TOPIC_WORDS } from '../src/scoring/topic-table.js';

describe('the topic table', () => {
  it("averages the scores of the prompt's first known words and ignores the rest", () => {
    const table = new TopicTable([['integral', 0.4], ['party', -0.2]]);
    expect(table.topic(['what', 'is', 'an', 'integral'])).toBeCloseTo(0.4);
    expect(table.topic(['integral', 'party', 'party'])).toBeCloseTo(0);
    expect(table.topic(['hello', 'there'])).toBe(0);
    // Only the first TOPIC_WORDS known words count, so a long document costs the same as a paragraph.
    const long = [...Array<string>(TOPIC_WORDS).fill('party'), ...Array<string>(100).fill('integral')];
    expect(table.topic(long)).toBeCloseTo(-0.2);
  });

  it('names the line of a malformed file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sy-topic-')), 'topic-words.tsv');
    writeFileSync(file, 'integral\t0.4\nparty\tlots\n');
    expect(() => readTopicTable(file)).toThrow(`${file}:2: expected "word<TAB>score"`);
  });
});

describe('the bundled scorer reads topic vocabulary', () => {
  let scorer: Scorer;
  beforeAll(async () => {
    scorer = await loadScorer();
  });
  afterAll(async () => {
    await scorer.close();
  });

  it('has a topic feature learned over a vocabulary, and says when the words pushed the score', async () => {
    const card = readModelCard(DEFAULT_SCORER_PATH.replace(/\.onnx$/, '.json'));
    expect(card.features.at(-1)).toBe('topic');
    expect(card.topic?.words).toBeGreaterThan(10_000);
    const party = await scorer.score([{ role: 'user', content: 'Explain how a birthday party works.' }]);
    expect(party.reasons.find((r) => r.feature === 'topic')).toMatchObject({ detail: 'vocabulary of subjects small models handle well' });
    expect(party.reasons.find((r) => r.feature === 'topic')?.weight).toBeLessThan(0);
  });
});
