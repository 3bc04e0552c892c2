#!/usr/bin/env node
// The CLI runs the compiled output in dist/ (built by `npm install` through the `prepare` script).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('switchyard: dist/ is missing. Run `npm install` (or `npm run build`) in the package folder first.\n');
  process.exit(1);
}
await import(main.href);
