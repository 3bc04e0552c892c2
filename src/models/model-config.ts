import { z } from 'zod';

/**
 * The parts of a Hugging Face model folder's JSON files that generation needs. Everything else in those
 * files is kept (`.loose()`) but ignored. The schemas are the single source of the types below.
 */
const tokenId = z.number().int().nonnegative();
const tokenIds = z.union([tokenId, z.array(tokenId)]);

export const ModelConfigSchema = z
  .object({
    model_type: z.string(),
    hidden_size: z.number().int().positive(),
    num_hidden_layers: z.number().int().positive(),
    num_attention_heads: z.number().int().positive(),
    num_key_value_heads: z.number().int().positive().optional(),
    head_dim: z.number().int().positive().optional(),
    intermediate_size: z.number().int().positive().optional(),
    vocab_size: z.number().int().positive(),
    max_position_embeddings: z.number().int().positive().optional(),
    bos_token_id: tokenIds.nullable().optional(),
    eos_token_id: tokenIds.nullable().optional(),
    tie_word_embeddings: z.boolean().optional(),
  })
  .loose();
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

export const GenerationConfigSchema = z
  .object({
    bos_token_id: tokenIds.nullable().optional(),
    eos_token_id: tokenIds.nullable().optional(),
    do_sample: z.boolean().optional(),
    temperature: z.number().nonnegative().optional(),
    top_p: z.number().positive().max(1).optional(),
    top_k: z.number().int().nonnegative().optional(),
    max_length: z.number().int().positive().optional(),
    max_new_tokens: z.number().int().positive().optional(),
  })
  .loose();
export type GenerationConfig = z.infer<typeof GenerationConfigSchema>;

/** A special token in tokenizer_config.json is either a string or an AddedToken object. */
const specialToken = z.union([z.string(), z.object({ content: z.string() }).loose()]).nullable().optional();

export const TokenizerConfigSchema = z
  .object({
    chat_template: z
      .union([z.string(), z.array(z.object({ name: z.string(), template: z.string() }))])
      .nullable()
      .optional(),
    bos_token: specialToken,
    eos_token: specialToken,
    pad_token: specialToken,
    unk_token: specialToken,
    model_max_length: z.number().optional(),
  })
  .loose();
export type TokenizerConfig = z.infer<typeof TokenizerConfigSchema>;

export function specialTokenText(token: TokenizerConfig['bos_token']): string | undefined {
  if (token === null || token === undefined) return undefined;
  return typeof token === 'string' ? token : token.content;
}

export function idList(ids: number | number[] | null | undefined): number[] {
  if (ids === null || ids === undefined) return [];
  return Array.isArray(ids) ? ids : [ids];
}

/** Parameter count estimated from the config (embeddings + attention + MLP), used to pick thread defaults. */
export function estimateParameters(config: ModelConfig): number {
  const h = config.hidden_size;
  const heads = config.num_attention_heads;
  const kvHeads = config.num_key_value_heads ?? heads;
  const headDim = config.head_dim ?? h / heads;
  const inter = config.intermediate_size ?? 4 * h;
  const attention = h * heads * headDim * 2 + h * kvHeads * headDim * 2;
  const mlp = 3 * h * inter;
  const embeddings = config.vocab_size * h * (config.tie_word_embeddings === false ? 2 : 1);
  return embeddings + config.num_hidden_layers * (attention + mlp);
}
