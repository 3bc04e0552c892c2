import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';

/**
 * JSON Schemas inside a request (`response_format.json_schema.schema`, each tool's `parameters`), checked
 * against the JSON Schema meta-schemas before anything runs: a bad schema is the client's error (400 naming
 * the offending path), whichever backend would have answered. Draft 2020-12 by default (what OpenAI documents
 * and zod 4 writes); draft-07 when the schema says so (zod-to-json-schema, older SDK helpers).
 */
const ajv = new Ajv2020({ strict: false, validateFormats: false });
ajv.addMetaSchema(createRequire(import.meta.url)('ajv/dist/refs/json-schema-draft-07.json') as object);

/** A field holding a JSON Schema object; meta-schema violations become issues at their path inside it. */
export function jsonSchemaField() {
  return z.record(z.string(), z.unknown()).superRefine((schema, ctx) => {
    if (validates(schema)) return;
    const first = ajv.errors?.[0];
    const path = (first?.instancePath ?? '').split('/').filter((p) => p !== '').map(unescapePointer);
    const allowed = (first?.params as { allowedValues?: unknown[] } | undefined)?.allowedValues;
    const hint = allowed === undefined ? '' : ` (${allowed.map((v) => JSON.stringify(v)).join(', ')})`;
    ctx.addIssue({ code: 'custom', message: `not a valid JSON Schema: ${first?.message ?? 'invalid'}${hint}`, path });
  });
}

/**
 * Against the meta-schema its `$schema` names; a dialect Ajv does not know (draft-04, 2019-09, a vendor URL)
 * is checked as 2020-12, the closest common ground, rather than refused for its label.
 */
function validates(schema: Record<string, unknown>): boolean {
  const dialect = schema['$schema'];
  if (typeof dialect === 'string' && ajv.getSchema(dialect.replace(/#$/, '')) === undefined && ajv.getSchema(dialect) === undefined) {
    const { $schema: _unknown, ...rest } = schema;
    return ajv.validateSchema(rest) as boolean;
  }
  return ajv.validateSchema(schema) as boolean;
}

/** A JSON Pointer segment (`~1` is `/`, `~0` is `~`); array indexes stay numbers so paths print as `[0]`. */
function unescapePointer(segment: string): string | number {
  if (/^\d+$/.test(segment)) return Number(segment);
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}
