import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeferredQueue, type DeferredQueueOptions } from '../src/routing/deferred/deferred-queue.js';
import { httpError, refused } from './helpers/scripted-backend.js';

const body = { model: 'cloud', messages: [{ role: 'user', content: 'later' }] };

function queue(
  options: Partial<DeferredQueueOptions> & Pick<DeferredQueueOptions, 'run' | 'isOnline'>,
  journalPath = join(mkdtempSync(join(tmpdir(), 'defer-')), 'j.jsonl'),
) {
  return { queue: new DeferredQueue({ journalPath, pollMs: 10_000, now: () => 1_000, ...options }), journalPath };
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

/** Lets any drain under way finish, then looks for work once more and lets that finish. */
async function settle(q: DeferredQueue): Promise<void> {
  await tick();
  q.kick();
  await tick();
}

describe('DeferredQueue', () => {
  it('keeps jobs while offline and runs them in order once online', async () => {
    let online = false;
    const ran: string[] = [];
    const { queue: q } = queue({
      isOnline: () => online,
      run: async (request) => {
        ran.push(String((request['messages'] as Array<{ content: string }>)[0]?.content));
        return { ok: true };
      },
    });
    q.start();
    const a = q.accept({ ...body, messages: [{ role: 'user', content: 'a' }] }, []);
    const b = q.accept({ ...body, messages: [{ role: 'user', content: 'b' }] }, ['x']);
    await settle(q);
    expect(q.pending).toBe(2);
    online = true;
    await settle(q);
    expect(ran).toEqual(['a', 'b']);
    expect(q.get(a.id)).toMatchObject({ status: 'completed', response: { ok: true } });
    expect(q.get(b.id)?.status).toBe('completed');
    await q.close();
  });

  it('a retryable failure keeps the job queued; a 4xx fails it for good', async () => {
    const errors: unknown[] = [refused(), httpError(400)];
    const { queue: q } = queue({
      isOnline: () => true,
      run: async () => {
        throw errors.shift();
      },
    });
    q.start();
    const job = q.accept(body, []);
    await settle(q);
    expect(q.get(job.id)?.status).toBe('queued');
    await settle(q);
    expect(q.get(job.id)).toMatchObject({ status: 'failed', error: { status: 400 } });
    await q.close();
  });

  it('survives a restart: the journal brings back queued and finished jobs', async () => {
    const first = queue({ isOnline: () => false, run: async () => ({}) });
    first.queue.start();
    const job = first.queue.accept(body, ['t']);
    await first.queue.close();
    const second = queue({ isOnline: () => true, run: async (_request, tags) => ({ tags }) }, first.journalPath);
    second.queue.start();
    await settle(second.queue);
    expect(second.queue.get(job.id)).toMatchObject({ status: 'completed', response: { tags: ['t'] } });
    await second.queue.close();
  });

  it('counts journal lines it cannot replay (a torn write) instead of dropping them silently', async () => {
    const first = queue({ isOnline: () => false, run: async () => ({}) });
    first.queue.start();
    const job = first.queue.accept(body, []);
    await first.queue.close();
    appendFileSync(first.journalPath, '{"type":"completed","id":"');
    const second = queue({ isOnline: () => false, run: async () => ({}) }, first.journalPath);
    second.queue.start();
    expect(second.queue.skippedOnLoad).toBe(1);
    expect(second.queue.get(job.id)?.status).toBe('queued');
    await second.queue.close();
  });

  it('two hand-overs at once (Redis back while a drain also forwards) push each job once', async () => {
    const { queue: q } = queue({ isOnline: () => false, run: async () => ({ ok: true }) });
    q.start();
    const jobs = [q.accept(body, []), q.accept(body, [])];
    const pushed: string[] = [];
    const push = async (job: { id: string }): Promise<void> => {
      await tick(); // a Redis round trip
      pushed.push(job.id);
    };
    const moved = await Promise.all([q.forward(push), q.forward(push)]);
    expect(pushed.sort()).toEqual(jobs.map((j) => j.id).sort());
    expect(moved.sort()).toEqual([0, 2]);
    expect(q.held).toBe(0);
    await q.close();
  });
});
