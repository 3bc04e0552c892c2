import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ChatOpenAI } from '@langchain/openai';
import { generateObject, generateText, stepCountIs, tool } from 'ai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServiceWithTinyModel, type TestService } from './helpers/service.js';

/**
 * Clients nobody here wrote, asking for structured output with the upstream unplugged (its port refuses
 * connections): the official SDK's `parse` with a zod schema, the Vercel AI SDK's generateObject and tool
 * calling, LangChain's withStructuredOutput. The bundled tiny model answers them all with valid shapes.
 */
let t: TestService;
beforeAll(async () => {
  t = await startTestServiceWithTinyModel();
  await t.fake.refuse();
});
afterAll(async () => {
  await t.close();
});

// Bounded fields, so that even a gibberish model reaches the end of the object within max_tokens.
const Weather = z.object({ city: z.string().max(10), unit: z.enum(['celsius', 'fahrenheit']), days: z.int().min(1).max(7) });

describe('official openai SDK', () => {
  it('chat.completions.parse with zodResponseFormat returns a parsed, typed object', async () => {
    const completion = await t.client.chat.completions.parse({
      model: 'local',
      messages: [{ role: 'user', content: 'Weather in Oslo for three days?' }],
      response_format: zodResponseFormat(Weather, 'weather'),
      max_tokens: 200,
    });
    const parsed = completion.choices[0]?.message.parsed;
    expect(Weather.parse(parsed)).toEqual(parsed);
  });
});

describe('Vercel AI SDK (@ai-sdk/openai-compatible)', () => {
  const provider = () =>
    createOpenAICompatible({ name: 'switchyard', baseURL: `${t.url}/v1`, apiKey: 'unused', supportsStructuredOutputs: true });

  it('generateObject returns an object valid against the zod schema', async () => {
    const { object } = await generateObject({ model: provider()('local'), schema: Weather, prompt: 'Weather in Oslo?', maxOutputTokens: 200, maxRetries: 0 });
    expect(Weather.parse(object)).toEqual(object);
  });

  it('tool calling: the model calls the tool, the SDK runs it and sends the result back for the next step', async () => {
    const calls: unknown[] = [];
    const result = await generateText({
      model: provider()('local'),
      prompt: 'Weather in Oslo?',
      tools: {
        get_weather: tool({
          description: 'Weather forecast for a city',
          inputSchema: Weather,
          execute: async (input) => {
            calls.push(input);
            return { temperature: 21 };
          },
        }),
      },
      toolChoice: 'required',
      prepareStep: ({ stepNumber }) => (stepNumber === 0 ? {} : { toolChoice: 'none' }),
      stopWhen: stepCountIs(2),
      // The tiny model's window is 1,024 tokens and its tokenizer spells most words letter by letter.
      maxOutputTokens: 150,
      maxRetries: 0,
    });
    expect(calls).toHaveLength(1);
    expect(Weather.parse(calls[0])).toEqual(calls[0]);
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.finishReason).toBe('tool-calls');
    expect(result.steps[1]?.toolCalls).toEqual([]);
  });
});

describe('LangChain (@langchain/openai)', () => {
  const chat = () => new ChatOpenAI({ model: 'local', apiKey: 'unused', maxRetries: 0, maxTokens: 200, configuration: { baseURL: `${t.url}/v1` } });

  // A JSON Schema rather than the zod object: LangChain's zod 4 conversion drops `max`/`int` bounds, and an
  // unbounded string is one the gibberish tiny model never closes (it would honestly end with 'length').
  const weatherSchema = { title: 'weather', ...z.toJSONSchema(Weather) };

  it.each(['jsonSchema', 'functionCalling'] as const)('withStructuredOutput (method %s) returns a valid object', async (method) => {
    const result = await chat().withStructuredOutput(weatherSchema, { method }).invoke('Weather in Oslo?');
    expect(Weather.parse(result)).toEqual(result);
  });
});
