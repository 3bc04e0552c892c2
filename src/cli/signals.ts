import type { Command } from 'commander';
import { upstreamFromEnv } from '../config.js';
import { SignalInputError } from '../signals/input-error.js';
import { formatSnapshotTable, snapshotJson } from '../signals/format.js';
import { SignalHub } from '../signals/signal-hub.js';

interface SignalsOptions {
  json?: boolean;
  watch?: boolean;
  signals?: string;
  signalsTrace?: string;
  upstream?: string;
}

export function registerSignals(program: Command): void {
  program
    .command('signals')
    .description('Show the device and link signals the router decides on (battery, CPU, memory, thermal, link).')
    .option('--json', 'print one JSON object (with --watch: one JSON line per change)')
    .option('--watch', 'keep running and print again whenever a reading changes (Ctrl-C to stop)')
    .option('--signals <file>', 'override file (JSON or YAML, any subset of fields); re-read on change')
    .option('--signals-trace <file>', 'replay a device trace (JSONL of {"t": seconds, ...fields})')
    .option('--upstream <url>', 'upstream base URL to measure the link to (default: SWITCHYARD_UPSTREAM_URL / OPENAI_BASE_URL)')
    .action(async (options: SignalsOptions) => {
      const hub = new SignalHub({
        upstreamUrl: options.upstream ?? upstreamFromEnv()?.baseURL ?? null,
        ...(options.signals === undefined ? {} : { overrideFile: options.signals }),
        ...(options.signalsTrace === undefined ? {} : { traceFile: options.signalsTrace }),
      });
      try {
        hub.start();
      } catch (error) {
        if (!(error instanceof SignalInputError)) throw error;
        process.stderr.write(`switchyard signals: ${error.message}\n`);
        process.exitCode = 2;
        return;
      }
      await hub.ready();
      const print = (): void => {
        const snapshot = hub.snapshot();
        process.stdout.write(
          options.json === true
            ? `${JSON.stringify(snapshotJson(snapshot, hub.sources(), hub.link !== null), null, options.watch === true ? undefined : 2)}\n`
            : `${options.watch === true ? '\n' : ''}${formatSnapshotTable(snapshot, hub.sources(), hub.link !== null)}`,
        );
      };
      print();
      if (options.watch !== true) return hub.stop();
      hub.onChange(print);
      // The hub's timers never hold the process open; this does, until Ctrl-C.
      const keepAlive = setInterval(() => undefined, 60_000);
      await new Promise<void>((resolve) => process.once('SIGINT', resolve));
      clearInterval(keepAlive);
      await hub.stop();
    });
}
