import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What xgrammar needs to know about a tokenizer to map grammar characters onto token ids. */
export interface TokenizerVocab {
  /** Token strings by id, as stored in tokenizer.json (`▁`, `Ġ`, `<0x0A>` and all); '' for ids never produced. */
  encoded: string[];
  /**
   * How stored strings become text: `byte_fallback` (SentencePiece/Llama: `▁` is a space, `<0x0A>` a byte),
   * `byte_level` (GPT-2/Qwen: bytes mapped to printable characters) or `raw`.
   */
  vocabType: 'byte_fallback' | 'byte_level' | 'raw';
  /** The tokenizer puts a space before the text (Llama's `Prepend ▁` normalizer / Metaspace). */
  prependSpace: boolean;
}

interface TokenizerJson {
  added_tokens?: Array<{ id: number; content: string; special?: boolean }>;
  normalizer?: unknown;
  pre_tokenizer?: unknown;
  decoder?: unknown;
  model?: { vocab?: Record<string, number> | Array<[string, number]> };
}

/**
 * Reads a model folder's tokenizer.json the way xgrammar's own `TokenizerInfo.from_huggingface` does. Special
 * added tokens (`<|im_end|>`, `<s>`) get '' so a grammar never spells them as text; stop tokens are passed to
 * xgrammar by id. Non-special added tokens (Qwen's `<tool_call>`) stay: grammars may use them.
 */
export function readTokenizerVocab(modelDir: string, vocabSize: number): TokenizerVocab {
  const json = JSON.parse(readFileSync(join(modelDir, 'tokenizer.json'), 'utf8')) as TokenizerJson;
  const encoded = new Array<string>(vocabSize).fill('');
  const vocab = json.model?.vocab ?? {};
  // Unigram models list [piece, score] by id; BPE/WordPiece map piece → id.
  const entries: Array<[string, number]> = Array.isArray(vocab) ? vocab.map(([piece], id) => [piece, id]) : Object.entries(vocab);
  for (const [token, id] of entries) if (id < vocabSize) encoded[id] = token;
  for (const added of json.added_tokens ?? []) if (added.id < vocabSize) encoded[added.id] = added.special === true ? '' : added.content;
  return { encoded, vocabType: vocabTypeOf(json.decoder), prependSpace: prependsSpace(json.normalizer) || prependsSpace(json.pre_tokenizer) };
}

function vocabTypeOf(decoder: unknown): TokenizerVocab['vocabType'] {
  const types = componentTypes(decoder);
  if (types.some((t) => t.type === 'ByteFallback')) return 'byte_fallback';
  if (types.some((t) => t.type === 'ByteLevel')) return 'byte_level';
  return 'raw';
}

function prependsSpace(component: unknown): boolean {
  return componentTypes(component).some(
    (c) =>
      (c.type === 'Prepend' && c['prepend'] === '▁') ||
      (c.type === 'Metaspace' && (c['add_prefix_space'] === true || c['prepend_scheme'] === 'always' || c['prepend_scheme'] === 'first')),
  );
}

type Component = { type: unknown } & Record<string, unknown>;

/** A normalizer/pre-tokenizer/decoder and, for `Sequence`s, the parts inside it. */
function componentTypes(component: unknown): Component[] {
  if (typeof component !== 'object' || component === null) return [];
  const c = component as Component;
  const inner = [c['normalizers'], c['pretokenizers'], c['decoders']].find(Array.isArray) as unknown[] | undefined;
  return [c, ...(inner ?? []).flatMap(componentTypes)];
}
