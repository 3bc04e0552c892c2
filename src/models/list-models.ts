import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isModelFolder } from './model-folder.js';
import { listWeightsFiles } from './weights-file.js';

export interface InstalledModel {
  id: string;
  path: string;
  /** dtype → bytes of that weights file (with external data). */
  dtypes: Record<string, number>;
  totalBytes: number;
}

/** Model folders directly under `modelsDir` (partial pulls, .partial-*, are not models yet). */
export function listInstalledModels(modelsDir: string): InstalledModel[] {
  let names: string[];
  try {
    names = readdirSync(modelsDir).filter((n) => !n.startsWith('.')).sort();
  } catch {
    return []; // no models/ folder: nothing installed
  }
  return names
    .map((name) => join(modelsDir, name))
    .filter(isModelFolder)
    .map((path) => {
      const dtypes: Record<string, number> = {};
      const onnxDir = join(path, 'onnx');
      const all = readdirSync(onnxDir);
      for (const [dtype, file] of listWeightsFiles(path)) {
        dtypes[dtype] = all.filter((f) => f === file || f.startsWith(`${file}_data`)).reduce((s, f) => s + statSync(join(onnxDir, f)).size, 0);
      }
      const totalBytes = readdirSync(path, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .reduce((s, e) => s + statSync(join(e.parentPath, e.name)).size, 0);
      return { id: path.split(/[\\/]/).at(-1) ?? path, path, dtypes, totalBytes };
    });
}
