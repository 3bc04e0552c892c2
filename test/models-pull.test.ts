import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalBackend } from '../src/backends/local-onnx/index.js';
import { listInstalledModels } from '../src/models/list-models.js';
import { pullModel } from '../src/models/pull-model.js';
import { fromPackageRoot } from '../src/paths.js';
import { startFileServer, type FileServer } from './helpers/file-server.js';

const source = fromPackageRoot('models', 'tiny-llama');
const repo = 'test-org/tiny-chat';

describe('switchyard models pull (against a hub on 127.0.0.1)', () => {
  let server: FileServer | undefined;
  let modelsDir = '';
  afterEach(async () => {
    await server?.close();
    if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
  });
  const setup = async (extra: Partial<Parameters<typeof startFileServer>[0]> = {}): Promise<FileServer> => {
    modelsDir = mkdtempSync(join(tmpdir(), 'switchyard-models-'));
    server = await startFileServer({ repos: { [repo]: source }, ...extra });
    return server;
  };

  it('installs a servable model folder with only the requested dtype, verified', async () => {
    const hub = await setup();
    const progress: number[] = [];
    const result = await pullModel({ repo, dtype: 'q4', endpoint: hub.endpoint, modelsDir, onProgress: (_f, done) => progress.push(done) });
    expect(result.dir).toBe(join(modelsDir, 'tiny-chat'));
    expect(readdirSync(join(result.dir, 'onnx'))).toEqual(['model_q4.onnx']);
    expect(readFileSync(join(result.dir, 'onnx', 'model_q4.onnx')).equals(readFileSync(join(source, 'onnx', 'model_q4.onnx')))).toBe(true);
    expect(result.files.find((f) => f.path === 'onnx/model_q4.onnx')?.verified).toBe('sha256');
    expect(progress.length).toBeGreaterThan(0);
    expect(readdirSync(modelsDir)).toEqual(['tiny-chat']); // staging folder gone
    expect(listInstalledModels(modelsDir)[0]).toMatchObject({ id: 'tiny-chat', dtypes: { q4: expect.any(Number) as number } });

    const backend = createLocalBackend({ modelDir: result.dir });
    await backend.settled;
    const answer = await backend.generate({ messages: [{ role: 'user', content: 'Say hello' }], model: 'tiny-chat', maxTokens: 4, temperature: 0, extra: {}, signal: new AbortController().signal });
    expect(answer.content.length).toBeGreaterThan(0);
    await backend.close();
  });

  it('resumes an interrupted download with a Range request', async () => {
    const hub = await setup({ dropAfterBytes: { 'onnx/model_q4.onnx': 50_000 } });
    await expect(pullModel({ repo, dtype: 'q4', endpoint: hub.endpoint, modelsDir })).rejects.toThrow();
    expect(existsSync(join(modelsDir, 'tiny-chat'))).toBe(false); // nothing half-installed
    const result = await pullModel({ repo, dtype: 'q4', endpoint: hub.endpoint, modelsDir });
    // It asks only for what it lacks: from wherever the partial file ended (at most the 50,000 bytes sent;
    // chunks still in flight when the connection dropped are fetched again).
    const resumedFrom = hub.requests
      .filter((r) => r.path.endsWith('model_q4.onnx') && r.range !== undefined)
      .map((r) => Number(/^bytes=(\d+)-$/.exec(r.range ?? '')?.[1]));
    expect(resumedFrom).toHaveLength(1);
    expect(resumedFrom[0]).toBeGreaterThan(0);
    expect(resumedFrom[0]).toBeLessThanOrEqual(50_000);
    expect(readFileSync(join(result.dir, 'onnx', 'model_q4.onnx')).equals(readFileSync(join(source, 'onnx', 'model_q4.onnx')))).toBe(true);
  });

  it('refuses a file whose bytes do not match the checksum, and installs nothing', async () => {
    const hub = await setup({ corrupt: ['onnx/model_q4.onnx'] });
    await expect(pullModel({ repo, dtype: 'q4', endpoint: hub.endpoint, modelsDir })).rejects.toThrow(/sha256 mismatch/);
    expect(existsSync(join(modelsDir, 'tiny-chat'))).toBe(false);
  });

  it('says which dtype is missing', async () => {
    const hub = await setup();
    await expect(pullModel({ repo, dtype: 'uint8', endpoint: hub.endpoint, modelsDir })).rejects.toThrow(/model_uint8\.onnx/);
  });

  it('reads HF_ENDPOINT when no endpoint is given', async () => {
    const hub = await setup();
    process.env['HF_ENDPOINT'] = hub.endpoint;
    try {
      const result = await pullModel({ repo, dtype: 'fp32', modelsDir });
      expect(readdirSync(join(result.dir, 'onnx'))).toEqual(['model.onnx']);
    } finally {
      delete process.env['HF_ENDPOINT'];
    }
  });
});
