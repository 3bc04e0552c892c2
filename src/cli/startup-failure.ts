import { PolicyError } from '../policy/diagnostics.js';
import { SignalInputError } from '../signals/input-error.js';

/** A reason start-up cannot go on that the user can fix from its message alone (a flag, a folder, a file). */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/**
 * The one-line explanation of a start-up failure a user caused (a bad policy, signals file or model folder,
 * a port in use), or null for anything else: a bug keeps its stack trace.
 */
export function describeStartupFailure(err: unknown, listen: { port: number; host: string }): string | null {
  if (err instanceof PolicyError || err instanceof SignalInputError || err instanceof StartupError) return err.message;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') return `${listen.host}:${listen.port} is already in use: stop the other server or pick another --port`;
  if (code === 'EACCES') return `not allowed to listen on ${listen.host}:${listen.port}: ports below 1024 need privileges; pick another --port`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return `cannot listen on ${listen.host}: no such address on this machine (--host)`;
  return null;
}
