import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fromPackageRoot } from '../paths.js';

/** models/manifest.json: small models we recommend pulling, with approximate download sizes per dtype. */
export const ManifestSchema = z.object({
  models: z.array(
    z.object({
      id: z.string(),
      repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
      revision: z.string().default('main'),
      parameters: z.string(),
      contextWindow: z.number().int().positive(),
      recommendedDtype: z.string(),
      /** dtype → approximate size of onnx/model_<dtype>.onnx (+ external data), in MB. */
      sizesMB: z.record(z.string(), z.number().positive()),
      /** Optional exact integrity data, path → sha256; pull also checks the server's ETag. */
      sha256: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)).optional(),
      notes: z.string().optional(),
    }),
  ),
});
export type Manifest = z.infer<typeof ManifestSchema>;
export type ManifestEntry = Manifest['models'][number];

export function readManifest(path: string = fromPackageRoot('models', 'manifest.json')): Manifest {
  return ManifestSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}
