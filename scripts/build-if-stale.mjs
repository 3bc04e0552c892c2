// `prepare` (run by npm install / npm ci, and again by the first `npx switchyard`, which installs this folder
// into npx's cache): build dist/ only when a source is newer than the last build. A full tsc build takes
// 5-15 s on a 2-core machine; the check takes a few ms, so `npx switchyard` starts at once. tsc rewrites every
// output on each build, so the entry point's mtime is the time of the last build, whoever ran it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const entry = join('dist', 'cli', 'main.js');

function newestMtimeMs(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtimeMs(join(path, name))));
}

const inputs = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];
const built = existsSync(entry) ? statSync(entry).mtimeMs : -Infinity;
if (Math.max(...inputs.map(newestMtimeMs)) > built) execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
