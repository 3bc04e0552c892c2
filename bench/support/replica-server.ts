// One replica for bench:cluster: `replica-server.ts <upstream-url> <redis-url|none>`. Client keys and the rate
// limit are on (key `bench-client-key`, a limit no run reaches), so every request takes a token: from this
// process's buckets without Redis, through one Redis round trip with it.
import { SecurityConfigSchema } from '../../src/server/security/security-config.js';
import { createService } from '../../src/service.js';

const [upstreamUrl, redisUrl] = process.argv.slice(2);
if (!upstreamUrl || !redisUrl) throw new Error('usage: replica-server.ts <upstream-url> <redis-url|none>');
const service = await createService({
  upstream: { baseURL: upstreamUrl, apiKey: 'bench', model: 'fake-large-1', timeoutMs: 10_000, streamIdleTimeoutMs: 10_000 },
  security: SecurityConfigSchema.parse({ apiKeys: ['bench-client-key'], rateLimit: { requestsPerMinute: 100_000_000, burst: 1_000_000 } }),
  redisUrl: redisUrl === 'none' ? null : redisUrl,
});
const listening = await service.listen(0, '127.0.0.1');
process.stdout.write(`${listening.url}/v1\n`);
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => void service.close().then(() => process.exit(0)));
