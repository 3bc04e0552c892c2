import type { Backend, BackendHealth, BackendState, CallOptions, GenerateResult, StreamPart, ToolDefinition } from '../backend.js';
import { SwitchyardError } from '../errors.js';
import { createPromptFormatter, type PromptFormatter } from '../../models/chat-format.js';
import { estimateParameters } from '../../models/model-config.js';
import { loadModelFolder, type ModelFolder } from '../../models/model-folder.js';
import { chooseWeightsFile, type WeightsChoice } from '../../models/weights-file.js';
import { collectStream } from './collect-stream.js';
import { RequestQueue } from './request-queue.js';
import { ThroughputEstimate } from './throughput-estimate.js';
import { defaultSessionSettings } from './session-defaults.js';
import { SupervisedWorker } from './supervised-worker.js';
import type { SessionSettings } from './worker-protocol.js';
import { streamGeneration } from './stream-generation.js';
import { fitsLocalContext } from '../../policy/request-facts.js';

export interface LocalBackendOptions {
  modelDir: string;
  /** Weights file dtype (q4, q4f16, uint8, quantized, fp32, ...); default: the first found in that order. */
  dtype?: string;
  /** onnxruntime intra-op threads; default by model size (see session-defaults.ts). */
  threads?: number;
  graphOptimizationLevel?: SessionSettings['graphOptimizationLevel'];
  /**
   * Admit a request while its expected wait (work ahead ÷ measured tokens/s) is within this many ms; past it,
   * 429 with Retry-After. Default 3000.
   */
  waitBudgetMs?: number;
  /** KV cache kept for prefix reuse (repeated system prompts, earlier chat turns), in MB. Default 128; 0 = off. */
  prefixCacheMb?: number;
  /** Hard ceiling on requests waiting behind the running ones, whatever the estimate. Default 64. */
  queueCapacity?: number;
  /** Requests decoded together in one batch (each step runs them all in one session.run). Default 8; 1 = one at a time. */
  maxBatch?: number;
  logger?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

/** How a request measures against the model's window, before any generation. */
export interface Measurement {
  promptTokens: number;
  contextWindow: number;
  /** prompt + max_tokens (or prompt + 1 when max_tokens is unset) fits the window. */
  fits: boolean;
}

interface Loaded {
  model: ModelFolder;
  formatter: PromptFormatter;
  weights: WeightsChoice;
  worker: SupervisedWorker;
}

/** A few seconds: long enough for a fast model to absorb a burst, short enough to shed load before users give up. */
export const DEFAULT_WAIT_BUDGET_MS = 3000;

/**
 * Requests decoded together. On the 135M-shaped q4 model one step of 8 took ~2× the time of a step of 1 at short
 * contexts (weights are read once per step); past 8, the KV copies inside the graph grow faster than that saves.
 */
export const DEFAULT_MAX_BATCH = 8;

/**
 * The local SLM: a model folder on onnxruntime-node, run in a worker thread that decodes up to `maxBatch`
 * requests together, behind a FIFO admitting by expected wait.
 */
export class LocalBackend implements Backend {
  readonly target = 'local' as const;
  private state: BackendState = 'loading';
  private detail: string | undefined;
  private loaded: Loaded | undefined;
  private model: ModelFolder | undefined;
  /** Tokenizer + template, ready before the weights so measure() works while the session loads. */
  private prompting: { model: ModelFolder; formatter: PromptFormatter } | undefined;
  private queue: RequestQueue;
  /** The prefix-cache budget last sent to the worker, in bytes. */
  private cacheBudgetSent: number | undefined;
  /** Resolves when loading ended, either way (never rejects). */
  readonly settled: Promise<void>;

  constructor(private readonly options: LocalBackendOptions) {
    // Replaced by one with a prior from the model's size once its config is read (see load()).
    this.queue = this.queueFor(0);
    // Loading starts on the next tick so the constructor (and the server start-up) returns at once.
    this.settled = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.load());
  }

  /** Tokenizes + templates the messages (main thread, no model run) and checks them against the window. */
  measure(messages: CallOptions['messages'], maxTokens?: number, tools?: readonly ToolDefinition[]): Measurement {
    const { model, formatter } = this.requireTokenizer();
    // The prompt as it will run: with tools, the template (or the fallback format) lists them first.
    const promptTokens = formatter.encode(messages, undefined, tools).length;
    return { promptTokens, contextWindow: model.contextWindow, fits: fitsLocalContext(promptTokens, maxTokens ?? null, model.contextWindow) };
  }

  health(): BackendHealth {
    return {
      state: this.state,
      models: this.model === undefined || this.state !== 'ready' ? [] : [this.model.id],
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      queueDepth: this.queue.depth,
      queueCapacity: this.queue.capacity,
      expectedWaitMs: this.queue.expectedWaitMs(),
      waitBudgetMs: this.queue.waitBudgetMs,
      throughput: this.queue.throughput,
      ...(this.loaded?.worker.prefixCache === undefined ? {} : { prefixCache: this.loaded.worker.prefixCache }),
      ...(this.model === undefined ? {} : { contextWindow: this.model.contextWindow }),
      ...(this.prompting === undefined ? {} : { capabilities: { tools: this.prompting.formatter.toolSupport, jsonSchema: true } }),
    };
  }

