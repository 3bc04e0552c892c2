import { MemoryState } from './memory-state.js';
import { RedisState, type StateLog } from './redis-state.js';
import type { SharedState } from './shared-state.js';

/** Redis when a URL is given (`SWITCHYARD_REDIS_URL` / `serve --redis`), else the embedded single-process state. */
export function openSharedState(redisUrl: string | null, log: StateLog): SharedState {
  return redisUrl === null ? new MemoryState() : new RedisState({ url: redisUrl, log });
}
