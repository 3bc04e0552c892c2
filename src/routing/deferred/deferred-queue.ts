import { randomUUID } from 'node:crypto';
import { classifyError } from '../../backends/errors.js';
import type { DeferredStore } from './deferred-store.js';
import { Journal, type JournalEntry } from './journal.js';

export type JobStatus = 'queued' | 'completed' | 'failed';

export interface DeferredJob {
  id: string;
  status: JobStatus;
  createdAt: number;
  request: Record<string, unknown>;
  tags: string[];
  response?: Record<string, unknown>;
  error?: { message: string; status: number };
}

export interface DeferredQueueOptions {
  journalPath: string;
  /** Runs one job against the upstream; resolves with the completion body. */
  run: (request: Record<string, unknown>, tags: string[]) => Promise<Record<string, unknown>>;
  /** Whether the upstream is believed reachable now. */
  isOnline: () => boolean;
  /** How often to look for work while offline or after a failed attempt, in ms. */
  pollMs?: number;
  /** Finished jobs are kept this long for clients to fetch, in ms. */
  retentionMs?: number;
  now?: () => number;
}

/**
 * Store-and-forward for work that must reach the cloud: accepted jobs are journaled (fsync) before the client
 * gets its 202, survive crashes and restarts, and run in order once the upstream is reachable. A job fails
 * for good only on an error that retrying cannot fix (a 4xx other than 408/409/429).
 */
export class DeferredQueue implements DeferredStore {
  private readonly jobs = new Map<string, DeferredJob>();
  private readonly journal: Journal;
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private closed = false;
  /** The job the drain is running now (not to be handed to another replica meanwhile). */
  private running: string | null = null;
  /** Jobs being handed to the replicas' shared queue right now (not to be run here meanwhile). */
  private readonly leaving = new Set<string>();
  private forwarding: Promise<number> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: DeferredQueueOptions) {
    this.journal = new Journal(options.journalPath);
    this.now = options.now ?? Date.now;
  }

  /** Replays the journal (compacting it) and starts draining. */
  start(): void {
    for (const entry of this.journal.load()) this.apply(entry);
    const horizon = this.now() - (this.options.retentionMs ?? 24 * 3600_000);
    for (const [id, job] of this.jobs) if (job.status !== 'queued' && job.createdAt < horizon) this.jobs.delete(id);
    this.journal.rewrite([...this.jobs.values()].flatMap(entriesOf));
    this.kick();
  }

  accept(request: Record<string, unknown>, tags: string[]): DeferredJob {
    const entry: JournalEntry = { type: 'accepted', id: `defer_${randomUUID().replaceAll('-', '')}`, at: this.now(), request, tags };
    this.journal.append(entry);
    const job = this.apply(entry)!;
    this.kick();
    return job;
  }

  get(id: string): DeferredJob | undefined {
    return this.jobs.get(id);
  }

  async enqueue(request: Record<string, unknown>, tags: string[]): Promise<DeferredJob> {
    return this.accept(request, tags);
  }

  async lookup(id: string): Promise<DeferredJob | undefined> {
    return this.get(id);
  }

  /**
   * Hands every job not running right now to `push` (the replicas' shared queue, back after an outage); each one
   * `push` took is journaled as forwarded and leaves this queue. A push that throws keeps the job here.
   */
  async forward(push: (job: DeferredJob) => Promise<void>): Promise<number> {
    // One hand-over at a time: two at once (Redis back while a drain also forwards) would push a job twice.
    // A failure of the other hand-over is its own caller's to report; this one then tries again.
    while (this.forwarding !== null) await this.forwarding.then(noop, noop);
    this.forwarding = this.forwardEach(push).finally(() => {
      this.forwarding = null;
    });
    return this.forwarding;
  }

  private async forwardEach(push: (job: DeferredJob) => Promise<void>): Promise<number> {
    let moved = 0;
    for (const job of [...this.jobs.values()]) {
      if (job.id === this.running || !this.jobs.has(job.id)) continue;
      this.leaving.add(job.id); // the drain must not start it while it is being handed over
      try {
        await push(job);
      } finally {
        this.leaving.delete(job.id);
      }
      this.record({ type: 'forwarded', id: job.id, at: this.now() });
      moved++;
    }
    return moved;
  }

  /** Journal lines that could not be replayed at start-up (see Journal.skipped). */
  get skippedOnLoad(): number {
    return this.journal.skipped;
  }

  /** Jobs this queue holds, finished ones included (0 once everything was forwarded). */
  get held(): number {
    return this.jobs.size;
  }

  get pending(): number {
    let n = 0;
    for (const job of this.jobs.values()) if (job.status === 'queued') n++;
    return n;
  }

  /** Look for work now (e.g. the link came back). */
  kick(): void {
    if (this.closed || this.draining !== null) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (!this.closed && this.pending > 0) this.timer = setTimeout(() => this.kick(), this.options.pollMs ?? 1_000);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    await this.draining;
    this.journal.close();
  }

  private async drain(): Promise<void> {
    for (const job of [...this.jobs.values()]) {
      if (this.closed || !this.options.isOnline()) return;
      if (job.status !== 'queued' || !this.jobs.has(job.id) || this.leaving.has(job.id)) continue;
      this.running = job.id;
      try {
        const response = await this.options.run(job.request, job.tags);
        this.record({ type: 'completed', id: job.id, at: this.now(), response });
      } catch (err) {
        const error = classifyError(err);
        if (error.isRetryable || error.kind === 'aborted') return; // keep it queued; try again later
        this.record({ type: 'failed', id: job.id, at: this.now(), error: { message: error.message, status: error.status } });
      } finally {
        this.running = null;
      }
    }
  }

  private record(entry: JournalEntry): void {
    this.journal.append(entry);
    this.apply(entry);
  }

  private apply(entry: JournalEntry): DeferredJob | undefined {
    if (entry.type === 'accepted') {
      const job: DeferredJob = { id: entry.id, status: 'queued', createdAt: entry.at, request: entry.request, tags: entry.tags };
      this.jobs.set(entry.id, job);
      return job;
    }
    if (entry.type === 'forwarded') {
      this.jobs.delete(entry.id);
      return undefined;
    }
    const job = this.jobs.get(entry.id);
    if (job === undefined) return undefined;
    if (entry.type === 'completed') Object.assign(job, { status: 'completed', response: entry.response });
    else Object.assign(job, { status: 'failed', error: entry.error });
    return job;
  }
}

function entriesOf(job: DeferredJob): JournalEntry[] {
  const accepted: JournalEntry = { type: 'accepted', id: job.id, at: job.createdAt, request: job.request, tags: job.tags };
  if (job.status === 'completed' && job.response) return [accepted, { type: 'completed', id: job.id, at: job.createdAt, response: job.response }];
  if (job.status === 'failed' && job.error) return [accepted, { type: 'failed', id: job.id, at: job.createdAt, error: job.error }];
  return [accepted];
}

function noop(): void {}
