import { describe, expect, it } from 'vitest';
import { ChatRequestSchema } from '../src/server/chat-request.js';
import { validationError } from '../src/server/openai-error.js';

/** The 400 a client gets for a request carrying this JSON Schema as its response format, or null when accepted. */
function check(schema: Record<string, unknown>): { param: string | undefined; message: string } | null {
  const parsed = ChatRequestSchema.safeParse({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'json_schema', json_schema: { name: 's', schema } } });
  if (parsed.success) return null;
  const error = validationError(parsed.error.issues);
  return { param: error.param, message: error.message };
}

describe('JSON Schemas in requests', () => {
  it.each(['http://json-schema.org/draft-04/schema#', 'http://json-schema.org/draft-07/schema#', 'https://json-schema.org/draft/2020-12/schema', undefined])(
    'a valid schema is accepted whatever dialect it names (%s)',
    (dialect) => {
      expect(check({ ...(dialect === undefined ? {} : { $schema: dialect }), type: 'object', properties: { a: { type: 'string' } } })).toBeNull();
    },
  );

  it('a broken one is refused at its path, with the allowed values when there are some', () => {
    expect(check({ type: 'object', properties: { 'a/b': { type: 'text' } } })).toEqual({
      param: 'response_format.json_schema.schema.properties.a/b.type',
      message: expect.stringContaining('"array", "boolean", "integer", "null", "number", "object", "string"'),
    });
    expect(check({ type: 'object', required: [1] })?.param).toBe('response_format.json_schema.schema.required[0]');
  });
});
