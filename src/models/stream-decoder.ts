import type { Tokenizer } from '@huggingface/tokenizers';

/**
 * Token-by-token detokenizer that never splits a UTF-8 character. Byte-fallback tokens (<0xE2>, <0x82>, ...)
 * decode to U+FFFD until the whole character has arrived, so text is held back while it ends in U+FFFD.
 * Decoding a sliding window (prefix/read offsets, as in text-generation-inference) keeps merges and
 * leading-space rules right without re-decoding the whole output each step.
 */
export class StreamDecoder {
  private readonly ids: number[] = [];
  private prefixOffset = 0;
  private readOffset = 0;

  /**
   * `context`: tokens already in the text (the tail of a continued answer). They are decoded with the new tokens
   * but never emitted, so the first new token keeps its leading space (SentencePiece decoders drop a space at
   * the start of a sequence, which is right for a fresh answer and wrong mid-sentence).
   */
  constructor(
    private readonly tokenizer: Tokenizer,
    context: readonly number[] = [],
  ) {
    this.ids.push(...context);
    this.readOffset = context.length;
  }

  /** Adds one token; returns the text that became final with it ('' while a character is incomplete). */
  push(id: number): string {
    this.ids.push(id);
    const prefixText = this.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const newText = this.decode(this.ids.slice(this.prefixOffset));
    if (newText.length > prefixText.length && !newText.endsWith('\uFFFD')) {
      this.prefixOffset = this.readOffset;
      this.readOffset = this.ids.length;
      return newText.slice(prefixText.length);
    }
    return '';
  }

  /** Whatever is still held back at the end (an incomplete character is emitted as U+FFFD). */
  flush(): string {
    const prefixText = this.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const newText = this.decode(this.ids.slice(this.prefixOffset));
    this.prefixOffset = this.readOffset = this.ids.length;
    return newText.slice(prefixText.length);
  }

  private decode(ids: number[]): string {
    return ids.length === 0 ? '' : this.tokenizer.decode(ids, { skip_special_tokens: true });
  }
}
