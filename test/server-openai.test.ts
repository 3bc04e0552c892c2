import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScorer, type Scorer } from '../src/scoring/load-scorer.js';
import { startTestService, waitFor, type TestService } from './helpers/service.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ upstream: { chunkDelayMs: 0 } });
});
afterAll(async () => {
  await t.close();
});

const messages = [{ role: 'user' as const, content: 'tell me about switchyards' }];

describe('chat completions through the official SDK', () => {
  it('answers non-stream with the decision in headers and body', async () => {
    const { data, response } = await t.client.chat.completions.create({ model: 'cloud', messages }).withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message.content).toBe('Echo: tell me about switchyards');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.completion_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-switchyard-target')).toBe('cloud');
    expect(response.headers.get('x-switchyard-model')).toBe('fake-large-1');
    expect(response.headers.get('x-switchyard-rule')).toBe('pinned:cloud');
    expect(response.headers.get('x-switchyard-fallback')).toBeNull();
    const info = (data as unknown as { switchyard: Record<string, unknown> }).switchyard;
    expect(info).toMatchObject({ target: 'cloud', model: 'fake-large-1', rule: 'pinned:cloud', fallback: null });
    expect(Array.isArray(info['reasons'])).toBe(true);
  });

  it('streams the same text, with usage and the decision on the final chunk', async () => {
    const whole = await t.client.chat.completions.create({ model: 'auto', messages });
    const { data: stream, response } = await t.client.chat.completions
      .create({ model: 'auto', messages, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(response.headers.get('x-switchyard-target')).toBe('cloud');
    let text = '';
    const chunks: Array<Record<string, unknown>> = [];
    for await (const chunk of stream) {
      chunks.push(chunk as unknown as Record<string, unknown>);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(whole.choices[0]?.message.content);
    const last = chunks.at(-1)!;
    expect(last['usage']).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    expect(last['switchyard']).toMatchObject({ target: 'cloud', rule: expect.any(String) });
    const finish = chunks.find((c) => (c['choices'] as Array<{ finish_reason: string | null }>)[0]?.finish_reason);
    expect(finish).toBeDefined();
  });

  it('passes fields it does not model through to the upstream untouched', async () => {
    await t.client.chat.completions.create({
      model: 'gpt-custom-7',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }],
      logit_bias: { '42': 1 },
      // @ts-expect-error: a vendor extension the SDK does not know
      vendor_flag: { nested: true },
    });
    const received = t.fake.requests.at(-1)!.body;
    expect(received['model']).toBe('gpt-custom-7');
    expect(received['vendor_flag']).toEqual({ nested: true });
    expect(received['logit_bias']).toEqual({ '42': 1 });
    expect((received['tools'] as unknown[]).length).toBe(1);
    expect(JSON.stringify(received['messages'])).toContain('data:image/png;base64,AAAA');
  });

  it('caps nothing the client did not ask for and honours max_tokens', async () => {
    const r = await t.client.chat.completions.create({ model: 'cloud', messages: [{ role: 'user', content: 'one two three four five' }], max_tokens: 2 });
    expect(r.choices[0]?.finish_reason).toBe('length');
    expect(t.fake.requests.at(-1)!.body['max_tokens']).toBe(2);
  });

  it('lists the routing aliases and the concrete models (no `local` without a local model)', async () => {
    const ids = [];
    for await (const model of t.client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['auto', 'cloud', 'fake-large-1']);
  });

  it('retrieves one model by id (models.retrieve), and answers an unknown one with model_not_found', async () => {
    expect(await t.client.models.retrieve('fake-large-1')).toMatchObject({ id: 'fake-large-1', object: 'model', owned_by: 'upstream' });
    expect(await t.client.models.retrieve('auto')).toMatchObject({ id: 'auto', owned_by: 'switchyard' });
    const missing = await t.client.models.retrieve('org/no-such-model').catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing).toMatchObject({ code: 'model_not_found', param: 'model' });
    expect((missing as Error).message).toContain("'org/no-such-model'");
  });

  it('reports backend state on /healthz', async () => {
    const health = (await (await fetch(`${t.url}/healthz`)).json()) as { backends: { cloud: { state: string }; local: { state: string } } };
    expect(health.backends.cloud.state).toBe('ready');
    expect(health.backends.local.state).toBe('absent');
  });
});

