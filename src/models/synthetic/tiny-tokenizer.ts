/**
 * A small Llama-style (SentencePiece BPE with byte fallback) tokenizer.json, learned deterministically from
 * a built-in corpus. Only the vocabulary and merges are produced here; all encoding and decoding goes through
 * @huggingface/tokenizers like any downloaded model.
 */
const CORPUS = `Hello! How can I help you today? Say hello to the user.
The quick brown fox jumps over the lazy dog. Once upon a time there was a little model that ran on a device.
It answered questions about the weather, the time, and the news. When the network was down it still answered.
What is the capital of France? The capital of France is Paris. Please write a short poem about the sea.
Thank you for your question. I am a small language model. Let me think about that step by step.`;

export const SPECIAL_TOKENS = ['<unk>', '<s>', '</s>', '<|im_start|>', '<|im_end|>'] as const;

const CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}" +
  "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export interface TinyTokenizer {
  tokenizerJson: object;
  tokenizerConfig: object;
  vocabSize: number;
  bosId: number;
  eosIds: number[];
}

/** `vocabSize` larger than what merges reach is padded with unreachable filler tokens (for big test shapes). */
export function buildTinyTokenizer(targetVocab: number, mergeLimit = 200): TinyTokenizer {
  const vocab = new Map<string, number>();
  const add = (token: string): void => void (vocab.has(token) || vocab.set(token, vocab.size));
  SPECIAL_TOKENS.forEach(add);
  for (let b = 0; b < 256; b++) add(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
  const words = CORPUS.split(/\s+/).filter(Boolean).map((w) => ['▁', ...w]);
  [...new Set(words.flat())].sort().forEach(add);
  const merges: Array<[string, string]> = [];
  while (merges.length < mergeLimit && vocab.size < targetVocab) {
    const counts = new Map<string, number>();
    for (const word of words) {
      for (let i = 0; i + 1 < word.length; i++) {
        const key = `${word[i]}\u0000${word[i + 1]}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    // Most frequent pair; ties broken by the pair's text so every run learns the same merges.
    const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    if (best === undefined || best[1] < 2) break;
    const [left, right] = best[0].split('\u0000') as [string, string];
    merges.push([left, right]);
    add(left + right);
    for (const word of words) {
      for (let i = 0; i + 1 < word.length; i++) {
        if (word[i] === left && word[i + 1] === right) word.splice(i, 2, left + right);
      }
    }
  }
  for (let i = 0; vocab.size < targetVocab; i++) add(`<filler_${i}>`);
  const added = SPECIAL_TOKENS.map((content, id) => ({
    id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  }));
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '▁' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: {
      type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: true, byte_fallback: true, ignore_merges: false,
      vocab: Object.fromEntries(vocab), merges,
    },
  };
  const tokenizerConfig = {
    tokenizer_class: 'LlamaTokenizer',
    bos_token: '<s>',
    eos_token: '<|im_end|>',
    unk_token: '<unk>',
    pad_token: null,
    add_bos_token: true,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
    legacy: true,
    chat_template: CHAT_TEMPLATE,
  };
  return { tokenizerJson, tokenizerConfig, vocabSize: vocab.size, bosId: 1, eosIds: [2, 4] };
}
