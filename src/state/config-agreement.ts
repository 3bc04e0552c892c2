import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { PeerFeed, SharedState } from './shared-state.js';

/** How often each replica tells the others what it serves, in ms (a replica that starts later learns it within this). */
const ANNOUNCE_MS = 10_000;
/** A replica not heard from for this many announcements has stopped; its disagreement is forgotten. */
const FORGET_AFTER = 3;

/** What one replica serves: the policy and the targets, as compiled (not as file paths or bytes). */
export interface ServedConfig {
  policyFile: string;
  policy: unknown;
  /** The targets file's pools and fallback order, without keys; null without `--targets`. */
  targets: unknown;
}

const AnnouncementSchema = z.strictObject({ served: z.strictObject({ policyFile: z.string(), policy: z.string(), targets: z.string() }) });
type Announcement = z.infer<typeof AnnouncementSchema>['served'];

/** Another replica of the group that serves a different policy or targets file (shown in /healthz). */
export interface Disagreement {
  replica: string;
  /** Which of the two differ from this replica's. */
  differs: Array<'policy' | 'targets'>;
  /** The policy file as that replica names it. */
  policyFile: string;
  /** When it was last heard from, ms since the epoch. */
  heardAt: number;
}

export interface ConfigAgreement {
  disagreeing(): Disagreement[];
  /** Tell the others now (after this replica reloaded its policy or targets). */
  announce(): void;
  close(): void;
}

/**
 * Replicas behind one load balancer must route alike: each announces a fingerprint of its policy and targets to
 * the others (the peers channel, every 10 s and on (re)connecting to Redis), and logs once per replica and
 * change when another serves something else. A no-op without Redis (MemoryState has no peers).
 */
export function watchConfigAgreement(
  state: Pick<SharedState, 'peers' | 'onReconnect'>,
  served: () => ServedConfig,
  warn: (fields: Record<string, unknown>, message: string) => void,
  now: () => number = Date.now,
): ConfigAgreement {
  const others = new Map<string, Disagreement & { fingerprint: string }>();
  const mine = (): Announcement => {
    const config = served();
    return { policyFile: config.policyFile, policy: fingerprint(config.policy), targets: fingerprint(config.targets) };
  };
  const announce = (peers: PeerFeed): void => peers.publish({ served: mine() });
  const stopListening = state.peers.subscribe((item, from) => {
    const parsed = AnnouncementSchema.safeParse(item);
    if (!parsed.success) return; // another kind of peer item (a dashboard batch)
    const theirs = parsed.data.served;
    const own = mine();
    const differs = (['policy', 'targets'] as const).filter((what) => theirs[what] !== own[what]);
    if (differs.length === 0) {
      others.delete(from);
      return;
    }
    const print = `${theirs.policy}/${theirs.targets}/${own.policy}/${own.targets}`;
    if (others.get(from)?.fingerprint !== print) {
      warn(
        { replica: from, differs, theirPolicy: theirs.policyFile, ourPolicy: own.policyFile },
        `replica ${from} serves a different ${differs.join(' and ')}: the same request is routed differently depending on the replica; give every replica the same files`,
      );
    }
    others.set(from, { replica: from, differs: [...differs], policyFile: theirs.policyFile, heardAt: now(), fingerprint: print });
  });
  const timer = setInterval(() => announce(state.peers), ANNOUNCE_MS);
  timer.unref();
  const stopReconnect = state.onReconnect(() => announce(state.peers));
  announce(state.peers);
  return {
    disagreeing: () => [...others.values()].filter((d) => now() - d.heardAt <= ANNOUNCE_MS * FORGET_AFTER).map(({ fingerprint: _, ...d }) => d),
    announce: () => announce(state.peers),
    close: () => {
      clearInterval(timer);
      stopListening();
      stopReconnect();
    },
  };
}

/** A short digest of a compiled config, equal on every replica that serves the same one. */
function fingerprint(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value ?? null))
    .digest('hex')
    .slice(0, 12);
}
