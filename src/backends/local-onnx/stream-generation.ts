import type { CallOptions, StreamPart, TokenLogprob } from '../backend.js';
import { requestCapabilities, type CapabilityFacts } from '../../capabilities.js';
import { SwitchyardError, classifyError } from '../errors.js';
import type { PromptFormatter } from '../../models/chat-format.js';
import type { ModelFolder } from '../../models/model-folder.js';
import type { GenerationOutcome, GenerationRequest } from './generation-request.js';
import type { RequestQueue } from './request-queue.js';
import type { WorkerClient } from './worker-client.js';
import { activeTools } from '../active-tools.js';
import { grammarFor } from './grammar/grammar-spec.js';
import { ToolCallParser } from './tool-call-parser.js';
import { defaultMaxNewTokens } from '../../models/default-max-tokens.js';

interface Runner {
  model: ModelFolder;
  formatter: PromptFormatter;
  worker: Pick<WorkerClient, 'generate'>;
}

/**
 * One request as a stream of parts. The prompt is measured before queueing: a prompt that does not fit
 * the window is refused with `context-length`, never truncated. Text deltas arrive from the worker as they
 * are decoded; leaving the loop early (client gone) aborts the generation between two tokens.
 */
export async function* streamGeneration(runner: Runner, queue: RequestQueue, options: CallOptions): AsyncGenerator<StreamPart> {
  const { model } = runner;
  const tools = activeTools(options);
  const promptIds = runner.formatter.encode(options.messages, options.assistantPrefix, tools);
  // A continued answer's usage covers the whole answer the client got, the prefix included.
  const prefixTokens =
    (options.assistantPrefix ?? '') === '' ? 0 : Math.max(0, promptIds.length - runner.formatter.encode(options.messages, undefined, tools).length);
  const room = model.contextWindow - promptIds.length;
  if (options.maxTokens !== undefined ? options.maxTokens > room : room < 1) {
    throw new SwitchyardError(
      'context-length',
      `This model's maximum context length is ${model.contextWindow} tokens; the messages use ${promptIds.length} tokens` +
        (options.maxTokens === undefined ? '.' : ` and max_tokens asks for ${options.maxTokens}.`),
      { code: 'context_length_exceeded', param: 'messages' },
    );
  }
  const warnings: string[] = unsupported(options).map((capability) => UNSUPPORTED[capability]);
  const grammar = grammarFor(options);
  // Tool calls are parsed out of the text, and entries could no longer be matched to content: none are sent.
  const logprobs = tools.length === 0 ? options.logprobs : undefined;
  if (options.logprobs !== undefined && logprobs === undefined) warnings.push('logprobs are not reported for answers with tools on the local model');
  const request: GenerationRequest = {
    promptIds,
    maxTokens: options.maxTokens ?? Math.min(room, options.maxTokensCap ?? Number.POSITIVE_INFINITY, defaultMaxNewTokens(model.generation, promptIds.length)),
    sampling: {
      temperature: options.temperature ?? (model.generation.do_sample === true ? (model.generation.temperature ?? 1) : 0),
      topP: options.topP ?? model.generation.top_p ?? 1,
      topK: typeof options.extra['top_k'] === 'number' ? options.extra['top_k'] : (model.generation.top_k ?? 0),
      seed: options.seed,
      ...(options.presencePenalty === undefined ? {} : { presencePenalty: options.presencePenalty }),
      ...(options.frequencyPenalty === undefined ? {} : { frequencyPenalty: options.frequencyPenalty }),
    },
    stop: options.stop ?? [],
    eosTokenIds: model.eosTokenIds,
    measureConfidence: options.wantConfidence === true,
    ...(logprobs === undefined ? {} : { logprobs: logprobs.top }),
    continuation: (options.assistantPrefix ?? '') !== '',
    ...(grammar === undefined ? {} : { grammar, grammarPrefix: options.assistantPrefix ?? '' }),
  };
  // With tools, the text the model writes is parsed into content and calls; without, it is all content.
  const parser = tools.length === 0 ? undefined : new ToolCallParser(tools.map((t) => t.name));

  // Parts flow from worker callbacks into this generator through a small channel.
  const buffered: StreamPart[] = [];
  let wake: (() => void) | undefined;
  const push = (part: StreamPart): void => {
    buffered.push(part);
    wake?.();
  };
  const local = new AbortController();
  const onAbort = (): void => local.abort();
  options.signal.addEventListener('abort', onAbort, { once: true });
  if (options.signal.aborted) local.abort();

  let finished = false;
  const onText = (text: string, logprobs?: TokenLogprob[]): void => {
    if (parser === undefined) push(logprobs === undefined ? { type: 'text-delta', text } : { type: 'text-delta', text, logprobs });
    else for (const part of parser.push(text)) push(part);
  };
  queue
    .run(() => runner.worker.generate(request, onText, local.signal), { promptTokens: promptIds.length, maxTokens: request.maxTokens }, local.signal)
    .then((outcome) => {
      for (const part of parser?.flush() ?? []) push(part);
      push(finishPart(outcome, model.id, warnings, prefixTokens, (parser?.calls ?? 0) > 0));
    })
    .catch((err: unknown) => push({ type: 'error', error: classifyError(err) }))
    .finally(() => {
      finished = true;
      wake?.();
    });
  try {
    for (;;) {
      const part = buffered.shift();
      if (part !== undefined) {
        yield part;
        if (part.type === 'finish' || part.type === 'error') return;
        continue;
      }
      if (finished) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    // The consumer stopped early: stop the model too.
    if (!finished) local.abort();
  }
}

function finishPart(outcome: GenerationOutcome, model: string, warnings: string[], prefixTokens: number, calledTools: boolean): StreamPart {
  if (outcome.finishReason === 'aborted') {
    return { type: 'error', error: new SwitchyardError('aborted', 'The request was aborted during generation') };
  }
  if (outcome.grammarComplete === false) {
    const cause = outcome.finishReason === 'length' ? 'max_tokens' : 'a stop sequence';
    warnings.push(`${cause} ended the answer before its JSON was complete: it does not parse`);
  }
  return {
    type: 'finish',
    finishReason: outcome.finishReason === 'stop' && calledTools ? 'tool_calls' : outcome.finishReason,
    usage: {
      promptTokens: outcome.promptTokens - prefixTokens,
      completionTokens: outcome.completionTokens + prefixTokens,
      cachedPromptTokens: Math.min(outcome.cachedTokens, outcome.promptTokens - prefixTokens),
    },
    model,
    warnings,
    computeMs: Math.round(outcome.computeMs),
    ...(outcome.confidence === undefined ? {} : { confidence: outcome.confidence }),
  };
}

/**
 * What the local model does not do, said in the answer's `warnings` rather than dropped silently. Tools and
 * JSON are honoured (constrained decoding), and so are the repetition penalties; media is not, nor is
 * `logit_bias`, whose token ids belong to the client's tokenizer (an OpenAI model's), not to this model's.
 */
const UNSUPPORTED = {
  images: 'the local model reads text only; image parts were not shown to it',
  audio: 'the local model handles text only; audio input or output was not honoured',
  logitBias: "logit_bias names tokens of the client's tokenizer, not the local model's: it was not applied",
} as const;

function unsupported(options: CallOptions): Array<keyof typeof UNSUPPORTED> {
  const { extra } = options;
  const uses = requestCapabilities({
    tools: extra['tools'],
    functions: extra['functions'],
    response_format: extra['response_format'] as CapabilityFacts['response_format'],
    modalities: extra['modalities'],
    messages: options.messages.map((m) => m.original ?? m),
  });
  const ignored: Array<keyof typeof UNSUPPORTED> = uses.filter((c): c is 'images' | 'audio' => c in UNSUPPORTED);
  const bias = extra['logit_bias'];
  if (typeof bias === 'object' && bias !== null && Object.keys(bias).length > 0) ignored.push('logitBias');
  return ignored;
}
