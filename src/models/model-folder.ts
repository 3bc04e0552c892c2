import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { z } from 'zod';
import {
  GenerationConfigSchema,
  ModelConfigSchema,
  TokenizerConfigSchema,
  idList,
  type GenerationConfig,
  type ModelConfig,
  type TokenizerConfig,
} from './model-config.js';

/** A model folder in the Hugging Face Optimum / onnx-community layout, parsed and validated once. */
export interface ModelFolder {
  /** The model id clients use: the folder name. */
  id: string;
  dir: string;
  config: ModelConfig;
  generation: GenerationConfig;
  tokenizerConfig: TokenizerConfig;
  tokenizer: Tokenizer;
  /** Prompt tokens + generated tokens the model can attend to. */
  contextWindow: number;
  /** Generation ends when one of these is produced (generation_config first, then config). */
  eosTokenIds: number[];
  kvHeads: number;
  headDim: number;
}

export function isModelFolder(dir: string): boolean {
  return existsSync(join(dir, 'config.json')) && existsSync(join(dir, 'tokenizer.json')) && existsSync(join(dir, 'onnx'));
}

function readJson<T extends z.ZodType>(dir: string, file: string, schema: T, optional = false): z.infer<T> {
  const path = join(dir, file);
  if (optional && !existsSync(path)) return schema.parse({});
  const parsed = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.message}`);
  return parsed.data;
}

export function loadModelFolder(dirIn: string): ModelFolder {
  const dir = resolve(dirIn);
  if (!isModelFolder(dir)) throw new Error(`${dir} is not a model folder (needs config.json, tokenizer.json, onnx/)`);
  const config = readJson(dir, 'config.json', ModelConfigSchema);
  const generation = readJson(dir, 'generation_config.json', GenerationConfigSchema, true);
  const tokenizerConfig = readJson(dir, 'tokenizer_config.json', TokenizerConfigSchema, true);
  const tokenizerJson: unknown = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
  const tokenizer = new Tokenizer(tokenizerJson as object, tokenizerConfig);
  const eos = idList(generation.eos_token_id);
  return {
    id: basename(dir),
    dir,
    config,
    generation,
    tokenizerConfig,
    tokenizer,
    contextWindow: contextWindowOf(config, tokenizerConfig),
    eosTokenIds: eos.length > 0 ? eos : idList(config.eos_token_id),
    kvHeads: config.num_key_value_heads ?? config.num_attention_heads,
    headDim: config.head_dim ?? config.hidden_size / config.num_attention_heads,
  };
}

function contextWindowOf(config: ModelConfig, tokenizerConfig: TokenizerConfig): number {
  const fromConfig = config.max_position_embeddings;
  // model_max_length is often a huge sentinel (1e30) when unset; only trust it when it is smaller.
  const fromTokenizer = tokenizerConfig.model_max_length;
  const candidates = [fromConfig, fromTokenizer].filter((n): n is number => n !== undefined && n > 0 && n < 1e7);
  // 2048 tokens when neither file says: a conservative window for small exported decoders.
  return candidates.length > 0 ? Math.min(...candidates) : 2048;
}
