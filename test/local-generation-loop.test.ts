import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GenerationLoop } from '../src/backends/local-onnx/generation-loop.js';
import { loadModelFolder } from '../src/models/model-folder.js';
import { fromPackageRoot } from '../src/paths.js';

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
});
