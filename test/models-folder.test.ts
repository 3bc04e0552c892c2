import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPromptFormatter } from '../src/models/chat-format.js';
import { findDefaultModelDir } from '../src/models/find-default-model.js';
import { loadModelFolder } from '../src/models/model-folder.js';
import { chooseWeightsFile } from '../src/models/weights-file.js';
import { fromPackageRoot } from '../src/paths.js';

const root = mkdtempSync(join(tmpdir(), 'switchyard-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folderWith(name: string, files: string[]): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  for (const f of files) writeFileSync(join(dir, 'onnx', f), 'x');
  return dir;
}

describe('weights file choice', () => {
  it('prefers q4, then q4f16, uint8, quantized, fp32', () => {
    expect(chooseWeightsFile(folderWith('a', ['model.onnx', 'model_q4.onnx', 'model_uint8.onnx'])).dtype).toBe('q4');
    expect(chooseWeightsFile(folderWith('b', ['model.onnx', 'model_q4f16.onnx', 'model_quantized.onnx'])).dtype).toBe('q4f16');
    expect(chooseWeightsFile(folderWith('c', ['model.onnx', 'model_quantized.onnx'])).dtype).toBe('quantized');
    expect(chooseWeightsFile(folderWith('d', ['model.onnx', 'model_int8.onnx'])).dtype).toBe('fp32');
  });
  it('honours an explicit dtype, warns on int8, and names what exists when asked for a missing one', () => {
    const dir = folderWith('e', ['model.onnx', 'model_int8.onnx', 'model_q4.onnx']);
    expect(chooseWeightsFile(dir, 'fp32').path).toBe(join(dir, 'onnx', 'model.onnx'));
    expect(chooseWeightsFile(dir, 'int8').warnings.join(' ')).toMatch(/VNNI/);
    expect(() => chooseWeightsFile(dir, 'q4f16')).toThrow(/have: .*q4/);
  });
});

describe('model folders', () => {
  it('the default model is the first folder under models/ that has config, tokenizer and onnx/', () => {
    expect(findDefaultModelDir()).toBe(fromPackageRoot('models', 'tiny-llama'));
    const models = join(root, 'models');
    mkdirSync(join(models, 'aaa-not-a-model'), { recursive: true });
    cpSync(fromPackageRoot('models', 'tiny-llama'), join(models, 'zzz-model'), { recursive: true });
    expect(findDefaultModelDir(models)).toBe(join(models, 'zzz-model'));
    expect(findDefaultModelDir(join(root, 'missing'))).toBeUndefined();
  });

  it('reads the window, EOS ids and chat template of the bundled model', () => {
    const model = loadModelFolder(fromPackageRoot('models', 'tiny-llama'));
    expect(model).toMatchObject({ id: 'tiny-llama', contextWindow: 1024, eosTokenIds: [2, 4], kvHeads: 2, headDim: 16 });
    const formatter = createPromptFormatter(model);
    expect(formatter.hasChatTemplate).toBe(true);
    expect(formatter.render([{ role: 'user', content: 'Hi' }])).toBe('<s><|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
  });

  it('models without a chat template use the plain format: contents joined by a blank line', () => {
    const dir = join(root, 'plain');
    cpSync(fromPackageRoot('models', 'tiny-llama'), dir, { recursive: true });
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<s>', eos_token: '</s>' }));
    const formatter = createPromptFormatter(loadModelFolder(dir));
    expect(formatter.hasChatTemplate).toBe(false);
    expect(formatter.render([{ role: 'system', content: 'A' }, { role: 'user', content: 'B' }])).toBe('A\n\nB');
    expect(formatter.encode([{ role: 'user', content: 'hello' }])[0]).toBe(1); // BOS from the tokenizer
  });
});
