/**
 * Generates the bundled model folder models/tiny-llama/ (fp32 + q4), byte-identical on every run.
 * Usage: npm run make:tiny-model [-- <out-dir>] [--shape smollm2-135m] [--attention gqa]
 * `--attention gqa` writes the GroupQueryAttention graph with a shared KV buffer (onnxruntime-genai style).
 */
import { resolve } from 'node:path';
import { fromPackageRoot } from '../src/paths.js';
import { SMOLLM2_135M_SHAPE, TINY_LLAMA, writeSyntheticModel } from '../src/models/synthetic/write-model-folder.js';

const args = process.argv.slice(2);
const shapeFlag = args.indexOf('--shape');
const shapeName = shapeFlag >= 0 ? args.splice(shapeFlag, 2)[1] : 'tiny';
const attentionFlag = args.indexOf('--attention');
const attention = attentionFlag >= 0 ? args.splice(attentionFlag, 2)[1] : 'concat';
if (attention !== 'concat' && attention !== 'gqa') throw new Error(`--attention must be concat or gqa, got ${attention}`);
const shape = shapeName === 'smollm2-135m' ? SMOLLM2_135M_SHAPE : TINY_LLAMA;
const out = resolve(args[0] ?? fromPackageRoot('models', 'tiny-llama'));
writeSyntheticModel(out, shape, ['fp32', 'q4'], attention);
process.stdout.write(`wrote ${out} (${shapeName}, ${attention})\n`);
