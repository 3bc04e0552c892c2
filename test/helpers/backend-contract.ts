import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import type { Backend, CallOptions, StreamPart, ToolCall } from '../../src/backends/backend.js';
import { SwitchyardError } from '../../src/backends/errors.js';
import { ChatRequestSchema, toCallOptions } from '../../src/server/chat-request.js';
import type { FakeUpstreamOptions } from './fake-upstream.js';

/** The contract's JSON Schema: finite (enums, bounded string and integer) so even a gibberish model finishes. */
export const WEATHER_SCHEMA = {
  type: 'object',
  properties: {
    city: { type: 'string', maxLength: 10 },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    days: { type: 'integer', minimum: 1, maximum: 7 },
  },
  required: ['city', 'unit', 'days'],
  additionalProperties: false,
};
export const WEATHER_TOOL = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather forecast for a city', parameters: WEATHER_SCHEMA } };
const TIME_TOOL = { type: 'function' as const, function: { name: 'get_time', description: 'Local time in a city', parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 10 } }, required: ['city'], additionalProperties: false } } };

/** What a compliant upstream answers to the contract's structured requests (the fake upstream is told so). */
export const structuredUpstreamReplies: Pick<FakeUpstreamOptions, 'reply' | 'toolCalls'> = {
  reply: (body) => (body['response_format'] === undefined ? 'Hello! How can I help you with your switchyard today?' : '{"city": "Oslo", "unit": "celsius", "days": 3}'),
  toolCalls: (body) => {
    const choice = body['tool_choice'];
    if (body['tools'] === undefined || choice === 'none' || choice === 'auto' || choice === undefined) return undefined;
    return [{ name: 'get_weather', arguments: '{"city": "Oslo", "unit": "celsius", "days": 3}' }];
  },
};

const validateWeather = new Ajv2020().compile(WEATHER_SCHEMA);

export interface ContractSubject {
  backend: Backend;
  model: string;
  cleanup(): Promise<void>;
}

/**
 * The behaviour every Backend owes the router, run unchanged against the local and the upstream backend:
 * results carry content, finish reason and usage; streams are deltas then exactly one finish; streamed text
 * equals generated text at temperature 0; max_tokens caps with finish 'length'; abort stops the stream.
 */
