import { UpstreamBackend } from '../src/backends/upstream/upstream-backend.js';
import { createKeepAliveFetch } from '../src/backends/upstream/keep-alive-fetch.js';
import { describeBackendContract, structuredUpstreamReplies } from './helpers/backend-contract.js';
import { FakeUpstream } from './helpers/fake-upstream.js';

// The same contract the local backend meets, against the upstream backend talking to a real HTTP server.
describeBackendContract('upstream (openai SDK → fake upstream on 127.0.0.1)', async () => {
  const fake = await new FakeUpstream({ chunkDelayMs: 5, ...structuredUpstreamReplies }).start();
  const http = createKeepAliveFetch();
  const backend = new UpstreamBackend(
    { baseURL: fake.url, apiKey: 'test', model: 'fake-large-1', timeoutMs: 5_000, streamIdleTimeoutMs: 5_000 },
    { fetch: http.fetch },
  );
  return {
    backend,
    model: 'fake-large-1',
    cleanup: async () => {
      await backend.close();
      http.close();
      await fake.close();
    },
  };
});
