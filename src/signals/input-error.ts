import type { z } from 'zod';

/** A signals override or trace file that cannot be used; the message names the file, line and field. */
export class SignalInputError extends Error {
  override readonly name: string = 'SignalInputError';
}

/** `file:line: battery.percent: Too big: expected number to be <=100` — one line per issue. */
export function describeIssues(origin: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => `${origin}: ${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('\n');
}
