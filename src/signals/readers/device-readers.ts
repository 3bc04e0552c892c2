import type { Battery, Thermal } from '../snapshot.js';

export interface NetworkReading {
  /** Whether the default route's interface has link; null when the OS does not say. */
  interfaceUp: boolean | null;
  /** Cellular / tethered link; null when unknowable (e.g. Wi-Fi may or may not be a hotspot). */
  metered: boolean | null;
}

/**
 * The device side of the outside world. Each call may take 100 ms+ (they shell out or read /sys), so the
 * hub calls them in the background only; the request path never waits on one. Tests inject fakes.
 * A reader that rejects leaves its field unknown (null) and the hub logs why.
 */
export interface DeviceReaders {
  /** null = no battery (mains power). */
  battery(): Promise<Battery | null>;
  /** 0..1 across all cores over the window since the previous call. */
  cpuLoad(): Promise<number | null>;
  /** Memory available to new allocations, in MB. */
  memoryFreeMb(): Promise<number | null>;
  /** null when neither temperature nor throttling is knowable. */
  thermal(): Promise<Thermal | null>;
  network(): Promise<NetworkReading>;
}
