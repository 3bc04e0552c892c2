/**
 * How sure was the model, token by token? `logprobs` through the official OpenAI SDK, from whichever side
 * answered: the app can flag shaky spans of an answer (and, say, ask again with `model: "cloud"`).
 *   npm start            # in another terminal
 *   npx tsx examples/token-confidence.ts "Name three rivers in Europe."
 * Environment: SWITCHYARD_URL (default http://127.0.0.1:8080/v1), SWITCHYARD_MODEL (default local).
 */
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env['SWITCHYARD_URL'] ?? 'http://127.0.0.1:8080/v1', apiKey: process.env['SWITCHYARD_API_KEY'] ?? 'unused' });
const model = process.env['SWITCHYARD_MODEL'] ?? 'local';
const prompt = process.argv.slice(2).join(' ') || 'Name three rivers in Europe.';

const { data: answer, response } = await client.chat.completions
  .create({ model, messages: [{ role: 'user', content: prompt }], max_tokens: 48, logprobs: true, top_logprobs: 3 })
  .withResponse();
const tokens = answer.choices[0]?.logprobs?.content ?? [];
console.log(`[served by ${response.headers.get('x-switchyard-target')} · ${answer.model}]`);

// Each token with its probability; the unsure ones (below 50 %) with the alternatives the model weighed.
const percent = (logprob: number): string => `${Math.round(100 * Math.exp(logprob))}%`;
for (const t of tokens) {
  const unsure = Math.exp(t.logprob) < 0.5;
  const alternatives = t.top_logprobs.filter((a) => a.token !== t.token).map((a) => `${JSON.stringify(a.token)} ${percent(a.logprob)}`);
  console.log(`${unsure ? '?' : ' '} ${JSON.stringify(t.token).padEnd(16)} ${percent(t.logprob).padStart(4)}${unsure ? `   also: ${alternatives.join(', ')}` : ''}`);
}
const mean = tokens.reduce((sum, t) => sum + t.logprob, 0) / Math.max(1, tokens.length);
console.log(`\nanswer: ${answer.choices[0]?.message.content}\nmean token probability (geometric): ${percent(mean)}`);
