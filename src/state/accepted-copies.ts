import type { DeferredJob } from '../routing/deferred/deferred-queue.js';

/**
 * The deferred jobs this replica put into Redis, kept in this process until their result is there. A Redis that
 * restarts empty (no persistence) loses its stream; the replica that gave the client its 202 then puts the job
 * back, and meanwhile still answers `GET /v1/deferred/{id}` for it.
 */
export class AcceptedCopies {
  private readonly jobs = new Map<string, DeferredJob>();

  constructor(
    /** A copy older than this is dropped: Redis lets the job expire then too, in ms. */
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  keep(job: DeferredJob): void {
    if (job.status === 'queued') this.jobs.set(job.id, job);
  }

  get(id: string): DeferredJob | undefined {
    return this.jobs.get(id);
  }

  drop(id: string): void {
    this.jobs.delete(id);
  }

  /** The copies still waiting for a result (expired ones are dropped first). */
  waiting(): DeferredJob[] {
    const horizon = this.now() - this.retentionMs;
    for (const [id, job] of this.jobs) if (job.createdAt < horizon) this.jobs.delete(id);
    return [...this.jobs.values()];
  }
}