  /** Loaded weights: dtype and file, once known. */
  get weights(): WeightsChoice | undefined {
    return this.loaded?.weights;
  }

  async generate(options: CallOptions): Promise<GenerateResult> {
    return collectStream(this.stream(options));
  }

  /** Errors before any part (not loaded, does not fit, queue full) are thrown from the first next(). */
  async *stream(options: CallOptions): AsyncGenerator<StreamPart> {
    if (this.loaded === undefined || this.state !== 'ready') {
      throw new SwitchyardError('unavailable', this.detail ?? `local model is ${this.state}`, { retryAfterMs: 1000 });
    }
    yield* streamGeneration(this.loaded, this.queue, options);
  }

  /** The model id (folder name) once the folder has been read, whatever the state. */
  get modelId(): string | undefined {
    return this.model?.id;
  }

  async close(): Promise<void> {
    await this.settled;
    await this.loaded?.worker.close();
    this.state = 'absent';
  }

  /**
   * Memory pressure: the prefix cache gives way first. With `freeMb` known, its budget is at most half of what
   * is free beyond a 512 MB reserve (so 1 GB free keeps ≤ 256 MB; under 512 MB free it is emptied).
   */
  adaptToMemory(freeMb: number | null): void {
    const bytes = this.prefixCacheBudgetBytes(freeMb);
    if (bytes === this.cacheBudgetSent) return;
    this.cacheBudgetSent = bytes;
    this.loaded?.worker.setPrefixCacheBudget(bytes);
  }

  private prefixCacheBudgetBytes(freeMb: number | null = null): number {
    const configured = (this.options.prefixCacheMb ?? 128) * 1024 * 1024;
    if (freeMb === null) return configured;
    return Math.min(configured, Math.max(0, Math.floor(((freeMb - 512) / 2) * 1024 * 1024)));
  }

  private queueFor(parameters: number): RequestQueue {
    return new RequestQueue({
      waitBudgetMs: this.options.waitBudgetMs ?? DEFAULT_WAIT_BUDGET_MS,
      capacity: this.options.queueCapacity ?? 64,
      slots: this.options.maxBatch ?? DEFAULT_MAX_BATCH,
      estimate: new ThroughputEstimate(parameters),
    });
  }

  private requireTokenizer(): { model: ModelFolder; formatter: PromptFormatter } {
    if (this.prompting === undefined) throw new SwitchyardError('unavailable', this.detail ?? `local model is ${this.state}`);
    return this.prompting;
  }

  private async load(): Promise<void> {
    const log = this.options.logger;
    try {
      if (this.options.modelDir === '') {
        throw new Error('no model folder under models/; pass --local-model DIR or run `switchyard models pull <repo>`');
      }
      const model = loadModelFolder(this.options.modelDir);
      this.model = model;
      const formatter = createPromptFormatter(model);
      this.prompting = { model, formatter };
      const weights = chooseWeightsFile(model.dir, this.options.dtype);
      for (const warning of weights.warnings) log?.warn({ model: model.id }, warning);
      const parameters = estimateParameters(model.config);
      this.queue = this.queueFor(parameters);
      const defaults = defaultSessionSettings(parameters);
      const session: SessionSettings = {
        intraOpThreads: this.options.threads ?? defaults.intraOpThreads,
        graphOptimizationLevel: this.options.graphOptimizationLevel ?? defaults.graphOptimizationLevel,
      };
      const init = {
        modelPath: weights.path,
        modelDir: model.dir,
        shape: { layers: model.config.num_hidden_layers, kvHeads: model.kvHeads, headDim: model.headDim, vocabSize: model.config.vocab_size },
        session,
        prefixCacheBytes: this.prefixCacheBudgetBytes(),
      };
      const worker = new SupervisedWorker(init, {
        stopped: (err, restartInMs) => {
          this.state = 'failed';
          this.detail = `local model worker stopped: ${err.message}${restartInMs === null ? '' : `; starting it again in ${Math.round(restartInMs / 1000)} s`}`;
          log?.warn({ err }, this.detail);
        },
        restarted: () => {
          this.state = 'ready';
          this.detail = undefined;
          log?.info({ model: model.id }, 'local model worker started again');
        },
      });
      const loadMs = await worker.ready;
      this.loaded = { model, formatter, weights, worker };
      this.state = 'ready';
      log?.info({ model: model.id, dtype: weights.dtype, file: weights.path, loadMs: Math.round(loadMs), ...session }, 'local model ready');
    } catch (err) {
      this.state = 'failed';
      this.detail = `loading ${this.options.modelDir} failed: ${err instanceof Error ? err.message : String(err)}`;
      log?.warn({ err }, this.detail);
    }
  }
}
