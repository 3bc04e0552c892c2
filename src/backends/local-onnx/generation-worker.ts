import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { loadModelFolder } from '../../models/model-folder.js';
import { GenerationLoop } from './generation-loop.js';
import { UnenforceableFormatError, GrammarEngine } from './grammar/grammar-engine.js';
import { PrefixCache } from './prefix-cache.js';
import { TextCoalescer } from './text-coalescer.js';
import { ABORT_SLOTS, type FromWorker, type ToWorker, type WorkerInit } from './worker-protocol.js';

/**
 * Worker thread entry: owns the onnxruntime session so that prefill/decode (which block the thread for
 * up to a second per run on a 135M model) never stall the HTTP server. Requests that arrive while others
 * generate join them (the loop decodes them in one batch); the main thread queues past the batch size.
 */
const init = workerData as WorkerInit;
const port = parentPort;
if (port === null) throw new Error('generation-worker must run in a worker thread');
const send = (message: FromWorker): void => port.postMessage(message);
const abortFlags = new Int32Array(init.abortFlags);
const prefixes = new PrefixCache(init.prefixCacheBytes);

async function load(): Promise<GenerationLoop> {
  const started = performance.now();
  const session = await ort.InferenceSession.create(init.modelPath, {
    intraOpNumThreads: init.session.intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: init.session.graphOptimizationLevel,
  });
  const model = loadModelFolder(init.modelDir);
  const grammars = new GrammarEngine(init.modelDir, init.shape.vocabSize, model.eosTokenIds);
  const loop = new GenerationLoop(session, init.shape, model.tokenizer, grammars, undefined, prefixes);
  send({ type: 'ready', loadMs: performance.now() - started });
  return loop;
}

const loading = load();
loading.catch((err: unknown) => send({ type: 'load-failed', message: err instanceof Error ? err.message : String(err) }));

port.on('message', (message: ToWorker) => {
  if (message.type === 'close') {
    port.close();
    return;
  }
  if (message.type === 'cache-budget') return prefixes.resize(message.bytes);
  const { id, request } = message;
  const text = new TextCoalescer((piece, logprobs) => send(logprobs === undefined ? { type: 'text', id, text: piece } : { type: 'text', id, text: piece, logprobs }));
  loading
    .then((loop) =>
      loop.run(
        request,
        (piece, logprobs) => text.push(piece, logprobs),
        () => Atomics.load(abortFlags, id % ABORT_SLOTS) === id,
      ),
    )
    .then((outcome) => (text.flush(), send({ type: 'done', id, outcome })))
    .catch((err: unknown) => {
      text.flush();
      send({ type: 'failed', id, message: err instanceof Error ? err.message : String(err), invalidRequest: err instanceof UnenforceableFormatError });
    });
});
