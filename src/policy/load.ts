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
  return compilePolicy(readPolicyText(path), displayPath(path), options);
}

/** The file's text, or a PolicyError located at 1:1 saying why it cannot be read. */
export function readPolicyText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw unreadable(path, err);
  }
}

export function unreadable(path: string, err: unknown): PolicyError {
  const code = (err as NodeJS.ErrnoException).code;
  const message = code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}`;
  return new PolicyError([{ file: displayPath(path), line: 1, column: 1, path: '', message }]);
}

export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') ? rel : path;
}
