import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package folder (holds package.json, models/, policies/), the same from src/ under tsx and from dist/. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const packageVersion: string = (
  JSON.parse(readFileSync(resolve(packageRoot, 'package.json'), 'utf8')) as { version: string }
).version;

export function fromPackageRoot(...parts: string[]): string {
  return resolve(packageRoot, ...parts);
}
