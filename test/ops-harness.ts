import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLocalBackend } from '../src/backends/local-onnx/create-local-backend.js';
import type { LocalBackend } from '../src/backends/local-onnx/local-backend.js';
import { createLogger } from '../src/observability/index.js';
import type { Service } from '../src/service.js';
import { loadSecurityConfig } from '../src/server/security/index.js';
import { SignalHub } from '../src/signals/signal-hub.js';
import { FakeUpstream } from './helpers/fake-upstream.js';
import { startTestService } from './helpers/service.js';

export interface OpsServer {
  url: string;
  service: Service;
  fake: FakeUpstream;
  local: LocalBackend | null;
  close(): Promise<void>;
}

export const UPSTREAM_KEY = 'sk-upstream-never-log-me-0123456789';

/**
 * The real service (createService: policy decider, router, security layer, metrics, dashboard) on 127.0.0.1,
 * with a fake upstream on 127.0.0.1 and optionally the bundled tiny local model and a replayed device trace.
 */
export async function startOpsServer(
  options: {
    /** SWITCHYARD_* security settings (keys, rate limits, …). */
    env?: NodeJS.ProcessEnv;
    local?: boolean;
    queueCapacity?: number;
    chunkDelayMs?: number;
    /** Receives every log line (JSON text) when given; otherwise logging is silent. */
    logLines?: string[];
    decisionLogFile?: string;
    /** Log message content in the decision log (SWITCHYARD_LOG_CONTENT=1). */
    decisionLogContent?: boolean;
    /** Point the upstream backend here instead of at the fake (e.g. a hostile upstream). */
    upstreamUrl?: string;
    /** A `--signals-trace` JSONL file replayed by a real SignalHub from start. */
    traceFile?: string;
  } = {},
): Promise<OpsServer> {
  const fake = await new FakeUpstream({ chunkDelayMs: options.chunkDelayMs ?? 0, model: 'gpt-4o-mini' }).start();
  const local = options.local === true ? createLocalBackend({ queueCapacity: options.queueCapacity ?? 4, threads: 1 }) : null;
  if (local !== null) await local.settled;
  const security = loadSecurityConfig(options.env ?? {});
  const traceFile = options.traceFile;
  const logger =
    options.logLines === undefined
      ? createLogger({ level: 'silent' })
      : createLogger({ level: 'debug', secrets: [UPSTREAM_KEY, ...security.apiKeys], destination: capture(options.logLines) });
  const t = await startTestService({
    fake,
    local,
    security,
    upstreamKey: UPSTREAM_KEY,
    upstreamModel: 'gpt-4o-mini',
    ...(options.upstreamUrl === undefined ? {} : { upstreamUrl: options.upstreamUrl }),
    ...(traceFile === undefined
      ? {}
      : {
          signals: (upstreamUrl: string) =>
            new SignalHub({
              upstreamUrl,
              traceFile,
              localModel: () => ({ state: 'ready', queueDepth: local?.health().queueDepth ?? 0, queueCapacity: local?.health().queueCapacity ?? 0 }),
            }),
        }),
    observability: {
      logger,
      decisionLog: options.decisionLogFile === undefined ? null : { file: options.decisionLogFile, includeContent: options.decisionLogContent === true },
    },
    dataDir: mkdtempSync(join(tmpdir(), 'sy-ops-')),
  });
  return {
    url: t.url,
    service: t.service,
    fake,
    local,
    async close() {
      await t.close();
      await fake.close();
      await local?.close();
    },
  };
}

function capture(lines: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
}
