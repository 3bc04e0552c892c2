import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/** The read side of `Headers` over node's parsed headers: what the openai SDK and our error mapping call (get, entries). */
export class NodeHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const key of Object.keys(this.raw)) yield [key, this.get(key) ?? ''];
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/**
 * The subset of a fetch `Response` the openai SDK reads (status, headers, text/json, body), over a node:http
 * response. Building undici's Response and converting node streams to web streams cost more per request than
 * the rest of the upstream call; a streamed body stays a node stream that `nodeStreamOf` hands to the backend.
 */
export class NodeResponse {
  readonly ok: boolean;
  readonly headers: NodeHeaders;
  private webBody: ReadableStream<Uint8Array> | null = null;

  constructor(
    readonly url: string,
    private readonly message: IncomingMessage,
    /** The whole body when it was read before resolving (JSON); null for a stream (SSE) or no body. */
    private readonly buffered: Buffer | null,
    private readonly hasBody: boolean,
  ) {
    this.ok = this.status >= 200 && this.status < 300;
    this.headers = new NodeHeaders(message.headers);
  }

  get status(): number {
    return this.message.statusCode ?? 502;
  }

  get statusText(): string {
    return this.message.statusMessage ?? '';
  }

  /** The body as a web stream, converted only when someone asks (the SDK's own stream reader does). */
  get body(): ReadableStream<Uint8Array> | null {
    if (!this.hasBody) return null;
    this.webBody ??= this.buffered === null ? (Readable.toWeb(this.message) as ReadableStream<Uint8Array>) : new Blob([this.buffered]).stream();
    return this.webBody;
  }

  async text(): Promise<string> {
    if (this.buffered !== null) return this.buffered.toString('utf8');
    if (!this.hasBody) return '';
    const chunks: Buffer[] = [];
    for await (const chunk of this.message) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  /** The unread node stream of a streamed body, for a reader that parses it directly; null otherwise. */
  nodeStream(): IncomingMessage | null {
    return this.buffered === null && this.hasBody && this.webBody === null ? this.message : null;
  }
}

/** The node stream behind a response from the keep-alive fetch; null for any other Response (e.g. global fetch). */
export function nodeStreamOf(response: Response): IncomingMessage | null {
  return response instanceof NodeResponse ? response.nodeStream() : null;
}
