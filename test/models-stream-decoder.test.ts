import { describe, expect, it } from 'vitest';
import { loadModelFolder } from '../src/models/model-folder.js';
import { StreamDecoder } from '../src/models/stream-decoder.js';
import { StopMatcher } from '../src/backends/local-onnx/stop-matcher.js';
import { fromPackageRoot } from '../src/paths.js';

const model = loadModelFolder(fromPackageRoot('models', 'tiny-llama'));

describe('streaming detokenizer', () => {
  it('never splits a UTF-8 character across byte-fallback tokens, and the pieces add up', () => {
    const text = 'Hello é 😀 — naïve 東京 done';
    const ids = model.tokenizer.encode(text, { add_special_tokens: false }).ids;
    // The emoji alone is four byte tokens: a real test of held-back text.
    expect(model.tokenizer.encode('😀', { add_special_tokens: false }).tokens.filter((t: string) => t.startsWith('<0x'))).toHaveLength(4);
    const decoder = new StreamDecoder(model.tokenizer);
    const pieces = ids.map((id: number) => decoder.push(id));
    pieces.push(decoder.flush());
    for (const piece of pieces) expect(piece).not.toContain('\uFFFD');
    expect(pieces.join('')).toBe(text);
  });
});

describe('stop sequences', () => {
  it('holds back a possible stop prefix and cuts at the stop', () => {
    const stops = new StopMatcher(['END']);
    expect(stops.push('abc E')).toEqual({ text: 'abc ', stopped: false });
    expect(stops.push('N')).toEqual({ text: '', stopped: false });
    expect(stops.push('D and more')).toEqual({ text: '', stopped: true });
  });
  it('releases held-back text when it turns out not to be a stop', () => {
    const stops = new StopMatcher(['END']);
    expect(stops.push('E')).toEqual({ text: '', stopped: false });
    expect(stops.push('x')).toEqual({ text: 'Ex', stopped: false });
  });
});
