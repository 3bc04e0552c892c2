import { randomUUID } from 'node:crypto';
import { classifyError } from '../backends/errors.js';
import type { DeferredJob, DeferredQueue } from '../routing/deferred/deferred-queue.js';
import type { DeferredStore } from '../routing/deferred/deferred-store.js';
import { AcceptedCopies } from './accepted-copies.js';
import type { RedisState } from './redis-state.js';

export interface RedisDeferredQueueOptions {
  state: RedisState;
  /** This replica's own journal: where jobs go while Redis is away, forwarded to the stream once it is back. */
  local: DeferredQueue;
  run: (request: Record<string, unknown>, tags: string[]) => Promise<Record<string, unknown>>;
  isOnline: () => boolean;
  /** How often to look for work, in ms (a job another replica accepted, or one a dead replica held). */
  pollMs?: number;
  /** A job held this long by a replica that stopped renewing it (it died) is taken over, in ms. */
  claimIdleMs?: number;
  /** Jobs and results are kept this long for clients to fetch, in ms. */
  retentionMs?: number;
}

const GROUP = 'runners';

/**
 * The store-and-forward queue shared by the replicas, on a Redis stream with one consumer group: a job is XADDed
 * by the replica that accepted it and read (XREADGROUP) by whichever replica reaches the upstream; one that died
 * holding a job loses it to another after `claimIdleMs` (XAUTOCLAIM; a live runner renews its claim). A job's
 * result is written once (SET NX), then the entry is acknowledged, so a job runs to one result even when two
 * replicas raced on it, and `GET /v1/deferred/{id}` answers the same on every replica.
 */
export class RedisDeferredQueue implements DeferredStore {
  private readonly stream: string;
  private readonly pollMs: number;
  private readonly claimIdleMs: number;
  private readonly retentionS: number;
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private closed = false;
  private shared = 0;
  private readonly unsubscribe: () => void;
  /** Jobs this replica put into Redis, until their result is there (a Redis restarted empty lost them). */
  private readonly copies: AcceptedCopies;

  constructor(private readonly options: RedisDeferredQueueOptions) {
    this.stream = `${options.state.prefix}deferred`;
    this.pollMs = options.pollMs ?? 1_000;
    this.claimIdleMs = options.claimIdleMs ?? 30_000;
    this.retentionS = Math.ceil((options.retentionMs ?? 24 * 3600_000) / 1000);
    this.copies = new AcceptedCopies(this.retentionS * 1000);
    this.unsubscribe = options.state.onReconnect(() => void this.resync());
  }

  get pending(): number {
    return this.options.local.pending + this.shared;
  }

  get skippedOnLoad(): number {
    return this.options.local.skippedOnLoad;
  }

  start(): void {
    this.options.local.start();
    void this.resync();
  }

  async enqueue(request: Record<string, unknown>, tags: string[]): Promise<DeferredJob> {
    const job: DeferredJob = { id: `defer_${randomUUID().replaceAll('-', '')}`, status: 'queued', createdAt: Date.now(), request, tags };
    const added = await this.options.state.tryRedis(() => this.push(job));
    if (added !== null) {
      this.copies.keep(job);
      this.kick();
      return job;
    }
    return this.options.local.accept(request, tags); // Redis away: this replica's journal keeps it
  }

  get(id: string): DeferredJob | undefined {
    return this.options.local.get(id);
  }

  async lookup(id: string): Promise<DeferredJob | undefined> {
    const key = this.key;
    const raw = await this.options.state.tryRedis((redis) => redis.mget(key('result', id), key('job', id)));
    const found = raw?.find((value) => value !== null);
    if (found !== undefined && found !== null) return JSON.parse(found) as DeferredJob;
    return this.options.local.get(id) ?? this.copies.get(id);
  }

