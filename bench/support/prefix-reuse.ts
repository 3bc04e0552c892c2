/**
 * The prefix-reuse part of bench:local: time to first token of a chat's second turn after a ~1,000-token
 * history, on a backend that kept turn 1's KV cache vs one with the cache off (cold), interleaved round by
 * round on the same model. Each round's history is new (its first line carries the round number), so a warm
 * hit comes only from that round's turn 1.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CallOptions, ChatMessage } from '../../src/backends/backend.js';
import type { LocalBackend } from '../../src/backends/local-onnx/index.js';
import { median } from './stats.js';

const PARAGRAPH = 'The harbour town woke early: fishing boats left before dawn, the bakery lit its ovens, and gulls argued over the quay. ';

export async function prefixReuseRows(compiledDist: string, modelDir: string, name: string, rounds: number): Promise<string[]> {
  const { createLocalBackend } = (await import(pathToFileURL(join(compiledDist, 'backends', 'local-onnx', 'index.js')).href)) as typeof import('../../src/backends/local-onnx/index.js');
  const warm = createLocalBackend({ modelDir, dtype: 'q4', threads: 1 });
  const cold = createLocalBackend({ modelDir, dtype: 'q4', threads: 1, prefixCacheMb: 0 });
  await Promise.all([warm.settled, cold.settled]);
  const history = (round: number): ChatMessage[] => [
    { role: 'system', content: `Session ${round}. You are a concise assistant.` },
    { role: 'user', content: `Here are my notes:\n${PARAGRAPH.repeat(11)}\nSummarise them.` },
  ];
  const turn2 = (round: number, answer: string): ChatMessage[] => [...history(round), { role: 'assistant', content: answer }, { role: 'user', content: 'Now in one line, please.' }];
  const warmTtft: number[] = [];
  const coldTtft: number[] = [];
  let promptTokens = 0;
  let cachedTokens = 0;
  for (let round = 0; round <= rounds * 2; round++) {
    const { text } = await ttft(warm, history(round), 16);
    const w = await ttft(warm, turn2(round, text), 8);
    const c = await ttft(cold, turn2(round, text), 8);
    if (round === 0) continue; // warm-up
    warmTtft.push(w.ms);
    coldTtft.push(c.ms);
    promptTokens = w.promptTokens;
    cachedTokens = w.cachedTokens;
  }
  await Promise.all([warm.close(), cold.close()]);
  const cm = median(coldTtft);
  const wm = median(warmTtft);
  return [`| ${name} | ${promptTokens} (${cachedTokens} cached) | ${cm.toFixed(0)} | ${wm.toFixed(0)} | **${(wm / cm).toFixed(2)}×** |`];
}

async function ttft(backend: LocalBackend, messages: ChatMessage[], maxTokens: number): Promise<{ ms: number; text: string; promptTokens: number; cachedTokens: number }> {
  const options: CallOptions = { messages, model: 'bench', maxTokens, temperature: 0, extra: {}, signal: new AbortController().signal };
  const started = performance.now();
  let ms = 0;
  let text = '';
  let promptTokens = 0;
  let cachedTokens = 0;
  for await (const part of backend.stream(options)) {
    if (part.type === 'text-delta') {
      if (ms === 0) ms = performance.now() - started;
      text += part.text;
    }
    if (part.type === 'finish') (promptTokens = part.usage.promptTokens ?? 0), (cachedTokens = part.usage.cachedPromptTokens ?? 0);
    if (part.type === 'error') throw part.error;
  }
  return { ms: ms || performance.now() - started, text, promptTokens, cachedTokens };
}
