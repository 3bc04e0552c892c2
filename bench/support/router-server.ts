// A router in its own process for benchmarks: `router-server.ts <upstream-url> <keep-alive|global>`.
import { createService } from '../../src/service.js';

const [upstreamUrl, fetchKind] = process.argv.slice(2);
if (!upstreamUrl) throw new Error('usage: router-server.ts <upstream-url> [keep-alive|global]');
const service = await createService({
  upstream: { baseURL: upstreamUrl, apiKey: 'bench', model: 'fake-large-1', timeoutMs: 10_000, streamIdleTimeoutMs: 10_000 },
  upstreamFetch: fetchKind === 'global' ? 'global' : 'keep-alive',
});
const listening = await service.listen(0, '127.0.0.1');
process.stdout.write(`${listening.url}/v1\n`);
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => void service.close().then(() => process.exit(0)));
