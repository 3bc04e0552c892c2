import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { MemoryState } from './memory-state.js';
import type { BreakerBoard, BreakerNews, BucketLimit, PeerFeed, SharedState, StoreStatus } from './shared-state.js';
import { TAKE_TOKEN_LUA } from './token-bucket-script.js';

/** What RedisState tells the operator: one line when Redis goes away, one when it is back. */
export interface StateLog {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

export interface RedisStateOptions {
  url: string;
  log: StateLog;
  /** Every key and channel starts with this; replicas of one site share it. */
  prefix?: string;
  /** A Redis command slower than this counts as Redis being away for that call, in ms. */
  commandTimeoutMs?: number;
}

const BreakerMessageSchema = z.object({
  from: z.string(),
  key: z.string(),
  news: z.object({
    state: z.enum(['open', 'closed']),
    openUntil: z.number().nullable(),
    failure: z.object({ at: z.number(), kind: z.string(), cause: z.string(), detail: z.string() }).nullable(),
  }),
});

const PeerMessageSchema = z.object({ from: z.string(), item: z.unknown() });

type Scripted = Redis & { switchyardTakeToken(key: string, ratePerMinute: number, burst: number): Promise<number> };

/**
 * Replica-shared state in Redis. Every call that cannot reach Redis (down, or slower than the command timeout)
 * is answered from this replica's own MemoryState instead, so Redis going away never stops requests; the
 * outage shows in `status()` and is logged once, and `onReconnect` listeners run when it is back.
 */
export class RedisState implements SharedState {
  /** This process, among the replicas (a stream consumer name too). */
  readonly replicaId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly redis: Scripted;
  readonly prefix: string;
  readonly breakers: BreakerBoard;
  readonly peers: PeerFeed;
  private readonly peerListeners = new Set<(item: unknown, from: string) => void>();
  private readonly local = new MemoryState();
  private readonly sub: Redis;
  private connected = false;
  private since = new Date().toISOString();
  private everConnected = false;
  /** Whether the first connection failed and was logged (then reaching Redis is worth a line too). */
  private unreachableAtStart = false;
  private closing = false;
  private readonly reconnectListeners = new Set<() => void>();
  private readonly breakerListeners = new Map<string, Set<(news: BreakerNews) => void>>();

  constructor(private readonly options: RedisStateOptions) {
    this.prefix = options.prefix ?? 'switchyard:';
    const connection = {
      // Fail fast instead of queueing while Redis is away: the caller answers from local state.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 500,
      // Reconnect every 0.1..1 s for as long as it takes.
      retryStrategy: (attempt: number) => Math.min(attempt * 100, 1_000),
    };
    this.redis = new Redis(options.url, connection) as Scripted;
    this.redis.defineCommand('switchyardTakeToken', { numberOfKeys: 1, lua: TAKE_TOKEN_LUA });
    this.sub = new Redis(options.url, { ...connection, commandTimeout: undefined, enableOfflineQueue: true });
    this.redis.on('ready', () => this.setConnected(true));
    this.redis.on('close', () => this.setConnected(false));
    // Connection errors show as the outage (status + one log line); the client keeps reconnecting.
    this.redis.on('error', (err: Error) => this.noteError(err));
    this.sub.on('error', (err: Error) => this.noteError(err));
    this.sub.on('message', (channel: string, message: string) => (channel === this.channel ? this.onBreakerMessage(message) : this.onPeerMessage(message)));
    void this.sub.subscribe(this.channel, this.peerChannel).catch((err: unknown) => this.noteError(err));
    this.breakers = {
      publish: (key, news) => this.publishBreaker(key, news),
      subscribe: (key, listener) => this.subscribeBreaker(key, listener),
    };
    this.peers = {
      publish: (item) => void this.tryRedis((redis) => redis.publish(this.peerChannel, JSON.stringify({ from: this.replicaId, item }))),
      subscribe: (listener) => {
        this.peerListeners.add(listener);
        return () => this.peerListeners.delete(listener);
      },
    };
  }

  get isConnected(): boolean {
    return this.connected;
  }

  status(): StoreStatus {
    return { store: 'redis', mode: this.connected ? 'shared' : 'degraded', connected: this.connected, since: this.since };
  }

