import { describe, expect, it } from 'vitest';
import { RestartBackoff } from '../src/backends/local-onnx/restart-backoff.js';

describe('restarting a crashed generation worker', () => {
  it('waits 1 s, doubling to a minute while it keeps dying, and starts over once a worker stayed up a minute', () => {
    let now = 0;
    const backoff = new RestartBackoff(() => now);
    backoff.started();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      now += 5_000; // dies 5 s after each start
      delays.push(backoff.next());
      backoff.started();
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    now += 60_000; // this one stayed up a minute
    expect(backoff.next()).toBe(1_000);
  });
});
