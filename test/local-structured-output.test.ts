import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServiceWithTinyModel, type TestService } from './helpers/service.js';
import { WEATHER_SCHEMA, WEATHER_TOOL } from './helpers/backend-contract.js';

/**
 * Structured requests answered on the device, over HTTP with the official SDK: the bundled tiny model writes
 * gibberish, but under a grammar its JSON and its tool calls are valid, streamed and not.
 */
let t: TestService;
beforeAll(async () => {
  t = await startTestServiceWithTinyModel();
});
afterAll(async () => {
  await t.close();
});

const ask = (content: string): ChatCompletionMessageParam[] => [{ role: 'user', content }];

describe('tools on the local model', () => {
  it('streams delta.tool_calls (index, id, name, then arguments) that assemble into the non-streamed call', async () => {
    const body = { model: 'local', messages: ask('Weather in Oslo?'), tools: [WEATHER_TOOL], tool_choice: 'required' as const, max_tokens: 200, temperature: 0 };
    const whole = await t.client.chat.completions.create(body);
    expect(whole.choices[0]?.finish_reason).toBe('tool_calls');
    expect(whole.choices[0]?.message.content).toBeNull();
    const call = whole.choices[0]?.message.tool_calls?.[0] as ChatCompletionMessageToolCall & { type: 'function' };
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toMatchObject({ unit: expect.stringMatching(/^(celsius|fahrenheit)$/) });

    const stream = await t.client.chat.completions.create({ ...body, stream: true });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(deltas[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather' } });
    expect(deltas[0]?.id).toMatch(/^call_/);
    expect(deltas.map((d) => d.function?.arguments ?? '').join('')).toBe(call.function.arguments);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('runs an agent loop: the call, the tool result in the history, then the next turn', async () => {
    const messages: ChatCompletionMessageParam[] = ask('Weather in Oslo?');
    const first = await t.client.chat.completions.create({ model: 'local', messages, tools: [WEATHER_TOOL], tool_choice: 'required', max_tokens: 200, temperature: 0 });
    const message = first.choices[0]?.message as OpenAI.ChatCompletionMessage;
    const call = message.tool_calls?.[0] as ChatCompletionMessageToolCall;
    messages.push(message, { role: 'tool', tool_call_id: call.id, content: '{"temperature": 21}' });
    const second = await t.client.chat.completions.create({ model: 'local', messages, tools: [WEATHER_TOOL], max_tokens: 8, temperature: 0 });
    expect(second.choices[0]?.message.role).toBe('assistant');
    expect(['stop', 'length', 'tool_calls']).toContain(second.choices[0]?.finish_reason);
  });
});

describe('response_format on the local model', () => {
  it('a grammar that cannot finish within max_tokens ends with "length" and a warning, never as valid JSON', async () => {
    const schema = { type: 'object', properties: { story: { type: 'string', minLength: 60 } }, required: ['story'], additionalProperties: false };
    const result = await t.client.chat.completions.create({
      model: 'local',
      messages: ask('Tell me a story as JSON'),
      response_format: { type: 'json_schema', json_schema: { name: 'story', schema, strict: true } },
      max_tokens: 12,
    });
    expect(result.choices[0]?.finish_reason).toBe('length');
    expect(() => JSON.parse(result.choices[0]?.message.content ?? '')).toThrow();
    expect((result as unknown as { warnings: string[] }).warnings.join(' ')).toMatch(/before its JSON was complete/);
  });

  it('streams the same JSON it answers whole', async () => {
    const body = { model: 'local', messages: ask('Weather?'), response_format: { type: 'json_schema' as const, json_schema: { name: 'weather', schema: WEATHER_SCHEMA } }, max_tokens: 200, temperature: 0 };
    const whole = await t.client.chat.completions.create(body);
    let text = '';
    for await (const chunk of await t.client.chat.completions.create({ ...body, stream: true })) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(Object.keys(JSON.parse(text))).toEqual(['city', 'unit', 'days']);
  });

  it.each([
    ['response_format.json_schema.schema.properties.age.type', { response_format: { type: 'json_schema', json_schema: { name: 'p', schema: { type: 'object', properties: { age: { type: 'integr' } } } } } }],
    ['tools[0].function.parameters.required', { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', required: 'city' } } }] }],
    ['tool_choice.function.name', { tools: [WEATHER_TOOL], tool_choice: { type: 'function', function: { name: 'nope' } } }],
  ])('an invalid schema or tool choice is a 400 naming %s', async (param, extra) => {
    const error = await t.client.chat.completions.create({ model: 'local', messages: ask('hi'), ...(extra as object) }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe(param);
    // The service keeps answering.
    expect((await t.client.chat.completions.create({ model: 'local', messages: ask('hi'), max_tokens: 2 })).choices).toHaveLength(1);
  });

  it('a valid schema that xgrammar cannot enforce (a dangling $ref) is a 400 invalid_schema, and the model keeps working', async () => {
    const schema = { type: 'object', properties: { a: { $ref: '#/$defs/missing' } } };
    const error = await t.client.chat.completions
      .create({ model: 'local', messages: ask('hi'), response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('invalid_schema');
    const body = { model: 'local', messages: ask('Weather?'), response_format: { type: 'json_schema' as const, json_schema: { name: 'weather', schema: WEATHER_SCHEMA } }, max_tokens: 200 };
    expect(Object.keys(JSON.parse((await t.client.chat.completions.create(body)).choices[0]?.message.content ?? ''))).toEqual(['city', 'unit', 'days']);
  });

  it('parallel_tool_calls: false stops after the first call', async () => {
    const result = await t.client.chat.completions.create({
      model: 'local', messages: ask('Weather?'), tools: [WEATHER_TOOL], tool_choice: 'required', parallel_tool_calls: false, max_tokens: 200,
    });
    expect(result.choices[0]?.message.tool_calls).toHaveLength(1);
    expect(result.choices[0]?.finish_reason).toBe('tool_calls');
  });
});

describe('capabilities', () => {
  it('/v1/models and /healthz say the local model honours tools and JSON Schema', async () => {
    const models = (await t.client.models.list()).data as unknown as Array<{ id: string; capabilities?: unknown }>;
    expect(models.find((m) => m.id === 'tiny-llama')?.capabilities).toEqual({ tools: 'fallback', jsonSchema: true });
    const health = (await (await fetch(`${t.url}/healthz`)).json()) as { backends: { local: { capabilities: unknown } } };
    expect(health.backends.local.capabilities).toEqual({ tools: 'fallback', jsonSchema: true });
  });
});
