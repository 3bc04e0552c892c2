import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Which onnx/model*.onnx file to load. Quantized files first: they are 4-8x smaller and faster on CPU.
 * `_int8` (full-range int8 weights through MatMulInteger) is last: onnxruntime's CPU kernel gives wrong
 * results on CPUs without VNNI, so it is only used when asked for or when nothing else exists.
 */
export const DTYPE_PREFERENCE = ['q4', 'q4f16', 'uint8', 'quantized', 'fp32', 'fp16', 'bnb4', 'int8'] as const;
export type Dtype = (typeof DTYPE_PREFERENCE)[number];

export interface WeightsChoice {
  dtype: string;
  /** Absolute path of the chosen .onnx file. */
  path: string;
  /** Bytes of the .onnx file plus any external data files next to it. */
  bytes: number;
  warnings: string[];
}

/** The dtype a file name stands for: model.onnx → fp32, model_q4.onnx → q4, decoder_model_merged_q4.onnx → q4. */
export function dtypeOfFile(file: string): string | undefined {
  const match = /^(?:model|decoder_model_merged)(?:_([a-z0-9]+))?\.onnx$/.exec(file);
  if (!match) return undefined;
  return match[1] ?? 'fp32';
}

/** dtype → file name, for every weights file in `<dir>/onnx/`. */
export function listWeightsFiles(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  let files: string[];
  try {
    files = readdirSync(join(dir, 'onnx')).sort();
  } catch {
    // A folder without onnx/ has no weights; callers report that as "no weights file".
    return found;
  }
  for (const file of files) {
    const dtype = dtypeOfFile(file);
    // model_*.onnx wins over decoder_model_merged_*.onnx when both exist (the sorted order puts decoder first).
    if (dtype !== undefined && (!found.has(dtype) || file.startsWith('model'))) found.set(dtype, file);
  }
  return found;
}

export function chooseWeightsFile(dir: string, requested?: string): WeightsChoice {
  const files = listWeightsFiles(dir);
  if (files.size === 0) throw new Error(`no onnx/model*.onnx weights file in ${dir}`);
  let dtype: string | undefined;
  if (requested !== undefined) {
    if (!files.has(requested)) {
      throw new Error(`dtype '${requested}' not found in ${dir}/onnx (have: ${[...files.keys()].join(', ')})`);
    }
    dtype = requested;
  } else {
    dtype = DTYPE_PREFERENCE.find((d) => files.has(d)) ?? [...files.keys()][0];
  }
  const file = files.get(dtype as string) as string;
  const warnings: string[] = [];
  if (dtype === 'int8') {
    warnings.push(`${file}: int8 weights through MatMulInteger give wrong results on CPUs without VNNI; prefer q4 or uint8`);
  }
  const path = join(dir, 'onnx', file);
  return { dtype: dtype as string, path, bytes: weightsBytes(dir, file), warnings };
}

function weightsBytes(dir: string, file: string): number {
  let total = 0;
  for (const name of readdirSync(join(dir, 'onnx'))) {
    // External data lives next to the graph as model_q4.onnx_data, model_q4.onnx_data_1, ...
    if (name === file || name.startsWith(`${file}_data`)) total += statSync(join(dir, 'onnx', name)).size;
  }
  return total;
}
