import { randomBytes } from 'node:crypto';
import type { StreamPart } from '../backend.js';
import { TOOL_CALL_END, TOOL_CALL_TRIGGER, toolCallBegin } from '../../models/tool-call-syntax.js';

type Part = Extract<StreamPart, { type: 'text-delta' | 'tool-call-delta' }>;

/** `call_` + 24 random characters, like OpenAI's tool call ids. */
export function toolCallId(): string {
  return `call_${randomBytes(18).toString('base64url')}`;
}

/**
 * Turns what a model writes under a tool grammar into OpenAI parts as it streams: text outside calls is
 * content; each `<tool_call>…</tool_call>` becomes a tool-call delta with index, id and name, then argument
 * fragments as they are decoded. Text that could be the start of a call or of a call's end is held back until
 * it is known. Whitespace between and after calls (the separators) is not content.
 */
export class ToolCallParser {
  private state: 'text' | 'begin' | 'arguments' = 'text';
  private pending = '';
  private readonly begins: Map<string, string>;
  private index = -1;
  /** Whitespace outside calls, held until it turns out to be part of real text. */
  private whitespace = '';

  constructor(
    names: readonly string[],
    private readonly newId: () => string = toolCallId,
  ) {
    this.begins = new Map(names.map((name) => [toolCallBegin(name), name]));
  }

  /** How many calls have started. */
  get calls(): number {
    return this.index + 1;
  }

  push(text: string): Part[] {
    this.pending += text;
    const parts: Part[] = [];
    for (let progressed = true; progressed; ) progressed = this.step(parts);
    return parts;
  }

  /**
   * The end of the output: whatever is held back is content, except a call cut short (max_tokens). That keeps its
   * partial arguments, one cut inside its opening becomes a call to the one tool it can still be, with no
   * arguments yet, and one cut before its name is dropped: the call syntax never reaches the content.
   */
  flush(): Part[] {
    const rest = this.pending;
    this.pending = '';
    if (this.state === 'arguments') return rest === '' ? [] : [this.argumentsPart(rest)];
    // Held back as the start of `<tool_call>` (longer than a lone "<"): a call cut before it could be named.
    if (this.state === 'text' && rest.length > 1) return [];
    if (this.state === 'begin') {
      const names = [...this.begins].filter(([begin]) => begin.startsWith(rest)).map(([, name]) => name);
      if (names.length > 0) {
        if (names.length > 1) return [];
        this.index++;
        return [{ type: 'tool-call-delta', delta: { index: this.index, id: this.newId(), name: names[0]! } }];
      }
    }
    return this.content(rest, true);
  }

  /** Consumes what can be decided now; true when the state changed and the rest should be looked at again. */
  private step(parts: Part[]): boolean {
    if (this.state === 'text') {
      const at = this.pending.indexOf(TOOL_CALL_TRIGGER);
      if (at < 0) {
        const hold = heldBack(this.pending, TOOL_CALL_TRIGGER);
        parts.push(...this.content(this.pending.slice(0, this.pending.length - hold), false));
        this.pending = this.pending.slice(this.pending.length - hold);
        return false;
      }
      parts.push(...this.content(this.pending.slice(0, at), false));
      this.whitespace = '';
      this.pending = this.pending.slice(at);
      this.state = 'begin';
      return true;
    }
    if (this.state === 'begin') {
      for (const [begin, name] of this.begins) {
        if (!this.pending.startsWith(begin)) continue;
        this.index++;
        parts.push({ type: 'tool-call-delta', delta: { index: this.index, id: this.newId(), name } });
        this.pending = this.pending.slice(begin.length);
        this.state = 'arguments';
        return true;
      }
      if ([...this.begins.keys()].some((begin) => begin.startsWith(this.pending))) return false;
      // Not a call after all (only possible without a grammar): it was text.
      this.state = 'text';
      parts.push(...this.content(this.pending.slice(0, TOOL_CALL_TRIGGER.length), false));
      this.pending = this.pending.slice(TOOL_CALL_TRIGGER.length);
      return true;
    }
    const end = this.pending.indexOf(TOOL_CALL_END);
    const cut = end >= 0 ? end : this.pending.length - heldBack(this.pending, TOOL_CALL_END);
    if (cut > 0) parts.push(this.argumentsPart(this.pending.slice(0, cut)));
    if (end < 0) {
      this.pending = this.pending.slice(cut);
      return false;
    }
    this.pending = this.pending.slice(end + TOOL_CALL_END.length);
    this.state = 'text';
    return true;
  }

  /**
   * Text outside calls. Trailing whitespace waits until real text follows: it is dropped when a call follows it
   * or the answer ends after a call (the newlines models put around calls), and kept in a plain text answer.
   */
  private content(text: string, final: boolean): Part[] {
    const all = this.whitespace + text;
    const body = all.trimEnd();
    this.whitespace = final ? '' : all.slice(body.length);
    const out = final && this.calls === 0 ? all : body;
    return out === '' ? [] : [{ type: 'text-delta', text: out }];
  }

  private argumentsPart(text: string): Part {
    return { type: 'tool-call-delta', delta: { index: this.index, argumentsDelta: text } };
  }
}

/** Longest suffix of `text` that is a proper prefix of `marker`. */
function heldBack(text: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, text.length); n > 0; n--) if (text.endsWith(marker.slice(0, n))) return n;
  return 0;
}
