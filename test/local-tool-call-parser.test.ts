import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../src/backends/backend.js';
import { ToolCallParser } from '../src/backends/local-onnx/tool-call-parser.js';
import { renderToolCall } from '../src/models/tool-call-syntax.js';

/** What a client assembles from the parts: content, and calls by index. */
function assemble(parts: StreamPart[]): { content: string; calls: Array<{ id: string; name: string; arguments: string }> } {
  let content = '';
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  for (const part of parts) {
    if (part.type === 'text-delta') content += part.text;
    if (part.type !== 'tool-call-delta') continue;
    const call = (calls[part.delta.index] ??= { id: '', name: '', arguments: '' });
    call.id += part.delta.id ?? '';
    call.name += part.delta.name ?? '';
    call.arguments += part.delta.argumentsDelta ?? '';
  }
  return { content, calls };
}

function parse(text: string, pieceLength: number): StreamPart[] {
  let n = 0;
  const parser = new ToolCallParser(['get_weather', 'get_time'], () => `call_${n++}`);
  const parts: StreamPart[] = [];
  for (let i = 0; i < text.length; i += pieceLength) parts.push(...parser.push(text.slice(i, i + pieceLength)));
  return [...parts, ...parser.flush()];
}

describe('tool-call parser', () => {
  const output = `Let me check.\n${renderToolCall('get_weather', '{"city": "Oslo"}')}\n${renderToolCall('get_time', '{"city": "Lima"}')}\n`;

  it.each([1, 3, 7, 1000])('gives the same content and calls whatever the chunking (%i characters at a time)', (pieceLength) => {
    expect(assemble(parse(output, pieceLength))).toEqual({
      content: 'Let me check.',
      calls: [
        { id: 'call_0', name: 'get_weather', arguments: '{"city": "Oslo"}' },
        { id: 'call_1', name: 'get_time', arguments: '{"city": "Lima"}' },
      ],
    });
  });

  it('sends id and name first, then only argument fragments, and never a marker as content', () => {
    const parts = parse(output, 2).filter((p) => p.type === 'tool-call-delta');
    expect(parts[0]).toEqual({ type: 'tool-call-delta', delta: { index: 0, id: 'call_0', name: 'get_weather' } });
    expect(assemble(parse(output, 2)).content).not.toContain('<');
  });

  it('whitespace around calls is not content; in a plain answer it is', () => {
    expect(assemble(parse(`\n\n${renderToolCall('get_time', '{}')}\n`, 1)).content).toBe('');
    expect(assemble(parse('Hello \n', 1)).content).toBe('Hello \n');
  });

  it('keeps text that only looks like the start of a call, and a call cut short keeps its partial arguments', () => {
    expect(assemble(parse('a <tool but no call', 1))).toEqual({ content: 'a <tool but no call', calls: [] });
    const cut = renderToolCall('get_weather', '{"city": "Os').slice(0, -'}\n</tool_call>'.length);
    expect(assemble(parse(cut, 4)).calls).toEqual([{ id: 'call_0', name: 'get_weather', arguments: '{"city": "Os' }]);
  });

  it('a call cut inside its opening (max_tokens) is a call without arguments, never its syntax as content', () => {
    // Found in a trial: max_tokens 10 gave content '<tool_call>\n{"name": "get_weather", "arg' and no tool_calls.
    const opening = renderToolCall('get_weather', '{}');
    const cut = opening.slice(0, opening.indexOf('"arguments"') + 4);
    expect(assemble(parse(cut, 3))).toEqual({ content: '', calls: [{ id: 'call_0', name: 'get_weather', arguments: '' }] });
    // Cut before the name tells the tools apart: no call can be named, and nothing is content either.
    expect(assemble(parse('<tool_call>\n{"name": "get_', 3))).toEqual({ content: '', calls: [] });
    expect(assemble(parse('Checking.\n<tool_ca', 2))).toEqual({ content: 'Checking.', calls: [] });
    expect(assemble(parse('if a <', 2))).toEqual({ content: 'if a <', calls: [] });
  });
});
