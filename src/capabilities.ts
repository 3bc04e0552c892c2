/**
 * What an OpenAI chat request asks of a model beyond plain text chat. The router needs it to decide (a policy
 * can send such requests to the cloud) and the local backend to say what it could not honour.
 * The bundled local runtime honours tools and JSON (constrained decoding), not images or audio.
 */
export const CAPABILITIES = ['tools', 'images', 'audio', 'json'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** The parts of an OpenAI chat request that say which capabilities it needs (any extra fields are ignored). */
export interface CapabilityFacts {
  tools?: unknown;
  functions?: unknown;
  response_format?: { type?: unknown } | null | undefined;
  /** `["text", "audio"]` asks for a spoken answer. */
  modalities?: unknown;
  messages: ReadonlyArray<{ role?: unknown; content?: unknown; tool_calls?: unknown }>;
}

/**
 * Capabilities a request uses: `tools` (tool or function definitions, or tool turns in the conversation),
 * `images` / `audio` (content parts of those kinds; audio also when `modalities` asks for spoken output),
 * `json` (`response_format` json_object or json_schema).
 */
export function requestCapabilities(request: CapabilityFacts): Capability[] {
  const uses = new Set<Capability>();
  const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;
  if (nonEmpty(request.tools) || nonEmpty(request.functions)) uses.add('tools');
  const format = request.response_format?.type;
  if (format === 'json_object' || format === 'json_schema') uses.add('json');
  if (Array.isArray(request.modalities) && request.modalities.includes('audio')) uses.add('audio');
  for (const m of request.messages) {
    if (m.role === 'tool' || m.role === 'function' || nonEmpty(m.tool_calls)) uses.add('tools');
    if (!Array.isArray(m.content)) continue;
    for (const part of m.content as Array<{ type?: unknown }>) {
      if (part?.type === 'image_url' || part?.type === 'input_image') uses.add('images');
      else if (part?.type === 'input_audio') uses.add('audio');
    }
  }
  return CAPABILITIES.filter((c) => uses.has(c));
}
