import { readFile, readdir } from 'node:fs/promises';
import si from 'systeminformation';
import type { Battery, Thermal } from '../snapshot.js';
import { createCpuLoadReader } from './cpu-load.js';
import type { DeviceReaders, NetworkReading } from './device-readers.js';

const MB = 1024 * 1024;

/** The real readers: systeminformation plus a few /sys reads where it is too slow or silent. */
export function createSystemReaders(): DeviceReaders {
  return {
    battery: readBattery,
    cpuLoad: createCpuLoadReader(),
    memoryFreeMb: async () => Math.round((await si.mem()).available / MB),
    thermal: createThermalReader(),
    network: readNetwork,
  };
}

async function readBattery(): Promise<Battery | null> {
  const b = await si.battery();
  if (!b.hasBattery) return null;
  return {
    percent: Math.min(100, Math.max(0, b.percent)),
    charging: b.isCharging,
    // systeminformation reports minutes; null/negative when the OS has no estimate or it is charging.
    timeRemainingMin: !b.isCharging && typeof b.timeRemaining === 'number' && b.timeRemaining >= 0 ? b.timeRemaining : null,
  };
}

/**
 * Temperature from systeminformation; throttling from Intel's per-CPU thermal_throttle counters in /sys:
 * a counter that grew since the previous call means "throttling now". No counters → null (unknowable).
 */
function createThermalReader(): () => Promise<Thermal | null> {
  let previousCount: number | null = null;
  return async () => {
    const [temperature, count] = await Promise.all([si.cpuTemperature(), throttleCount()]);
    const cpuTempC = typeof temperature.main === 'number' && temperature.main > 0 ? temperature.main : null;
    const throttling = count === null || previousCount === null ? null : count > previousCount;
    previousCount = count;
    return cpuTempC === null && throttling === null ? null : { cpuTempC, throttling };
  };
}

async function throttleCount(): Promise<number | null> {
  const root = '/sys/devices/system/cpu';
  const entries = await readdir(root).catch(ifMissing(null)); // not Linux: throttling unknowable
  let sum = 0;
  let found = false;
  for (const cpu of entries?.filter((name) => /^cpu\d+$/.test(name)) ?? []) {
    const text = await readFile(`${root}/${cpu}/thermal_throttle/package_throttle_count`, 'utf8').catch(ifMissing(null));
    if (text === null) continue;
    sum += Number(text.trim());
    found = true;
  }
  return found ? sum : null;
}

/** Interface names that mean a cellular modem or a phone tethered over USB. */
const CELLULAR_NAME = /^(wwan|rmnet|ccmni|pdp_ip|ppp|usb|rndis|wwp)/i;

/**
 * The default interface's link and kind. `networkInterfaces(false)` reuses systeminformation's cache while
 * the address set is unchanged (~0.1 ms instead of ~60 ms of child processes); link state itself is read
 * fresh from /sys on Linux because a dropped carrier does not always change the addresses.
 */
async function readNetwork(): Promise<NetworkReading> {
  const interfaces = await si.networkInterfaces(false);
  const external = interfaces.filter((i) => !i.internal);
  const main = external.find((i) => i.default) ?? external.find((i) => i.operstate === 'up');
  if (main === undefined) return { interfaceUp: external.length === 0 ? false : null, metered: null };
  const fresh = await readFile(`/sys/class/net/${main.iface}/operstate`, 'utf8').catch(ifMissing(null));
  const operstate = (fresh ?? main.operstate).trim();
  // 'unknown' is what tun/ppp devices report while working: trust their addresses then.
  const interfaceUp = operstate === 'up' ? true : operstate === 'unknown' ? main.ip4 !== '' || main.ip6 !== '' : false;
  const metered = CELLULAR_NAME.test(main.iface) ? true : main.type === 'wired' ? false : null;
  return { interfaceUp, metered };
}

/** For `.catch()`: a missing file or folder means "this OS does not expose it" → `fallback`; anything else is a real error. */
function ifMissing<T>(fallback: T): (error: unknown) => T {
  return (error) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return fallback;
    throw error;
  };
}
