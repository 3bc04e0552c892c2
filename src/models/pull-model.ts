import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { downloadFile } from './download-file.js';
import { fileChecksum } from './integrity.js';
import type { ManifestEntry } from './manifest.js';
import { DTYPE_PREFERENCE } from './weights-file.js';

export interface PullOptions {
  /** Hugging Face repo id, e.g. HuggingFaceTB/SmolLM2-135M-Instruct. */
  repo: string;
  dtype: string;
  revision?: string;
  /** Hub base URL; default $HF_ENDPOINT or https://huggingface.co. */
  endpoint?: string;
  /** Where model folders live (the package's models/ by default, chosen by the caller). */
  modelsDir: string;
  fetch?: typeof fetch;
  /** Exact checksums from the manifest, when the repo is a recommended one. */
  manifest?: ManifestEntry;
  onProgress?: (file: string, done: number, total: number | undefined) => void;
}

export interface PullResult {
  dir: string;
  files: Array<{ path: string; size: number; verified: 'sha256' | 'git-sha1' | 'size' }>;
}

const REQUIRED = ['config.json', 'tokenizer.json'];
const OPTIONAL = ['generation_config.json', 'tokenizer_config.json', 'special_tokens_map.json'];

export function weightsFileName(dtype: string): string {
  return dtype === 'fp32' ? 'model.onnx' : `model_${dtype}.onnx`;
}

/**
 * Downloads the files one model folder needs into models/.partial-<name>/ (kept between runs so an
 * interrupted pull resumes), verifies each one, then moves them into models/<name>/ with renames.
 */
export async function pullModel(options: PullOptions): Promise<PullResult> {
  checkPullRequest(options.repo, options.dtype);
  // An empty HF_ENDPOINT (exported but unset in a shell profile) means the default, not a relative URL.
  const endpoint = (options.endpoint || process.env['HF_ENDPOINT'] || 'https://huggingface.co').replace(/\/+$/, '');
  const revision = options.revision ?? options.manifest?.revision ?? 'main';
  const name = basename(options.repo);
  const staging = join(options.modelsDir, `.partial-${name}`);
  const target = join(options.modelsDir, name);
  const weights = `onnx/${weightsFileName(options.dtype)}`;
  const wanted: Array<{ path: string; required: boolean }> = [
    ...REQUIRED.map((path) => ({ path, required: true })),
    ...OPTIONAL.map((path) => ({ path, required: false })),
    { path: weights, required: true },
    { path: `${weights}_data`, required: false }, // external weights of models above 2 GB protobuf limits
  ];
  mkdirSync(join(staging, 'onnx'), { recursive: true });
  const files: PullResult['files'] = [];
  for (const { path, required } of wanted) {
    const url = `${endpoint}/${options.repo}/resolve/${encodeURIComponent(revision)}/${path}`;
    const dest = join(staging, path);
    const result = await downloadFile(url, dest, {
      fetch: options.fetch ?? fetch,
      onProgress: (done, total) => options.onProgress?.(path, done, total),
    });
    if (!result.found) {
      if (required) throw new Error(`${options.repo}@${revision} has no ${path} (is dtype '${options.dtype}' published?)`);
      continue;
    }
    const expected = options.manifest?.sha256?.[path];
    const checksum = expected !== undefined ? { algorithm: 'sha256' as const, hex: expected } : result.checksum;
    if (checksum !== undefined) {
      const actual = await fileChecksum(dest, checksum.algorithm, result.size);
      if (actual !== checksum.hex) {
        rmSync(dest, { force: true }); // a corrupt partial must not be resumed next time
        throw new Error(`${path}: ${checksum.algorithm} mismatch (expected ${checksum.hex}, got ${actual}); removed, pull again`);
      }
    }
    files.push({ path, size: result.size, verified: checksum?.algorithm ?? 'size' });
  }
  install(staging, target);
  return { dir: target, files };
}

/** Checked before any network call: a typo costs no round trip and no half-made staging folder. */
export function checkPullRequest(repo: string, dtype: string): void {
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw new Error(`'${repo}' is not a hub repo id: expected owner/name, e.g. HuggingFaceTB/SmolLM2-135M-Instruct`);
  if (!(DTYPE_PREFERENCE as readonly string[]).includes(dtype)) throw new Error(`--dtype ${dtype} is not one of ${DTYPE_PREFERENCE.join(', ')}`);
}

/** Atomic per file: a rename never leaves a half-written file in models/. A new folder moves in whole. */
function install(staging: string, target: string): void {
  if (!existsSync(target)) {
    mkdirSync(dirname(target), { recursive: true });
    renameSync(staging, target);
    return;
  }
  for (const sub of ['', 'onnx']) {
    for (const entry of readdirSync(join(staging, sub), { withFileTypes: true })) {
      if (entry.isFile()) renameSync(join(staging, sub, entry.name), join(target, sub, entry.name));
    }
  }
  rmSync(staging, { recursive: true, force: true });
}
