import { Template } from '@huggingface/jinja';
import type { ChatMessage } from '../backends/backend.js';
import { specialTokenText } from './model-config.js';
import type { ModelFolder } from './model-folder.js';

/**
 * Turns chat messages into prompt token ids.
 *
 * With a chat template (tokenizer_config.json `chat_template`) the template is rendered with
 * `add_generation_prompt: true` and encoded without adding special tokens again (templates write their own BOS).
 *
 * Without one (base models such as stories260K) the documented plain format is used: the message contents,
 * in order, joined by a blank line ("\n\n"), with no role markers, encoded with the tokenizer's own special
 * tokens (usually a leading BOS). The model simply continues that text.
 */
export interface PromptFormatter {
  readonly hasChatTemplate: boolean;
  /** `assistantPrefix`: the start of the answer, already written, for the model to continue. */
  render(messages: ChatMessage[], assistantPrefix?: string): string;
  encode(messages: ChatMessage[], assistantPrefix?: string): number[];
}

export function createPromptFormatter(model: ModelFolder): PromptFormatter {
  const source = chatTemplateSource(model);
  // Compiled once at load: parsing a template per request costs more than tokenizing the prompt.
  const template = source === undefined ? undefined : new Template(source);
  const bos = specialTokenText(model.tokenizerConfig.bos_token) ?? '';
  const eos = specialTokenText(model.tokenizerConfig.eos_token) ?? '';
  const render = (messages: ChatMessage[], assistantPrefix = ''): string => {
    // A continuation is the prompt up to the assistant's turn, then the answer so far, with nothing closing it.
    if (template === undefined) return [...messages.map((m) => m.content), assistantPrefix].filter((t) => t !== '').join('\n\n');
    const prompt = template.render({
      messages: messages.map((m) => ({ role: m.role === 'developer' ? 'system' : m.role, content: m.content })),
      add_generation_prompt: true,
      bos_token: bos,
      eos_token: eos,
    });
    return prompt + assistantPrefix;
  };
  // The router measures a request (measure()) right before running it: remember the last few encodings so
  // the prompt is tokenized once (BPE over a long un-pretokenized prompt costs 1-5 ms here).
  const recent = new Map<string, number[]>();
  const encode = (messages: ChatMessage[], assistantPrefix?: string): number[] => {
    const text = render(messages, assistantPrefix);
    const hit = recent.get(text);
    if (hit !== undefined) return hit;
    const ids = model.tokenizer.encode(text, { add_special_tokens: template === undefined }).ids;
    recent.set(text, ids);
    if (recent.size > 8) recent.delete(recent.keys().next().value as string);
    return ids;
  };
  return { hasChatTemplate: template !== undefined, render, encode };
}

function chatTemplateSource(model: ModelFolder): string | undefined {
  const raw = model.tokenizerConfig.chat_template;
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw === 'string') return raw;
  return (raw.find((t) => t.name === 'default') ?? raw[0])?.template;
}
