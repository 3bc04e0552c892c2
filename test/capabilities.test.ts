import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestCapabilities } from '../src/capabilities.js';
import { compilePolicy } from '../src/policy/compile.js';
import { PolicyError } from '../src/policy/diagnostics.js';
import { startTestServiceWithTinyModel, type TestService } from './helpers/service.js';

const tool = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } };
const image = { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } };

describe('what a request needs beyond plain text', () => {
  it('recognises tools, images, audio and JSON mode, and nothing in a plain chat', () => {
    const user = (content: unknown) => ({ role: 'user', content });
    expect(requestCapabilities({ messages: [user('hi')] })).toEqual([]);
    expect(requestCapabilities({ tools: [tool], messages: [user('hi')] })).toEqual(['tools']);
    expect(requestCapabilities({ tools: [], messages: [user('hi')] })).toEqual([]);
    expect(requestCapabilities({ messages: [user('hi'), { role: 'assistant', tool_calls: [{ id: 'c1' }] }, { role: 'tool', content: '18 °C' }] })).toEqual(['tools']);
    expect(requestCapabilities({ messages: [user([{ type: 'text', text: 'what is this?' }, image])] })).toEqual(['images']);
    expect(requestCapabilities({ messages: [user([{ type: 'input_audio', input_audio: { data: '', format: 'wav' } }])] })).toEqual(['audio']);
    expect(requestCapabilities({ response_format: { type: 'json_schema' }, messages: [user('hi')] })).toEqual(['json']);
    expect(requestCapabilities({ modalities: ['text', 'audio'], messages: [user('hi')] })).toEqual(['audio']);
    expect(requestCapabilities({ response_format: { type: 'text' }, messages: [user('hi')] })).toEqual([]);
  });

  it('is a policy condition, with did-you-mean for misspelt capabilities', () => {
    const policy = (uses: string) => `version: 1\nrules:\n  - name: r\n    when: { uses: ${uses} }\n    route: cloud\ndefault: { route: local }\n`;
    expect(compilePolicy(policy('[tools, images]'), 'p.yaml').rules[0]?.when.describe).toBe('the request uses tools or images');
    try {
      compilePolicy(policy('[tool]'), 'p.yaml');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PolicyError);
      expect((err as Error).message).toContain('rules[0].when.uses[0]: expected one of "tools", "images", "audio", "json", got "tool" (did you mean "tools"?)');
    }
  });
});

describe('the default policy sends what the local model cannot do to the cloud, and keeps tools and JSON local', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestServiceWithTinyModel();
  });
  afterAll(async () => {
    await t.close();
  });

  it('routes an image request to the cloud, passing it through untouched', async () => {
    const messages = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'What is this?' }, image] }];
    const { response } = await t.client.chat.completions.create({ model: 'auto', messages }).withResponse();
    expect(response.headers.get('x-switchyard-rule')).toBe('needs-cloud-features');
    expect(response.headers.get('x-switchyard-target')).toBe('cloud');
    const sent = t.fake.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body);
    expect((sent[0]?.['messages'] as Array<{ content: unknown }>)[0]?.content).toEqual([{ type: 'text', text: 'What is this?' }, image]);
  });

  it('keeps simple tool and JSON-mode requests on the device, which honours them', async () => {
    const cases = [
      { tools: [tool], tool_choice: 'required' as const, messages: [{ role: 'user' as const, content: 'Weather in Lisbon?' }] },
      { response_format: { type: 'json_object' as const }, messages: [{ role: 'user' as const, content: 'List three colours as JSON' }] },
    ];
    for (const body of cases) {
      const { data, response } = await t.client.chat.completions.create({ model: 'auto', max_tokens: 200, ...body }).withResponse();
      expect(response.headers.get('x-switchyard-target')).toBe('local');
      expect((data as unknown as { warnings?: string[] }).warnings ?? []).not.toContain('tools are not supported by the local model; answered without them');
    }
  });

  it('a plain question stays local', async () => {
    const { response } = await t.client.chat.completions.create({ model: 'auto', max_tokens: 4, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(response.headers.get('x-switchyard-target')).toBe('local');
  });

  it('when the local model must answer anyway, the body says what it could not honour', async () => {
    const data = await t.client.chat.completions.create({
      model: 'local',
      max_tokens: 4,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, image] }],
    });
    const warnings = (data as unknown as { warnings: string[] }).warnings;
    expect(warnings).toEqual(['the local model reads text only; image parts were not shown to it']);
  });
});
