import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallOptions, GenerateResult, StreamPart } from '../src/backends/backend.js';
import { createLocalBackend, type LocalBackend } from '../src/backends/local-onnx/index.js';
import { fromPackageRoot } from '../src/paths.js';
import { writeGqaTinyModel } from './helpers/gqa-tiny-model.js';

const stories = resolve(fromPackageRoot(), '..', 'shared', 'models', 'stories260K-onnx');
const gqaModel = writeGqaTinyModel();
afterAll(() => rmSync(gqaModel, { recursive: true, force: true }));
const models = [
  { name: 'tiny-llama (project model)', dir: fromPackageRoot('models', 'tiny-llama'), present: true },
  // Past and present in one fixed buffer per batch, written in place by GroupQueryAttention.
  { name: 'tiny-llama as a GroupQueryAttention export', dir: gqaModel, present: true },
  // Real pretrained weights, not part of the repo: skipped cleanly on a fresh clone.
  { name: 'stories260K (real weights)', dir: stories, present: existsSync(resolve(stories, 'config.json')) },
];

/** Prompts of different lengths, so batch rows are padded differently. */
const PROMPTS = [
  'Once upon a time',
  'The little dog ran to the park with his friend, and they played all day in the sun.',
  'Lily had a red ball.',
  'One day, Tom found a big box in the garden. He opened it and saw',
  'The sun',
  'Sam and Mia wanted to bake a cake for their mom, so they went to the kitchen',
  'There was a tree',
  'A cat sat on the mat and looked at the bird outside the window for a long time.',
];

const call = (content: string, overrides: Partial<CallOptions> = {}): CallOptions => ({
  messages: [{ role: 'user', content }],
  model: 'local',
  maxTokens: 24,
  temperature: 0,
  extra: {},
  signal: new AbortController().signal,
  ...overrides,
});

for (const model of models) {
  describe.skipIf(!model.present)(`batched decoding on ${model.name}`, () => {
    let backend: LocalBackend;
    /** Each prompt's answer when it had the model to itself. */
    const alone = new Map<string, GenerateResult>();
    beforeAll(async () => {
      backend = createLocalBackend({ modelDir: model.dir, threads: 1, prefixCacheMb: 0 });
      await backend.settled;
      expect(backend.health().state).toBe('ready');
      for (const prompt of PROMPTS) alone.set(prompt, await backend.generate(call(prompt)));
    });
    afterAll(() => backend.close());

    it('eight concurrent greedy requests get the same answers and usage as each alone', async () => {
      const together = await Promise.all(PROMPTS.map((p) => backend.generate(call(p))));
      together.forEach((result, i) => {
        const single = alone.get(PROMPTS[i]!)!;
        expect(result.content).toBe(single.content);
        expect(result.finishReason).toBe(single.finishReason);
        expect(result.usage).toEqual(single.usage);
      });
      expect(new Set(together.map((r) => r.content)).size).toBeGreaterThan(1); // different prompts, different answers
    });

    it('each request keeps its own max_tokens, stop sequences and usage', async () => {
      const reference = alone.get(PROMPTS[3]!)!.content;
      const stop = reference.slice(6, 8);
      const [short, stopped, plain] = await Promise.all([
        backend.generate(call(PROMPTS[1]!, { maxTokens: 3 })),
        backend.generate(call(PROMPTS[3]!, { stop: [stop] })),
        backend.generate(call(PROMPTS[5]!)),
      ]);
      expect(short).toMatchObject({ finishReason: 'length', usage: { completionTokens: 3, promptTokens: alone.get(PROMPTS[1]!)!.usage.promptTokens } });
      expect(alone.get(PROMPTS[1]!)!.content.startsWith(short.content)).toBe(true);
      expect(stopped.finishReason).toBe('stop');
      expect(stopped.content).toBe(reference.slice(0, reference.indexOf(stop)));
      expect(plain.content).toBe(alone.get(PROMPTS[5]!)!.content);
      expect(plain.usage).toEqual(alone.get(PROMPTS[5]!)!.usage);
    });

    it('a JSON-schema request in the batch gets valid JSON while the free ones keep their answers', async () => {
      const schema = { type: 'object', properties: { color: { enum: ['red', 'green', 'blue'] }, happy: { type: 'boolean' } }, required: ['color', 'happy'], additionalProperties: false };
      const [json, ...free] = await Promise.all([
        backend.generate(call(PROMPTS[7]!, { maxTokens: 60, responseFormat: { type: 'json_schema', name: 'person', schema, strict: true } })),
        ...PROMPTS.slice(0, 3).map((p) => backend.generate(call(p))),
      ]);
      const parsed = JSON.parse(json!.content) as Record<string, unknown>;
      expect(json!.finishReason).toBe('stop');
      expect(['red', 'green', 'blue']).toContain(parsed['color']);
      expect(typeof parsed['happy']).toBe('boolean');
      free.forEach((result, i) => expect(result.content).toBe(alone.get(PROMPTS[i]!)!.content));
    });

    it('a request aborted mid-batch ends alone; the others finish as if it had never been there', async () => {
      const controller = new AbortController();
      const victim = collect(backend.stream(call(PROMPTS[0]!, { maxTokens: 200, signal: controller.signal })), () => controller.abort());
      const others = Promise.all(PROMPTS.slice(1, 5).map((p) => backend.generate(call(p))));
      const [victimParts, results] = await Promise.all([victim, others]);
      expect(victimParts.at(-1)).toMatchObject({ type: 'error', error: { kind: 'aborted' } });
      results.forEach((result, i) => expect(result.content).toBe(alone.get(PROMPTS[i + 1]!)!.content));
    });

    it('a request arriving mid-generation joins the running batch instead of waiting for it to end', async () => {
      const finished: string[] = [];
      let joined: Promise<GenerateResult> | undefined;
      const long = collect(backend.stream(call(PROMPTS[2]!, { maxTokens: 400 })), () => {
        joined = backend.generate(call(PROMPTS[6]!)).then((r) => (finished.push('joined'), r));
      }).then((parts) => (finished.push('long'), parts));
      const longParts = await long;
      const joinedResult = await joined!;
      expect(finished).toEqual(['joined', 'long']);
      expect(joinedResult.content).toBe(alone.get(PROMPTS[6]!)!.content);
      expect(longParts.at(-1)).toMatchObject({ type: 'finish', usage: { completionTokens: expect.any(Number) } });
    });
  });
}

/** All parts of a stream; `onFirstText` runs once, at the first text delta. */
async function collect(stream: AsyncIterable<StreamPart>, onFirstText: () => void): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  let first = true;
  for await (const part of stream) {
    parts.push(part);
    if (part.type === 'text-delta' && first) {
      first = false;
      onFirstText();
    }
  }
  return parts;
}
