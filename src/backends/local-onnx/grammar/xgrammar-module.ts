import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import type * as XGrammar from '@mlc-ai/web-xgrammar';

export type XGrammarModule = typeof XGrammar;

let loaded: XGrammarModule | undefined;

/**
 * xgrammar's web build (@mlc-ai/web-xgrammar) as a module. Its `lib/index.js` is a UMD/Emscripten bundle that
 * reads `require` and `__filename`, but the package says `"type": "module"`, so both `import` and `require`
 * treat it as ESM and it fails. Compiling its text as the CommonJS module it is (what `require` does for a
 * `.cjs` file) works on Node ≥ 20 with no flag and no copy on disk; the WebAssembly is embedded in the file.
 * Loaded once per thread (~1.1 MB of JS, ~40 ms).
 */
export function xgrammar(): XGrammarModule {
  if (loaded !== undefined) return loaded;
  const file = createRequire(import.meta.url).resolve('@mlc-ai/web-xgrammar');
  const commonJs = new Module(file);
  commonJs.filename = file;
  commonJs.paths = [];
  (commonJs as unknown as { _compile(source: string, filename: string): void })._compile(readFileSync(file, 'utf8'), file);
  loaded = commonJs.exports as XGrammarModule;
  return loaded;
}
