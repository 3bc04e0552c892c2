import { rmSync } from 'node:fs';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GenerationLoop } from '../src/backends/local-onnx/generation-loop.js';
import { PrefixCache } from '../src/backends/local-onnx/prefix-cache.js';
import { loadModelFolder } from '../src/models/model-folder.js';
import { fromPackageRoot } from '../src/paths.js';
import { writeGqaTinyModel } from './helpers/gqa-tiny-model.js';

const model = loadModelFolder(fromPackageRoot('models', 'tiny-llama'));
const shape = { layers: model.config.num_hidden_layers, kvHeads: model.kvHeads, headDim: model.headDim, vocabSize: model.config.vocab_size };

describe('generation loop', () => {
  it('chunked prefill gives the same tokens as one prefill run', async () => {
    const session = await ort.InferenceSession.create(fromPackageRoot('models', 'tiny-llama', 'onnx', 'model.onnx'));
    const promptIds = model.tokenizer.encode('The quick brown fox jumps over the lazy dog. '.repeat(8)).ids;
    expect(promptIds.length).toBeGreaterThan(100);
    const request = { promptIds, maxTokens: 16, sampling: { temperature: 0, topP: 1, topK: 0, seed: 1 }, stop: [], eosTokenIds: model.eosTokenIds };
    const texts: string[] = [];
    for (const chunk of [1000, 64, 7]) {
      let text = '';
      const outcome = await new GenerationLoop(session, shape, model.tokenizer, undefined, chunk).run(request, (t) => (text += t), () => false);
      expect(outcome).toMatchObject({ promptTokens: promptIds.length, completionTokens: 16, finishReason: 'length' });
      texts.push(text);
    }
    expect(texts[1]).toBe(texts[0]);
    expect(texts[2]).toBe(texts[0]);
    await session.release();
  });

  it('stops between tokens when asked to abort', async () => {
    const session = await ort.InferenceSession.create(fromPackageRoot('models', 'tiny-llama', 'onnx', 'model.onnx'));
    let steps = 0;
    const outcome = await new GenerationLoop(session, shape, model.tokenizer).run(
      { promptIds: [1, 30, 40], maxTokens: 100, sampling: { temperature: 0, topP: 1, topK: 0, seed: 1 }, stop: [], eosTokenIds: [] },
      () => steps++,
      () => steps >= 3,
    );
    expect(outcome.finishReason).toBe('aborted');
    expect(outcome.completionTokens).toBeLessThanOrEqual(4);
    await session.release();
  });

  it('a GroupQueryAttention export of the same weights answers the same, in one prefill, in chunks and from a cached prefix', async () => {
    const concat = await ort.InferenceSession.create(fromPackageRoot('models', 'tiny-llama', 'onnx', 'model.onnx'));
    const gqaDir = writeGqaTinyModel();
    const gqa = await ort.InferenceSession.create(`${gqaDir}/onnx/model.onnx`);
    expect(gqa.inputNames).toEqual(expect.arrayContaining(['seqlens_k', 'total_sequence_length']));
    const turn1 = model.tokenizer.encode('The quick brown fox jumps over the lazy dog. '.repeat(6)).ids;
    const turn2 = [...turn1, ...model.tokenizer.encode(' And then the fox ran home.').ids];
    const request = (promptIds: number[]) => ({ promptIds, maxTokens: 16, sampling: { temperature: 0, topP: 1, topK: 0, seed: 1 }, stop: [], eosTokenIds: model.eosTokenIds });
    const answer = async (loop: GenerationLoop, promptIds: number[]) => {
      let text = '';
      const outcome = await loop.run(request(promptIds), (t) => (text += t), () => false);
      return { text, cachedTokens: outcome.cachedTokens };
    };
    const expected = await answer(new GenerationLoop(concat, shape, model.tokenizer), turn2);
    for (const chunk of [1000, 64, 7]) {
      expect(await answer(new GenerationLoop(gqa, shape, model.tokenizer, undefined, chunk), turn2)).toEqual(expected);
    }
    const cached = new GenerationLoop(gqa, shape, model.tokenizer, undefined, undefined, new PrefixCache(16 * 1024 * 1024));
    await answer(cached, turn1);
    const second = await answer(cached, turn2);
    expect(second.text).toBe(expected.text);
    expect(second.cachedTokens).toBeGreaterThan(turn1.length - 2);
    // Asked again, the same prompt comes from the cache whole (but one token), and the answer is unchanged.
    expect(await answer(cached, turn2)).toEqual({ text: expected.text, cachedTokens: turn2.length - 1 });
    await Promise.all([concat.release(), gqa.release()]);
    rmSync(gqaDir, { recursive: true, force: true });
  });
});
