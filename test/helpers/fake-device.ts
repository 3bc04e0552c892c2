import type { DeviceReaders } from '../../src/signals/readers/device-readers.js';

/** Device readers for a calm laptop on mains power: tests control the link, not the device. */
export function calmDevice(): DeviceReaders {
  return {
    battery: async () => null,
    cpuLoad: async () => 0.1,
    memoryFreeMb: async () => 8_000,
    thermal: async () => null,
    network: async () => ({ interfaceUp: true, metered: false }),
  };
}
