import type { GenerateResult } from '../backends/backend.js';
import { SwitchyardError } from '../backends/errors.js';
import type { RequestPipeline } from '../routing/handle-request.js';
import { ChatRequestSchema } from './chat-request.js';
import { completionBody } from './completion-body.js';
import { toChatTurn } from './request-context.js';
import { switchyardInfo } from './switchyard-info.js';

/** How long one deferred job may take upstream, in ms. */
const JOB_TIMEOUT_MS = 10 * 60_000;

/**
 * Runs a deferred request through the pipeline once the upstream is back (the pipeline sends it upstream, never
 * locally: that is why it waited) and returns the completion body the client will fetch; throws its error.
 */
export async function runDeferredJob(pipeline: RequestPipeline, body: Record<string, unknown>, tags: string[]): Promise<Record<string, unknown>> {
  const parsed = ChatRequestSchema.safeParse(body);
  if (!parsed.success) throw new SwitchyardError('invalid-request', 'The deferred request is no longer valid');
  const headers = { 'x-switchyard-tags': tags.join(',') };
  const turn = toChatTurn({ ...parsed.data, stream: false }, headers, {
    signal: AbortSignal.timeout(JOB_TIMEOUT_MS),
    defer: false,
    replay: true,
    apiKeyId: null,
    captureContent: false,
  });
  let completion: Record<string, unknown> | null = null;
  let failure: SwitchyardError | null = null;
  await pipeline.handle(turn, {
    deferred: () => {
      throw new Error('a deferred job was deferred again');
    },
    answer: (result: GenerateResult, decision, served) => {
      completion = completionBody(turn.id, Math.floor(Date.now() / 1000), result, switchyardInfo(decision, served));
    },
    part: () => {
      throw new Error('a deferred job produced a stream part');
    },
    fail: (error) => {
      failure = error;
    },
  });
  if (completion === null) throw failure ?? new SwitchyardError('internal', 'The deferred job ended without an answer');
  return completion;
}
