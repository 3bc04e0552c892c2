import type { DeferredJob } from './deferred-queue.js';

/**
 * Where accepted deferred work lives until it ran: this process's journal (DeferredQueue), or a Redis stream the
 * replicas share (RedisDeferredQueue), so a job accepted by one replica is run by whichever is alive.
 */
export interface DeferredStore {
  /** Keeps the request durably; resolves once it would survive this process crashing. */
  enqueue(request: Record<string, unknown>, tags: string[]): Promise<DeferredJob>;
  /** The job as this replica's own journal holds it, without a round trip (`lookup` asks every replica's store). */
  get(id: string): DeferredJob | undefined;
  /** The job, from any replica when shared. */
  lookup(id: string): Promise<DeferredJob | undefined>;
  /** Look for work now (e.g. the link came back). */
  kick(): void;
  /** Jobs waiting, as far as this replica knows. */
  readonly pending: number;
  /** Journal lines that could not be replayed at start-up. */
  readonly skippedOnLoad: number;
  start(): void;
  close(): Promise<void>;
}
