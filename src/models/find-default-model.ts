import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fromPackageRoot } from '../paths.js';
import { isModelFolder } from './model-folder.js';

/** The first model folder (config.json + tokenizer.json + onnx/) under `root`, by name; undefined if none. */
export function findDefaultModelDir(root: string = fromPackageRoot('models')): string | undefined {
  let names: string[];
  try {
    names = readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch {
    // No models/ folder at all: there is simply no default model.
    return undefined;
  }
  return names.map((name) => join(root, name)).find(isModelFolder);
}
