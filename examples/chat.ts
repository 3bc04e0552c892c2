/**
 * A client of Switchyard using the official OpenAI SDK, unchanged: only the base URL differs.
 *   npm start            # in another terminal
 *   npx tsx examples/chat.ts "Why is the sky blue?"
 * Environment: SWITCHYARD_URL (default http://127.0.0.1:8080/v1), SWITCHYARD_MODEL (default auto).
 */
import OpenAI from 'openai';

const client = new OpenAI({
  baseURL: process.env['SWITCHYARD_URL'] ?? 'http://127.0.0.1:8080/v1',
  // Switchyard only checks this when SWITCHYARD_API_KEYS is set on the server.
  apiKey: process.env['SWITCHYARD_API_KEY'] ?? 'unused',
});
const prompt = process.argv.slice(2).join(' ') || 'Write a haiku about trains.';
const model = process.env['SWITCHYARD_MODEL'] ?? 'auto';

// Streamed: text as it arrives, then the routing decision from the final chunk.
const { data: stream, response } = await client.chat.completions
  .create({ model, messages: [{ role: 'user', content: prompt }], stream: true, stream_options: { include_usage: true } })
  .withResponse();
console.log(`[served by ${response.headers.get('x-switchyard-target')} · ${response.headers.get('x-switchyard-model')} · rule ${response.headers.get('x-switchyard-rule')}]`);
let decision: unknown;
for await (const chunk of stream) {
  process.stdout.write(chunk.choices[0]?.delta.content ?? '');
  decision = (chunk as unknown as { switchyard?: unknown }).switchyard ?? decision;
  if (chunk.usage) console.log(`\n[usage: ${chunk.usage.prompt_tokens} prompt + ${chunk.usage.completion_tokens} completion tokens]`);
}
console.log('[decision]', JSON.stringify(decision, null, 2));
