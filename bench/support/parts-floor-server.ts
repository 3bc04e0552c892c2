// The floor for a router built on Switchyard's chosen parts: express with its JSON body parser in, the openai SDK
// (with our keep-alive fetch) out, the answer passed through with no routing, scoring or recording.
// `parts-floor-server.ts <upstream-url>`; prints its URL on stdout.
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import express from 'express';
import OpenAI from 'openai';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { createKeepAliveFetch } from '../../src/backends/upstream/keep-alive-fetch.js';
import { nodeStreamOf } from '../../src/backends/upstream/node-response.js';

const upstreamUrl = process.argv[2];
if (!upstreamUrl) throw new Error('usage: parts-floor-server.ts <upstream-url>');
const fetch = createKeepAliveFetch();
const client = new OpenAI({ baseURL: upstreamUrl, apiKey: 'bench', maxRetries: 0, timeout: 10_000, fetch: fetch.fetch });

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.use(express.json({ limit: '4mb' }));
app.post('/v1/chat/completions', async (req, res) => {
  const body = { ...req.body, model: 'fake-large-1' } as ChatCompletionCreateParams;
  const response = await client.chat.completions.create(body).asResponse();
  const stream = nodeStreamOf(response);
  if (body.stream === true && stream !== null) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    stream.pipe(res);
    return;
  }
  const text = JSON.stringify(await response.json());
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
});
const server = http.createServer(app);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1\n`));
process.on('SIGTERM', () => process.exit(0));