  async takeToken(bucket: string, limit: BucketLimit): Promise<number> {
    if (!this.connected) return this.local.takeTokenNow(bucket, limit);
    try {
      return await this.redis.switchyardTakeToken(`${this.prefix}bucket:${bucket}`, limit.ratePerMinute, limit.burst);
    } catch (err) {
      this.noteError(err);
      return this.local.takeTokenNow(bucket, limit);
    }
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** Runs `command` against Redis, or resolves `null` (logged via the outage) when Redis is away. */
  async tryRedis<T>(command: (redis: Scripted) => Promise<T>): Promise<T | null> {
    if (!this.connected) return null;
    try {
      return await command(this.redis);
    } catch (err) {
      this.noteError(err);
      return null;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    this.reconnectListeners.clear();
    this.breakerListeners.clear();
    this.peerListeners.clear();
    this.redis.disconnect();
    this.sub.disconnect();
  }

  private get channel(): string {
    return `${this.prefix}breakers`;
  }

  private get peerChannel(): string {
    return `${this.prefix}peers`;
  }

  /** Another replica's item (a dashboard decision); this replica's own echo is dropped. */
  private onPeerMessage(message: string): void {
    const parsed = this.readMessage(message, PeerMessageSchema, 'peer');
    if (parsed === null) return;
    for (const listener of this.peerListeners) listener(parsed.item, parsed.from);
  }

  /** A pub/sub message from another replica, or null: not JSON (logged), not this shape, or this replica's own echo. */
  private readMessage<T extends { from: string }>(message: string, schema: z.ZodType<T>, what: string): T | null {
    let json: unknown;
    try {
      json = JSON.parse(message);
    } catch (err) {
      this.options.log.warn({ err: err instanceof Error ? err.message : String(err) }, `ignored a ${what} message that is not JSON`);
      return null;
    }
    const parsed = schema.safeParse(json);
    return !parsed.success || parsed.data.from === this.replicaId ? null : parsed.data;
  }

  private publishBreaker(key: string, news: BreakerNews): void {
    const stateKey = `${this.prefix}breaker:${key}`;
    const message = JSON.stringify({ from: this.replicaId, key, news });
    void this.tryRedis(async (redis) => {
      const multi = redis.multi();
      if (news.state === 'open' && news.openUntil !== null) multi.set(stateKey, JSON.stringify(news), 'PXAT', news.openUntil);
      else multi.del(stateKey);
      multi.publish(this.channel, message);
      await multi.exec();
    });
  }

  private subscribeBreaker(key: string, listener: (news: BreakerNews) => void): () => void {
    let listeners = this.breakerListeners.get(key);
    if (listeners === undefined) {
      listeners = new Set();
      this.breakerListeners.set(key, listeners);
    }
    listeners.add(listener);
    if (this.connected) void this.catchUp(key);
    return () => listeners.delete(listener);
  }

  /** A breaker another replica opened while this one was away or not yet started. */
  private async catchUp(key: string): Promise<void> {
    const raw = await this.tryRedis((redis) => redis.get(`${this.prefix}breaker:${key}`));
    if (raw === null) return;
    this.deliver(JSON.stringify({ from: '', key, news: JSON.parse(raw) as unknown }));
  }

  private onBreakerMessage(message: string): void {
    this.deliver(message);
  }

  private deliver(message: string): void {
    const parsed = this.readMessage(message, BreakerMessageSchema, 'breaker');
    if (parsed === null) return;
    const news = parsed.news as BreakerNews;
    for (const listener of this.breakerListeners.get(parsed.key) ?? []) listener(news);
  }

  private setConnected(connected: boolean): void {
    if (connected === this.connected || this.closing) return;
    this.connected = connected;
    this.since = new Date().toISOString();
    if (!connected) {
      this.options.log.warn({ store: 'redis', since: this.since }, 'redis unreachable: this replica runs on its local state until it is back');
      return;
    }
    if (this.everConnected || this.unreachableAtStart) this.options.log.info({ store: 'redis' }, 'redis is back: shared state resumed');
    this.everConnected = true;
    for (const key of this.breakerListeners.keys()) void this.catchUp(key);
    for (const listener of this.reconnectListeners) listener();
  }

  /** An error of a caller's Redis work (logged like the state's own). */
  reportError(err: unknown): void {
    this.noteError(err);
  }

  private lastError = '';
  private noteError(err: unknown): void {
    // The outage itself is logged once by setConnected; a distinct error while connected is worth a line.
    const message = err instanceof Error ? err.message : String(err);
    if (this.connected && message !== this.lastError) this.options.log.warn({ err: message }, 'redis command failed; answered from local state');
    // Never reached since start (a wrong URL or port, Redis not up yet, a bad password): setConnected has no
    // change to report, so say it here, once, with the address and the reason.
    if (!this.everConnected && !this.closing && !this.unreachableAtStart) {
      this.unreachableAtStart = true;
      this.options.log.warn({ store: 'redis', redis: withoutPassword(this.options.url), err: message }, 'redis unreachable at start: this replica runs on its local state until it is reachable');
    }
    this.lastError = message;
  }
}

/** `redis://user:secret@host:6379/0` → `redis://user:***@host:6379/0`: the address an operator checks, not the secret. */
function withoutPassword(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}
