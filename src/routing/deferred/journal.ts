import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/** One line of the deferred-work journal. The file is append-only JSONL; every append is fsync'd. */
export const JournalEntrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('accepted'), id: z.string(), at: z.number(), request: z.record(z.string(), z.unknown()), tags: z.array(z.string()) }),
  z.object({ type: z.literal('completed'), id: z.string(), at: z.number(), response: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('failed'), id: z.string(), at: z.number(), error: z.object({ message: z.string(), status: z.number() }) }),
  /** Handed to the replicas' shared queue (Redis) once it was back: no longer this process's to run. */
  z.object({ type: z.literal('forwarded'), id: z.string(), at: z.number() }),
]);
export type JournalEntry = z.infer<typeof JournalEntrySchema>;

/**
 * Durable, crash-safe storage for deferred requests. `append` returns only after the line reached the disk
 * (fsync), so a 202 is never sent for work that a crash could lose. A torn last line (crash mid-write) is
 * skipped on load; everything before it is intact.
 */
export class Journal {
  private fd: number | null = null;
  /** Lines the last `load` could not use (a torn write, or an entry of an unknown shape): counted, not silently lost. */
  skipped = 0;

  constructor(readonly path: string) {}

  load(): JournalEntry[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const entries: JournalEntry[] = [];
    this.skipped = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        this.skipped++; // a torn write from a crash: the only line that can be incomplete
        continue;
      }
      const parsed = JournalEntrySchema.safeParse(json);
      if (parsed.success) entries.push(parsed.data);
      else this.skipped++;
    }
    return entries;
  }

  /** Appends and fsyncs. Synchronous on purpose: lines never interleave and the caller knows it is durable. */
  append(entry: JournalEntry): void {
    this.fd ??= this.open();
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.fd);
  }

  /** Atomically replaces the journal with just these entries (compaction at start-up). */
  rewrite(entries: JournalEntry[]): void {
    this.close();
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w');
    writeSync(fd, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(): number {
    mkdirSync(dirname(this.path), { recursive: true });
    return openSync(this.path, 'a');
  }
}
