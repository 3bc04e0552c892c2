import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FinishReason, TokenLogprob, ToolCallDelta, Usage } from '../backends/backend.js';
import type { SwitchyardError } from '../backends/errors.js';
import { errorBody } from './openai-error.js';
import { openAILogprobs, openAIUsage } from './completion-body.js';
import type { SwitchyardInfo } from './switchyard-info.js';

/**
 * The one adapter from stream parts to OpenAI `chat.completion.chunk` server-sent events. The first delta
 * carries the role; the finish chunk carries finish_reason; with `include_usage` a last chunk with empty
 * choices carries usage; the `switchyard` object rides on whichever chunk is last; then `data: [DONE]`.
 */
export class SseWriter {
  private sentRole = false;
  /** The socket corked for this tick's events, uncorked on the next tick (the same socket, even if reassigned). */
  private corked: Socket | null = null;
  private readonly uncork = (): void => {
    this.corked?.uncork();
    this.corked = null;
  };

  constructor(
    private readonly res: ServerResponse,
    private readonly id: string,
    private readonly created: number,
    private model: string,
    private readonly includeUsage: boolean,
    /** Removes secrets and personal data from text sent to the client (error messages may echo them). */
    private readonly scrub: (text: string) => string = (text) => text,
  ) {}

  start(headers: Record<string, string>): void {
    this.res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
  }

  /** `logprobs`: the tokens of this text, when the client asked for them. */
  text(text: string, logprobs?: TokenLogprob[]): void {
    this.delta({ content: text }, openAILogprobs(logprobs));
  }

  /** Delta fields the router does not model (an upstream's `reasoning_content`, `refusal`, ...), as they came. */
  extra(delta: Record<string, unknown>): void {
    this.delta(delta);
  }

  toolCall(delta: ToolCallDelta): void {
    const call: Record<string, unknown> = { index: delta.index };
    if (delta.id !== undefined) call['id'] = delta.id;
    if (delta.id !== undefined) call['type'] = 'function';
    const fn: Record<string, string> = {};
    if (delta.name !== undefined) fn['name'] = delta.name;
    if (delta.argumentsDelta !== undefined) fn['arguments'] = delta.argumentsDelta;
    call['function'] = fn;
    this.delta({ tool_calls: [call] });
  }

  finish(finishReason: FinishReason, usage: Usage, switchyard: SwitchyardInfo): void {
    this.model = switchyard.model;
    const openaiUsage = this.includeUsage ? openAIUsage(usage) : undefined;
    const finishChunk = this.chunk([{ index: 0, delta: this.sentRole ? {} : this.withRole({}), logprobs: null, finish_reason: finishReason }]);
    if (openaiUsage === undefined) {
      this.send({ ...finishChunk, switchyard });
    } else {
      this.send(finishChunk);
      this.send({ ...this.chunk([]), usage: openaiUsage, switchyard });
    }
    this.res.end('data: [DONE]\n\n');
  }

  /** A failure after the stream started: an error event the SDKs raise as an APIError, never a silent end. */
  error(error: SwitchyardError, switchyard: SwitchyardInfo): void {
    this.send({ ...errorBody(error.status, this.scrub(error.message), null, error.code ?? error.kind), switchyard });
    this.res.end();
  }

  private delta(delta: Record<string, unknown>, logprobs: ReturnType<typeof openAILogprobs> = null): void {
    this.send(this.chunk([{ index: 0, delta: this.sentRole ? delta : this.withRole(delta), logprobs, finish_reason: null }]));
  }

  private withRole(delta: Record<string, unknown>): Record<string, unknown> {
    this.sentRole = true;
    return { role: 'assistant', ...delta };
  }

  private chunk(choices: unknown[]): Record<string, unknown> {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices };
  }

  /**
   * Events written in one tick go out in one write (parts that arrived together leave together), flushed before
   * anything else runs: no added latency, one syscall instead of one per event.
   */
  private send(payload: unknown): void {
    const socket = this.res.socket;
    if (this.corked === null && socket) {
      this.corked = socket;
      socket.cork();
      process.nextTick(this.uncork);
    }
    this.res.write(`data: ${JSON.stringify(payload)}\n\n`);
  }
}
