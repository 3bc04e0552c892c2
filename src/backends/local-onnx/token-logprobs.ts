import type { Tokenizer } from '@huggingface/tokenizers';
import type { TokenLogprob } from '../backend.js';

/** log Σ exp(logits), computed stably (max-shifted); masked tokens (-Infinity) count for nothing. */
export function logSumExp(logits: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  return max + Math.log(sum);
}

/**
 * OpenAI's per-token entry for `token` chosen from `logits`: its log probability (temperature 1, after any
 * grammar mask) and the `top` most likely tokens at this position. `lse` is logSumExp(logits), when known.
 */
export function tokenLogprob(logits: Float32Array, token: number, top: number, pieces: TokenPieces, lse = logSumExp(logits)): TokenLogprob {
  return {
    ...pieces.of(token),
    logprob: logits[token]! - lse,
    top_logprobs: topTokens(logits, top).map((id) => ({ ...pieces.of(id), logprob: logits[id]! - lse })),
  };
}

/** Indices of the `k` largest finite logits, largest first (one pass, a k-long sorted list: k ≤ 20). */
function topTokens(logits: Float32Array, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < logits.length && k > 0; i++) {
    const v = logits[i]!;
    if (v === -Infinity || (best.length === k && v <= logits[best[k - 1]!]!)) continue;
    let at = best.length;
    while (at > 0 && logits[best[at - 1]!]! < v) at--;
    best.splice(at, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

/**
 * A token's text and UTF-8 bytes as OpenAI reports them, from the vocabulary rather than by decoding the
 * token alone (decoding drops a SentencePiece token's leading space and turns part of a character into
 * U+FFFD). Byte-level BPE (GPT-2, Qwen, SmolLM) spells bytes as printable characters; SentencePiece spells a
 * space as ▁ and falls back to <0xNN> byte tokens.
 */
export class TokenPieces {
  private static readonly byTokenizer = new WeakMap<Tokenizer, TokenPieces>();
  private readonly cache = new Map<number, { token: string; bytes: number[] }>();
  private readonly byteLevel: boolean;
  private readonly text = new TextDecoder();

  /** One per tokenizer, shared by every request that asks for logprobs (the pieces met so far stay cached). */
  static shared(tokenizer: Tokenizer): TokenPieces {
    let pieces = TokenPieces.byTokenizer.get(tokenizer);
    if (pieces === undefined) {
      pieces = new TokenPieces(tokenizer);
      TokenPieces.byTokenizer.set(tokenizer, pieces);
    }
    return pieces;
  }

  private constructor(private readonly tokenizer: Tokenizer) {
    const decoder = (tokenizer as unknown as { decoder?: { config?: unknown } }).decoder;
    this.byteLevel = JSON.stringify(decoder?.config ?? null).includes('"ByteLevel"');
  }

  of(id: number): { token: string; bytes: number[] } {
    let piece = this.cache.get(id);
    if (piece === undefined) {
      const bytes = this.bytesOf(this.tokenizer.id_to_token(id) ?? '');
      piece = { token: this.text.decode(Uint8Array.from(bytes)), bytes };
      this.cache.set(id, piece);
    }
    return piece;
  }

  private bytesOf(raw: string): number[] {
    const byteToken = /^<0x([0-9A-Fa-f]{2})>$/.exec(raw);
    if (byteToken !== null) return [Number.parseInt(byteToken[1] as string, 16)];
    if (this.byteLevel) return Array.from(raw, (c) => UNICODE_TO_BYTE.get(c) ?? 0x3f);
    return [...Buffer.from(raw.replaceAll('\u2581', ' '), 'utf8')];
  }
}

/** GPT-2's byte-level alphabet, inverted: printable bytes stand for themselves, the rest for 256 + n. */
const UNICODE_TO_BYTE = ((): Map<string, number> => {
  const map = new Map<string, number>();
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    map.set(String.fromCharCode(printable ? b : 256 + shifted++), b);
  }
  return map;
})();
