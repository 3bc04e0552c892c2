import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * What a hub tells us about a file's content: LFS files carry their sha256 as ETag (or x-linked-etag on the
 * redirect), small git files the git blob sha1. Anything else (weak or opaque ETags) is not a checksum.
 */
export type Checksum = { algorithm: 'sha256' | 'git-sha1'; hex: string };

export function checksumFromEtag(etag: string | null | undefined): Checksum | undefined {
  if (!etag) return undefined;
  const hex = etag.replace(/^W\//, '').replace(/"/g, '').toLowerCase();
  if (/^[0-9a-f]{64}$/.test(hex)) return { algorithm: 'sha256', hex };
  if (/^[0-9a-f]{40}$/.test(hex)) return { algorithm: 'git-sha1', hex };
  return undefined;
}

/** Hashes the file on disk (after a resumed download the bytes came in two pieces). */
export async function fileChecksum(path: string, algorithm: Checksum['algorithm'], size: number): Promise<string> {
  const hash = createHash(algorithm === 'sha256' ? 'sha256' : 'sha1');
  if (algorithm === 'git-sha1') hash.update(`blob ${size}\0`);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
