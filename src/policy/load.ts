import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fromPackageRoot } from '../paths.js';
import type { CompiledPolicy, CompileOptions } from './compile.js';
import { compilePolicy } from './compile.js';
import { PolicyError } from './diagnostics.js';

/** The policy used when none is given. */
export const defaultPolicyPath: string = fromPackageRoot('policies', 'default.yaml');

/** Read and compile a policy file; errors name the file as the user would type it (relative to cwd). */
export function loadPolicyFile(path: string, options: CompileOptions = {}): CompiledPolicy {
  const shown = displayPath(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PolicyError([
      { file: shown, line: 1, column: 1, path: '', message: code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}` },
    ]);
  }
  return compilePolicy(text, shown, options);
}

export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') ? rel : path;
}
