import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ChatOpenAI } from '@langchain/openai';
import { generateText, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServiceWithTinyModel, type TestService } from './helpers/service.js';

/**
 * "Any OpenAI-compatible client works unchanged": the Vercel AI SDK, LangChain and curl, each pointed at
 * the router exactly as they would be at OpenAI, get the upstream's answer (cloud) and the on-device
 * model's answer (local), streamed and not, with the decision headers intact.
 */
const run = promisify(execFile);
const prompt = 'Say hello to the switchyard';
const cloudAnswer = `Echo: ${prompt}`;

let t: TestService;
beforeAll(async () => {
  t = await startTestServiceWithTinyModel();
});
afterAll(async () => {
  await t.close();
});

describe('Vercel AI SDK (@ai-sdk/openai-compatible)', () => {
  const provider = () => createOpenAICompatible({ name: 'switchyard', baseURL: `${t.url}/v1`, apiKey: 'unused', includeUsage: true });

  it('generates from the cloud and from the device, with usage and the decision headers', async () => {
    const cloud = await generateText({ model: provider()('cloud'), prompt, maxRetries: 0 });
    expect(cloud.text).toBe(cloudAnswer);
    expect(cloud.usage.outputTokens).toBeGreaterThan(0);
    expect(cloud.response.headers?.['x-switchyard-target']).toBe('cloud');

    const device = await generateText({ model: provider()('local'), prompt, maxOutputTokens: 6, maxRetries: 0 });
    expect(device.text.length).toBeGreaterThan(0);
    expect(device.usage.outputTokens).toBeGreaterThan(0);
    expect(device.usage.outputTokens).toBeLessThanOrEqual(6);
    expect(device.response.headers?.['x-switchyard-target']).toBe('local');
  });

  it('streams from both sides', async () => {
    for (const [model, expected] of [['cloud', cloudAnswer], ['local', undefined]] as const) {
      const result = streamText({ model: provider()(model), prompt, maxOutputTokens: 6, maxRetries: 0 });
      let text = '';
      for await (const delta of result.textStream) text += delta;
      if (expected !== undefined) expect(text).toBe(expected); // six words: max_tokens 6 keeps it whole
      expect(text.length).toBeGreaterThan(0);
      expect((await result.usage).outputTokens).toBeGreaterThan(0);
      expect((await result.response).headers?.['x-switchyard-target']).toBe(model);
    }
  });
});

describe('LangChain (@langchain/openai ChatOpenAI)', () => {
  const chat = (model: string) => new ChatOpenAI({ model, apiKey: 'unused', maxRetries: 0, configuration: { baseURL: `${t.url}/v1` } });

  it('invokes and streams, cloud and local', async () => {
    const cloud = await chat('cloud').invoke(prompt);
    expect(cloud.content).toBe(cloudAnswer);
    const device = await chat('local').invoke(prompt, { stop: ['\n\n\n'] });
    expect(typeof device.content).toBe('string');
    expect(device.usage_metadata?.output_tokens).toBeGreaterThan(0);

    let streamed = '';
    for await (const chunk of await chat('cloud').stream(prompt)) streamed += typeof chunk.content === 'string' ? chunk.content : '';
    expect(streamed).toBe(cloudAnswer);
  });
});

describe('curl', () => {
  const hasCurl = run('curl', ['--version']).then(() => true, () => false);

  it('gets JSON with the decision headers, and an SSE stream ending in [DONE]', async (ctx) => {
    if (!(await hasCurl)) ctx.skip('curl not found (apt-get install curl)');
    const body = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: prompt }] });
    const args = ['-sS', '-i', `${t.url}/v1/chat/completions`, '-H', 'content-type: application/json', '-d'];
    const { stdout: whole } = await run('curl', [...args, body]);
    expect(whole).toMatch(/^HTTP\/1\.1 200/);
    expect(whole.toLowerCase()).toMatch(/x-switchyard-target: (local|cloud)/);
    const json = JSON.parse(whole.slice(whole.indexOf('\r\n\r\n') + 4)) as { object: string; switchyard: { target: string } };
    expect(json.object).toBe('chat.completion');
    expect(['local', 'cloud']).toContain(json.switchyard.target);

    const streamBody = JSON.stringify({ model: 'cloud', stream: true, messages: [{ role: 'user', content: prompt }] });
    const { stdout: sse } = await run('curl', ['-sS', '-N', `${t.url}/v1/chat/completions`, '-H', 'content-type: application/json', '-d', streamBody]);
    const events = sse.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => e.slice(6));
    expect(events.at(-1)).toBe('[DONE]');
    const text = events.slice(0, -1).map((e) => (JSON.parse(e) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe(cloudAnswer);
  });
});
