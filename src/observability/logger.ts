import pino from 'pino';
import type { Logger, DestinationStream, LevelWithSilent } from 'pino';
import { Redactor, type SecretList } from './redact.js';

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Values that must never be logged (upstream API key, client API keys). */
  secrets?: Iterable<string> | SecretList;
  /** Where lines go; default stdout. Tests pass a stream to read lines back. */
  destination?: DestinationStream;
}

/**
 * The one pino logger factory. Every line passes through a Redactor: known secrets by value, header-like
 * keys by name, and e-mails/phones/keys/IPs by shape — whatever the call site passed in.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const redactor = new Redactor(options.secrets ?? []);
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'switchyard' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-api-key"]',
          'req.headers.cookie',
          'headers.authorization',
          'headers["x-api-key"]',
          'apiKey',
          '*.apiKey',
        ],
        censor: '[redacted]',
      },
      formatters: {
        log: (object) => redactor.value(object) as Record<string, unknown>,
      },
      hooks: {
        // The message string is not seen by `formatters.log`; scrub it (and printf args) here.
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? redactor.text(a) : a)) as Parameters<typeof method>;
          method.apply(this, scrubbed);
        },
      },
      serializers: { err: (err: unknown) => redactor.value(pino.stdSerializers.err(err as Error)) },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
