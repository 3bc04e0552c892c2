import { type Command, InvalidArgumentError } from 'commander';
import { upstreamFromEnv } from '../config.js';
import { createService } from '../service.js';

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return port;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the OpenAI-compatible API (upstream from SWITCHYARD_UPSTREAM_URL / SWITCHYARD_UPSTREAM_KEY)')
    .option('--port <port>', 'port to listen on', parsePort, 8080)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .action(async (opts: { port: number; host: string }) => {
      const service = createService({ upstream: upstreamFromEnv() });
      const listening = await service.listen(opts.port, opts.host);
      process.stderr.write(`switchyard listening on ${listening.url}\n`);
      const stop = async (): Promise<void> => {
        await service.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