  kick(): void {
    this.options.local.kick();
    if (this.closed || this.draining !== null) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.draining = this.drain()
      .catch((err: unknown) => this.options.state.reportError(err))
      .finally(() => {
        this.draining = null;
        if (!this.closed) this.timer = setTimeout(() => this.kick(), this.pollMs);
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    if (this.timer !== null) clearTimeout(this.timer);
    await this.draining;
    await this.options.local.close();
  }

  private key = (kind: 'job' | 'result', id: string): string => `${this.options.state.prefix}deferred:${kind}:${id}`;

  /** The job record, then the stream entry that makes a replica run it (one round trip). */
  private async push(job: DeferredJob): Promise<void> {
    const multi = this.options.state.redis.multi();
    if (job.status === 'queued') {
      multi.set(this.key('job', job.id), JSON.stringify(job), 'EX', this.retentionS);
      multi.xadd(this.stream, '*', 'id', job.id);
    } else {
      multi.set(this.key('result', job.id), JSON.stringify(job), 'EX', this.retentionS, 'NX');
    }
    const results = await multi.exec();
    const failed = results?.find(([err]) => err !== null);
    if (failed !== undefined) throw failed[0];
  }

  /** After (re)connecting: the group exists (Redis may have restarted empty), and what was kept locally moves over. */
  private async resync(): Promise<void> {
    const ready = await this.options.state.tryRedis(async (redis) => {
      await redis.xgroup('CREATE', this.stream, GROUP, '0', 'MKSTREAM').catch((err: unknown) => {
        if (!(err instanceof Error && err.message.startsWith('BUSYGROUP'))) throw err;
      });
      return true;
    });
    if (ready === null) return;
    await this.forwardLocal();
    this.kick();
  }

  /** Jobs this replica kept (or finished) on its own while Redis was away, handed to the stream and results. */
  private async forwardLocal(): Promise<void> {
    if (this.options.local.held === 0) return;
    const forward = async (job: DeferredJob): Promise<void> => {
      await this.push(job);
      this.copies.keep(job);
    };
    await this.options.state.tryRedis(() => this.options.local.forward(forward));
  }

  /** Drops the copies whose result Redis holds, and puts back the jobs Redis no longer knows (it restarted empty). */
  private async restoreLost(): Promise<void> {
    const waiting = this.copies.waiting();
    if (waiting.length === 0) return;
    const keys = waiting.flatMap((job) => [this.key('job', job.id), this.key('result', job.id)]);
    const found = await this.options.state.tryRedis((redis) => redis.mget(keys));
    if (found === null) return;
    for (const [i, job] of waiting.entries()) {
      if (found[2 * i + 1] !== null) this.copies.drop(job.id);
      else if (found[2 * i] === null) await this.options.state.tryRedis(() => this.push(job));
    }
  }

  private async drain(): Promise<void> {
    await this.forwardLocal(); // also one the local drain was running during the last forward
    await this.restoreLost();
    // /healthz counts the group's waiting jobs while the cloud is away too (claimNext only runs when it is back).
    const waiting = await this.options.state.tryRedis((redis) => redis.xlen(this.stream));
    if (waiting !== null) this.shared = waiting;
    while (!this.closed && this.options.isOnline()) {
      const next = await this.options.state.tryRedis((redis) => this.claimNext(redis));
      if (next === null || next === undefined) return;
      if (!(await this.runEntry(next.entry, next.id))) return;
    }
  }

  /** My own unfinished entry first, then one a dead replica held too long, then a new one. */
  private async claimNext(redis: RedisState['redis']): Promise<{ entry: string; id: string } | undefined> {
    const me = this.options.state.replicaId;
    this.shared = await redis.xlen(this.stream);
    const mine = (await redis.xreadgroup('GROUP', GROUP, me, 'COUNT', 1, 'STREAMS', this.stream, '0')) as StreamReply | null;
    const own = entryOf(mine);
    if (own !== undefined) return own;
    const claimed = (await redis.xautoclaim(this.stream, GROUP, me, this.claimIdleMs, '0-0', 'COUNT', 1)) as [string, RawEntry[], unknown];
    const taken = claimed[1].map(toEntry).find((e) => e !== undefined);
    if (taken !== undefined) return taken;
    return entryOf((await redis.xreadgroup('GROUP', GROUP, me, 'COUNT', 1, 'STREAMS', this.stream, '>')) as StreamReply | null);
  }

  /** Runs one entry to its result; false when it must wait (Redis away, or the upstream failed again). */
  private async runEntry(entry: string, id: string): Promise<boolean> {
    const state = this.options.state;
    const found = await state.tryRedis((redis) => redis.mget(this.key('job', id), this.key('result', id)));
    if (found === null) return false; // Redis went away: the entry stays pending; picked up later
    const [job, done] = found;
    // Already ran (another replica finished it first), or its record expired: nothing left to run.
    if (done !== null || job === null || job === undefined) return this.finish(entry);
    const record = JSON.parse(job) as DeferredJob;
    // Renew the claim while running, so no live replica's job is taken over.
    const renew = setInterval(
      () => void state.tryRedis((redis) => redis.xclaim(this.stream, GROUP, state.replicaId, 0, entry, 'JUSTID')),
      Math.max(100, this.claimIdleMs / 3),
    );
    let result: DeferredJob;
    try {
      result = { ...record, status: 'completed', response: await this.options.run(record.request, record.tags) };
    } catch (err) {
      const error = classifyError(err);
      if (error.isRetryable || error.kind === 'aborted') return false; // stays pending in my name; retried on the next pass
      result = { ...record, status: 'failed', error: { message: error.message, status: error.status } };
    } finally {
      clearInterval(renew);
    }
    // The first result written wins (SET NX); a second run of the same job changes nothing a client sees.
    if ((await state.tryRedis(() => this.push(result))) === null) return false;
    return this.finish(entry);
  }

  private async finish(entry: string): Promise<boolean> {
    const acked = await this.options.state.tryRedis((redis) => redis.multi().xack(this.stream, GROUP, entry).xdel(this.stream, entry).exec());
    return acked !== null;
  }
}

type RawEntry = [string, string[]] | null;
type StreamReply = Array<[string, RawEntry[]]>;

function toEntry(raw: RawEntry): { entry: string; id: string } | undefined {
  if (raw === null) return undefined;
  const [entry, fields] = raw;
  const at = fields.indexOf('id');
  const id = at >= 0 ? fields[at + 1] : undefined;
  return id === undefined ? undefined : { entry, id };
}

function entryOf(reply: StreamReply | null): { entry: string; id: string } | undefined {
  return reply?.[0]?.[1].map(toEntry).find((e) => e !== undefined);
}