export function describeBackendContract(name: string, make: () => Promise<ContractSubject>): void {
  describe(`Backend contract: ${name}`, () => {
    let subject: ContractSubject;
    beforeAll(async () => {
      subject = await make();
    });
    afterAll(async () => {
      await subject?.cleanup();
    });

    const call = (overrides: Partial<CallOptions> = {}): CallOptions => ({
      messages: [{ role: 'user', content: 'Say hello' }],
      model: subject.model,
      maxTokens: 12,
      temperature: 0,
      extra: {},
      signal: new AbortController().signal,
      ...overrides,
    });

    const collect = async (parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> => {
      const out: StreamPart[] = [];
      for await (const part of parts) out.push(part);
      return out;
    };

    it('generate returns content, a finish reason and usage', async () => {
      const result = await subject.backend.generate(call());
      expect(result.content.length).toBeGreaterThan(0);
      expect(['stop', 'length']).toContain(result.finishReason);
      expect(result.usage.promptTokens).toBeGreaterThan(0);
      expect(result.usage.completionTokens).toBeGreaterThan(0);
      expect(result.usage.completionTokens).toBeLessThanOrEqual(12);
      expect(typeof result.model).toBe('string');
      expect(Array.isArray(result.warnings)).toBe(true);
    });

    it('stream yields text deltas then exactly one finish, with the same text as generate at temperature 0', async () => {
      const generated = await subject.backend.generate(call());
      const parts = await collect(subject.backend.stream(call()));
      const last = parts.at(-1);
      expect(last?.type).toBe('finish');
      expect(parts.filter((p) => p.type === 'finish')).toHaveLength(1);
      expect(parts.filter((p) => p.type === 'error')).toHaveLength(0);
      expect(parts.slice(0, -1).every((p) => p.type === 'text-delta')).toBe(true);
      const text = parts.map((p) => (p.type === 'text-delta' ? p.text : '')).join('');
      expect(text).toBe(generated.content);
      if (last?.type === 'finish') expect(last.usage).toEqual(generated.usage);
    });

    it.each([1, 2, 3])('max_tokens %i ends with finish "length"', async (maxTokens) => {
      const result = await subject.backend.generate(call({ maxTokens }));
      expect(result.finishReason).toBe('length');
      expect(result.usage.completionTokens ?? maxTokens).toBeLessThanOrEqual(maxTokens);
    });

    it('an aborted signal stops the stream with an "aborted" error', async () => {
      const controller = new AbortController();
      const parts: StreamPart[] = [];
      let thrown: unknown;
      try {
        for await (const part of subject.backend.stream(call({ maxTokens: 200, signal: controller.signal }))) {
          parts.push(part);
          if (part.type === 'text-delta') controller.abort();
        }
      } catch (err) {
        thrown = err;
      }
      const error = thrown ?? parts.find((p) => p.type === 'error')?.error;
      expect(error).toBeInstanceOf(SwitchyardError);
      expect((error as SwitchyardError).kind).toBe('aborted');
      expect(parts.some((p) => p.type === 'finish')).toBe(false);
      expect(parts.filter((p) => p.type === 'text-delta').length).toBeLessThan(200);
    });

    describe('structured output: the upstream passes it through, the local model enforces it', () => {
      /** Options exactly as the server builds them from an OpenAI request body. */
      const request = (body: Record<string, unknown>, maxTokens = 200): CallOptions => ({
        ...toCallOptions(ChatRequestSchema.parse({ model: subject.model, messages: [{ role: 'user', content: 'Weather in Oslo, as JSON?' }], ...body }), subject.model, new AbortController().signal),
        maxTokens,
        temperature: 0,
      });
      const jsonSchema = { response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: WEATHER_SCHEMA, strict: true } } };
      const requiredCall = { tools: [WEATHER_TOOL, TIME_TOOL], tool_choice: { type: 'function', function: { name: 'get_weather' } } };

      it('response_format json_schema: the content is JSON valid against the schema, finish "stop"', async () => {
        const result = await subject.backend.generate(request(jsonSchema));
        expect(result.finishReason).toBe('stop');
        expect(validateWeather(JSON.parse(result.content))).toBe(true);
        expect(result.warnings).toEqual([]);
      });

      it('response_format json_object: the content is a JSON object', async () => {
        const result = await subject.backend.generate(request({ response_format: { type: 'json_object' } }, 400));
        // A gibberish model may never close the object; then it must say 'length', never pass it off as JSON.
        if (result.finishReason === 'stop') expect(typeof JSON.parse(result.content)).toBe('object');
        else expect(result.finishReason).toBe('length');
      });

      it('json_schema streamed equals json_schema generated', async () => {
        const generated = await subject.backend.generate(request(jsonSchema));
        const parts = await collect(subject.backend.stream(request(jsonSchema)));
        expect(parts.map((p) => (p.type === 'text-delta' ? p.text : '')).join('')).toBe(generated.content);
        expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
      });

      it('max_tokens that cuts the JSON short ends with finish "length"', async () => {
        const result = await subject.backend.generate(request(jsonSchema, 3));
        expect(result.finishReason).toBe('length');
        expect(() => validateWeather(JSON.parse(result.content))).toThrow();
      });

      it('a named tool_choice yields that call, arguments valid against its parameters, finish "tool_calls"', async () => {
        const result = await subject.backend.generate(request(requiredCall));
        expect(result.finishReason).toBe('tool_calls');
        expect(result.toolCalls).toHaveLength(1);
        const call = result.toolCalls[0] as ToolCall;
        expect(call.id).toMatch(/^call_/);
        expect(call.function.name).toBe('get_weather');
        expect(validateWeather(JSON.parse(call.function.arguments))).toBe(true);
      });

      it('streamed tool-call deltas (index, id, name, then argument fragments) assemble into the generated call', async () => {
        const generated = await subject.backend.generate(request(requiredCall));
        const parts = await collect(subject.backend.stream(request(requiredCall)));
        const deltas = parts.flatMap((p) => (p.type === 'tool-call-delta' ? [p.delta] : []));
        expect(deltas[0]).toMatchObject({ index: 0, name: 'get_weather' });
        expect(deltas[0]?.id).toMatch(/^call_/);
        expect(deltas.slice(1).every((d) => d.index === 0 && d.id === undefined && d.argumentsDelta !== undefined)).toBe(true);
        expect(deltas.map((d) => d.argumentsDelta ?? '').join('')).toBe(generated.toolCalls[0]?.function.arguments);
        expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool_calls' });
      });

      it('tool_choice "none" answers in text, without calls', async () => {
        const result = await subject.backend.generate(request({ tools: [WEATHER_TOOL], tool_choice: 'none' }, 12));
        expect(result.toolCalls).toEqual([]);
        expect(result.content.length).toBeGreaterThan(0);
      });
    });

    it('health() reports a state and the models it serves', () => {
      const health = subject.backend.health();
      expect(['absent', 'loading', 'ready', 'failed']).toContain(health.state);
      expect(health.state).toBe('ready');
      expect(health.models).toContain(subject.model);
    });
  });
}
