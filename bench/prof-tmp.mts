import ort from 'onnxruntime-node';
import { loadModelFolder } from '../src/models/model-folder.js';
import { GenerationLoop } from '../src/backends/local-onnx/generation-loop.js';
const dir = '/work/shared/models/stories260K-onnx';
const model = loadModelFolder(dir);
const session = await ort.InferenceSession.create(`${dir}/onnx/model_q4.onnx`, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
const loop = new GenerationLoop(session, { layers: model.config.num_hidden_layers, kvHeads: model.kvHeads, headDim: model.headDim, vocabSize: model.config.vocab_size }, model.tokenizer);
const promptIds = model.tokenizer.encode('Once upon a time, there was a little dog named Max. One day').ids;
let best = Infinity;
for (let r = 0; r < 0; r++) {
  const t0 = performance.now();
  const o = await loop.run({ promptIds, maxTokens: 128, sampling: { temperature: 0, topP: 1, topK: 0, seed: 1 }, stop: [], eosTokenIds: [] }, () => {}, () => false);
  const total = performance.now() - t0;
  if (r > 2) console.log(`total ${total.toFixed(1)} ms, compute ${o.computeMs.toFixed(1)} ms, tokens ${o.completionTokens}, per token total ${(total / o.completionTokens * 1000).toFixed(0)} us, outside run ${((total - o.computeMs) / o.completionTokens * 1000).toFixed(0)} us`);
}
const { env, pipeline } = await import('@huggingface/transformers');
env.allowRemoteModels = false;
env.localModelPath = '/work/shared/models';
const gen = await pipeline('text-generation', 'stories260K-onnx', { dtype: 'q4', device: 'cpu', session_options: { intraOpNumThreads: 1, interOpNumThreads: 1 } });
for (let r = 0; r < 12; r++) {
  const t0 = performance.now();
  await gen('Once upon a time, there was a little dog named Max. One day', { max_new_tokens: 128, min_new_tokens: 128, do_sample: false });
  const t1 = performance.now();
  const o = await loop.run({ promptIds, maxTokens: 128, sampling: { temperature: 0, topP: 1, topK: 0, seed: 1 }, stop: [], eosTokenIds: [] }, () => {}, () => false);
  const t2 = performance.now();
  console.log(`tjs ${((t1 - t0) / 128 * 1000).toFixed(0)} us/token   ours-inproc ${((t2 - t1) / o.completionTokens * 1000).toFixed(0)} us/token`);
}
