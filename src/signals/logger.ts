/** The little the signal code logs: problems it recovered from. A pino logger fits. */
export interface SignalLogger {
  warn(message: string): void;
}

export const stderrLogger: SignalLogger = {
  warn: (message) => void process.stderr.write(`${message}\n`),
};