describe('client disconnects', () => {
  it('a closed client connection cancels the upstream request', async () => {
    const slow = await startTestService({ upstream: { chunkDelayMs: 50, reply: () => 'word '.repeat(200) } });
    try {
      const controller = new AbortController();
      const stream = await slow.client.chat.completions.create({ model: 'cloud', messages, stream: true }, { signal: controller.signal });
      let seen = 0;
      // The SDK ends iteration quietly on a user abort; what matters is what the upstream saw.
      for await (const _ of stream) if (++seen === 3) controller.abort();
      expect(seen).toBeLessThan(10);
      await waitFor(() => slow.fake.requests.at(-1)?.aborted === true);
      expect(slow.fake.requests.at(-1)!.aborted).toBe(true);
    } finally {
      await slow.close();
    }
  });

  it('a client that left while its request was being decided gets no upstream answer generated for nobody', async () => {
    const real = await loadScorer();
    let scoring = false;
    let release = (): void => undefined;
    const decided = new Promise<void>((resolve) => (release = resolve));
    // The decision waits until the test lets it go: the client is gone by then.
    const scorer: Scorer = {
      score: async (m) => {
        scoring = true;
        await decided;
        return real.score(m);
      },
      thresholdForCloudShare: (share) => real.thresholdForCloudShare(share),
      close: () => real.close(),
    };
    const slow = await startTestService({ scorer, upstream: { chunkDelayMs: 20, reply: () => 'word '.repeat(50) } });
    try {
      const controller = new AbortController();
      const request = fetch(`${slow.url}/v1/chat/completions`, {
        method: 'POST',
        signal: controller.signal,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'cloud', messages, stream: true }),
      }).catch((err: unknown) => err);
      await waitFor(() => scoring);
      controller.abort();
      await request;
      await new Promise((resolve) => setTimeout(resolve, 200)); // the router sees the connection close
      release();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sent = slow.fake.requests.filter((r) => r.path.endsWith('/chat/completions'));
      expect(sent.every((r) => r.aborted)).toBe(true);
    } finally {
      await slow.close();
      await real.close();
    }
  });
});

describe('errors in the OpenAI shape', () => {
  const post = (body: string, contentType = 'application/json'): Promise<Response> =>
    fetch(`${t.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': contentType }, body });

  async function expectError(res: Response, status: number, param?: string): Promise<{ error: Record<string, unknown> }> {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ message: expect.any(String), type: expect.any(String) });
    expect(body.error).toHaveProperty('param');
    expect(body.error).toHaveProperty('code');
    if (param !== undefined) expect(body.error['param']).toBe(param);
    return body;
  }

  it('400 for malformed JSON', async () => {
    await expectError(await post('{"model": "auto", "messages": ['), 400);
  });
  it('400 naming the bad parameter', async () => {
    await expectError(await post(JSON.stringify({ model: 'auto', messages, temperature: 'hot' })), 400, 'temperature');
    await expectError(await post(JSON.stringify({ model: 'auto' })), 400, 'messages');
    await expectError(await post(JSON.stringify({ model: 'auto', messages: [{ role: 'wizard', content: 'x' }] })), 400, 'messages[0].role');
  });
  it('400 for a body that is not JSON', async () => {
    await expectError(await post('model=auto', 'application/x-www-form-urlencoded'), 400);
  });
  it('413 for a body over the limit', async () => {
    await expectError(await post(JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'x'.repeat(5 * 1024 * 1024) }] })), 413);
  });
  it('404 for an unknown route, as JSON', async () => {
    await expectError(await fetch(`${t.url}/v1/nothing-here`), 404);
  });
  it('the SDK raises typed errors for upstream failures and the server keeps serving', async () => {
    t.fake.next({ kind: 'status', status: 429, retryAfter: 3 });
    const limited = await t.client.chat.completions.create({ model: 'cloud', messages }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('3');

    t.fake.next({ kind: 'status', status: 503 });
    const unavailable = await t.client.chat.completions.create({ model: 'cloud', messages }).catch((e: unknown) => e);
    expect(unavailable).toBeInstanceOf(OpenAI.InternalServerError);

    t.fake.next({ kind: 'status', status: 400 });
    const rejected = await t.client.chat.completions.create({ model: 'cloud', messages }).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(OpenAI.BadRequestError);

    const ok = await t.client.chat.completions.create({ model: 'cloud', messages });
    expect(ok.choices[0]?.message.content).toContain('Echo');
  });
  it('a stream cut mid-answer ends in an error the SDK raises, never a silent finish', async () => {
    t.fake.next({ kind: 'reset', afterChunks: 2 });
    const stream = await t.client.chat.completions.create({ model: 'cloud', messages, stream: true });
    let text = '';
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(text.length).toBeGreaterThan(0);
  });
});
