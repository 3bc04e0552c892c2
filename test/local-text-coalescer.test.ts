import { describe, expect, it } from 'vitest';
import { TextCoalescer } from '../src/backends/local-onnx/text-coalescer.js';

describe('worker text coalescing', () => {
  it('sends the first token at once, merges the next ones per interval, and loses nothing on flush', () => {
    let now = 0;
    const sent: string[] = [];
    const text = new TextCoalescer((t) => sent.push(t), 8, () => now);
    text.push('Once');
    expect(sent).toEqual(['Once']); // time to first token is not delayed
    now = 1;
    text.push(' upon');
    now = 2;
    text.push(' a');
    expect(sent).toEqual(['Once']);
    now = 9;
    text.push(' time');
    expect(sent).toEqual(['Once', ' upon a time']);
    now = 10;
    text.push(',');
    text.flush();
    text.flush();
    expect(sent.join('')).toBe('Once upon a time,');
    expect(sent).toHaveLength(3);
  });
});
