/**
 * Structured requests answered on the device, through the official OpenAI SDK: a tool-calling loop, then a
 * JSON answer parsed against a zod schema. Nothing here needs the network.
 *   npx switchyard serve --local-model models/Qwen2.5-0.5B-Instruct   # no SWITCHYARD_UPSTREAM_URL: no cloud
 *   npx tsx examples/tools-offline.ts "What should I wear in Oslo tomorrow?"
 * With the bundled gibberish tiny-llama (`npm start`) the calls and the JSON are still valid; the words are not.
 * Environment: SWITCHYARD_URL (default http://127.0.0.1:8080/v1), SWITCHYARD_MODEL (default local).
 */
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { z } from 'zod';

const client = new OpenAI({ baseURL: process.env['SWITCHYARD_URL'] ?? 'http://127.0.0.1:8080/v1', apiKey: process.env['SWITCHYARD_API_KEY'] ?? 'unused' });
const model = process.env['SWITCHYARD_MODEL'] ?? 'local';
const question = process.argv.slice(2).join(' ') || 'What should I wear in Oslo tomorrow?';

// The app's own functions, and their descriptions for the model.
const forecast = ({ city }: { city: string }) => ({ city, tomorrow: { high_c: 4, low_c: -2, sky: 'snow showers' } });
const tools: ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_forecast',
      description: "Tomorrow's weather for a city",
      parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 20 } }, required: ['city'], additionalProperties: false },
    },
  },
];

// 1. The agent loop: ask, run whatever the model calls, hand the results back, until it answers in text.
const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: question }];
for (let round = 0; round < 4; round++) {
  // First round: look something up before answering; afterwards the model chooses.
  const completion = await client.chat.completions.create({ model, messages, tools, tool_choice: round === 0 ? 'required' : 'auto', max_tokens: 96 });
  const message = completion.choices[0]!.message;
  messages.push(message);
  if (!message.tool_calls?.length) {
    console.log(`[${completion.choices[0]!.finish_reason}] ${message.content}`);
    break;
  }
  for (const call of message.tool_calls) {
    if (call.type !== 'function') continue;
    const args = JSON.parse(call.function.arguments) as { city: string };
    console.log(`→ ${call.function.name}(${call.function.arguments})`);
    messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(forecast(args)) });
  }
}

// 2. A JSON answer, parsed and typed by the SDK.
const Outfit = z.object({ layers: z.int().min(1).max(5), umbrella: z.boolean(), note: z.string().max(40) });
const outfit = await client.chat.completions.parse({
  model,
  messages: [{ role: 'user', content: `Tomorrow in Oslo: ${JSON.stringify(forecast({ city: 'Oslo' }).tomorrow)}. Suggest an outfit.` }],
  response_format: zodResponseFormat(Outfit, 'outfit'),
  max_tokens: 120,
});
console.log(`[${outfit.choices[0]!.finish_reason}] outfit:`, outfit.choices[0]!.message.parsed);
