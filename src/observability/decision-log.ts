import { appendFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface DecisionLogOptions {
  /** Path of the live file, e.g. `.switchyard/decisions.jsonl`; rotated files get `.1`, `.2`, … */
  file: string;
  /** Rotate when the live file would exceed this many bytes. Default 10 MiB. */
  maxBytes?: number;
  /** Rotated files kept besides the live one. Total disk use ≤ (maxFiles + 1) × maxBytes. Default 3. */
  maxFiles?: number;
  /** Lines waiting for disk beyond this many bytes are dropped (and counted) rather than grow memory. Default 4 MiB. */
  maxPendingBytes?: number;
  /** Called when lines are dropped or a write fails, so the failure is visible (metrics, logger). */
  onError?: (err: Error) => void;
}

/**
 * Append-only JSONL log, one line per request, size-bounded by rotation. Writes are batched and serialized
 * through one promise chain so the request path never waits for disk.
 */
export class DecisionLog {
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private readonly maxPendingBytes: number;
  private pending: string[] = [];
  private pendingBytes = 0;
  private size: number | null = null;
  private chain: Promise<void> = Promise.resolve();
  private scheduled = false;
  /** Lines dropped because the disk could not keep up or a write failed. */
  dropped = 0;

  constructor(private readonly options: DecisionLogOptions) {
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    this.maxFiles = options.maxFiles ?? 3;
    this.maxPendingBytes = options.maxPendingBytes ?? 4 * 1024 * 1024;
  }

  write(entry: object): void {
    const line = JSON.stringify(entry) + '\n';
    const bytes = Buffer.byteLength(line);
    if (this.pendingBytes + bytes > this.maxPendingBytes) {
      this.dropped++;
      this.options.onError?.(new Error('decision log: disk too slow, line dropped'));
      return;
    }
    this.pending.push(line);
    this.pendingBytes += bytes;
    if (!this.scheduled) {
      this.scheduled = true;
      this.chain = this.chain.then(() => this.flushPending());
    }
  }

  /** Resolves when everything written so far is on disk (or counted as dropped). */
  flush(): Promise<void> {
    return this.chain;
  }

  private async flushPending(): Promise<void> {
    this.scheduled = false;
    const lines = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    try {
      if (this.size === null) {
        await mkdir(dirname(this.options.file), { recursive: true });
        this.size = await stat(this.options.file).then(
          (s) => s.size,
          () => 0,
        );
      }
      let batch = '';
      let batchBytes = 0;
      for (const line of lines) {
        const bytes = Buffer.byteLength(line);
        if (this.size + batchBytes + bytes > this.maxBytes && this.size + batchBytes > 0) {
          if (batch !== '') await appendFile(this.options.file, batch);
          await this.rotate();
          batch = '';
          batchBytes = 0;
        }
        batch += line;
        batchBytes += bytes;
      }
      if (batch !== '') {
        await appendFile(this.options.file, batch);
        this.size += batchBytes;
      }
    } catch (err) {
      this.dropped += lines.length;
      this.size = null;
      this.options.onError?.(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** decisions.jsonl → .1 → .2 …; the oldest beyond maxFiles is deleted. */
  private async rotate(): Promise<void> {
    const { file } = this.options;
    await rm(`${file}.${this.maxFiles}`, { force: true });
    for (let i = this.maxFiles - 1; i >= 1; i--) {
      await rename(`${file}.${i}`, `${file}.${i + 1}`).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
    if (this.maxFiles >= 1) await rename(file, `${file}.1`);
    else await rm(file, { force: true });
    this.size = 0;
  }
}
