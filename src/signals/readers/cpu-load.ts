import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** Below this many ms of summed CPU time (all cores) the tick counters are too coarse (10 ms ticks) to use. */
const MIN_WINDOW_MS = 200;

interface CpuTimes {
  busy: number;
  total: number;
}

function cpuTimes(): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const { user, nice, sys, idle, irq } = cpu.times;
    busy += user + nice + sys + irq;
    total += user + nice + sys + idle + irq;
  }
  return { busy, total };
}

/**
 * CPU load from os.cpus() time deltas (~70 µs, no child process; systeminformation's currentLoad() costs
 * ~500 ms on its first call). Each call returns the load since the previous call, 0..1 across all cores.
 * The first call waits 250 ms to have a window at all.
 */
export function createCpuLoadReader(): () => Promise<number | null> {
  let previous: CpuTimes | null = null;
  return async () => {
    if (previous === null) {
      previous = cpuTimes();
      await sleep(250);
    }
    const current = cpuTimes();
    const total = current.total - previous.total;
    if (total < MIN_WINDOW_MS) return null;
    const load = (current.busy - previous.busy) / total;
    previous = current;
    return Math.min(1, Math.max(0, Math.round(load * 1000) / 1000));
  };
}
