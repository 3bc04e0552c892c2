import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TINY_LLAMA, writeSyntheticModel } from '../../src/models/synthetic/write-model-folder.js';

/**
 * The bundled tiny-llama's weights exported the onnxruntime-genai way (GroupQueryAttention, past and present in
 * one buffer), in a fresh temporary folder (the caller removes it). Same weights and tokenizer as
 * models/tiny-llama, so the same answers.
 */
export function writeGqaTinyModel(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-gqa-tiny-'));
  writeSyntheticModel(dir, TINY_LLAMA, ['fp32', 'q4'], 'gqa');
  return dir;
}
