import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import type { Backend, CallOptions, StreamPart } from '../../src/backends/backend.js';
import { SwitchyardError } from '../../src/backends/errors.js';

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

    it('health() reports a state and the models it serves', () => {
      const health = subject.backend.health();
      expect(['absent', 'loading', 'ready', 'failed']).toContain(health.state);
      expect(health.state).toBe('ready');
      expect(health.models).toContain(subject.model);
    });
  });
}
