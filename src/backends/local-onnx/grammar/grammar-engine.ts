import type { CompiledGrammar, GrammarCompiler, GrammarMatcher } from '@mlc-ai/web-xgrammar';
import type { GrammarSpec } from './grammar-spec.js';
import { toolCallsStructuralTag } from './structural-tag.js';
import { readTokenizerVocab } from './tokenizer-vocab.js';
import { xgrammar } from './xgrammar-module.js';

/** Compiled grammars kept per model; a typical app reuses a handful of schemas and tool sets. */
const CACHE_ENTRIES = 32;

/** A grammar the engine could not compile (a schema feature xgrammar does not support): the request's fault. */
export class UnenforceableFormatError extends Error {
  override readonly name = 'UnenforceableFormatError';
}

/**
 * Lives in the generation worker, one per model: xgrammar's tokenizer info (built on first use: ~0.3 s for a
 * 150k vocabulary), a compiler, and an LRU of compiled grammars keyed by spec. Hands out one matcher per
 * generation.
 */
export class GrammarEngine {
  private compiler: Promise<GrammarCompiler> | undefined;
  private readonly compiled = new Map<string, Promise<CompiledGrammar>>();

  constructor(
    private readonly modelDir: string,
    /** Logits per step (the graph's vocabulary, which may exceed the tokenizer's). */
    private readonly vocabSize: number,
    private readonly stopTokenIds: readonly number[],
  ) {}

  /** A fresh matcher for one generation; `prefix`: text already written (a continued answer) it must accept. */
  async constraint(spec: GrammarSpec, prefix = ''): Promise<TokenConstraint> {
    const grammar = await this.compile(spec);
    const matcher = await xgrammar().GrammarMatcher.createGrammarMatcher(grammar);
    if (prefix !== '' && !matcher._acceptString(prefix)) {
      matcher.dispose();
      throw new UnenforceableFormatError('The answer being continued does not follow the requested format');
    }
    return new TokenConstraint(matcher, this.vocabSize, this.stopTokenIds);
  }

  /** Compiles (or finds in the cache) the grammar for a spec; compile time is what a cache miss costs a request. */
  async compile(spec: GrammarSpec): Promise<CompiledGrammar> {
    const key = JSON.stringify(spec);
    const hit = this.compiled.get(key);
    if (hit !== undefined) {
      this.compiled.delete(key);
      this.compiled.set(key, hit);
      return hit;
    }
    const compiling = this.compileFresh(spec);
    this.compiled.set(key, compiling);
    // A failed compile is reported to its request, and not cached.
    compiling.catch(() => this.compiled.get(key) === compiling && this.compiled.delete(key));
    if (this.compiled.size > CACHE_ENTRIES) {
      const [oldestKey, oldest] = this.compiled.entries().next().value as [string, Promise<CompiledGrammar>];
      this.compiled.delete(oldestKey);
      // A compile that failed was already reported to the request that asked for it.
      oldest.then((g) => g.dispose(), () => undefined);
    }
    return compiling;
  }

  private async compileFresh(spec: GrammarSpec): Promise<CompiledGrammar> {
    const compiler = await this.getCompiler();
    try {
      // Compact one-line JSON (see compactJsonGrammar), strict: no properties beyond the schema's.
      if (spec.kind === 'json') return await compiler.compileJSONSchema(spec.schema, false, -1, undefined, true);
      return await compiler.compileStructuralTag(await toolCallsStructuralTag(spec));
    } catch (err) {
      // xgrammar throws Emscripten aborts (Error) or raw C++ exception pointers (numbers); its reason goes to stderr.
      const reason = err instanceof Error ? err.message : `xgrammar error ${String(err)}`;
      throw new UnenforceableFormatError(`The local model cannot enforce this schema (xgrammar: ${reason})`);
    }
  }

  private getCompiler(): Promise<GrammarCompiler> {
    this.compiler ??= (async () => {
      const xg = xgrammar();
      const vocab = readTokenizerVocab(this.modelDir, this.vocabSize);
      const info = await xg.TokenizerInfo.createTokenizerInfo(vocab.encoded, vocab.vocabType, vocab.prependSpace, this.vocabSize, [...this.stopTokenIds]);
      // Our LRU is the cache: xgrammar's own would keep every grammar ever compiled.
      return xg.GrammarCompiler.createGrammarCompiler(info, false);
    })();
    return this.compiler;
  }
}

/** One generation's grammar state: which tokens may come next, and whether the output is complete. */
export class TokenConstraint {
  constructor(
    private readonly matcher: GrammarMatcher,
    private readonly vocabSize: number,
    private readonly stopTokenIds: readonly number[],
  ) {}

  /** Sets the logits of tokens the grammar rejects to -Infinity, in place. */
  async mask(logits: Float32Array): Promise<void> {
    const bitmask = await this.matcher.getNextTokenBitmask();
    for (let word = 0; word < bitmask.length; word++) {
      const bits = bitmask[word]!;
      if (bits === -1) continue; // all 32 allowed
      const base = word * 32;
      const end = Math.min(32, this.vocabSize - base);
      // Outside strings most words are all-rejected: one fill instead of 32 bit tests.
      if (bits === 0) logits.fill(-Infinity, base, base + end);
      else for (let bit = 0; bit < end; bit++) if (((bits >>> bit) & 1) === 0) logits[base + bit] = -Infinity;
    }
  }

  /** Advances the grammar; a token the mask allowed is always accepted. */
  accept(token: number): void {
    if (!this.matcher.acceptToken(token)) throw new Error(`grammar rejected token ${token} that its mask allowed`);
  }

  /** The model produced a stop token the grammar allowed: the output is complete and valid. */
  get terminated(): boolean {
    return this.matcher.isTerminated();
  }

  /** Whether the output so far is complete (a stop token would be allowed next): e.g. JSON closed at max_tokens. */
  async canEnd(): Promise<boolean> {
    const bitmask = await this.matcher.getNextTokenBitmask();
    return this.stopTokenIds.some((id) => ((bitmask[id >>> 5]! >>> (id & 31)) & 1) === 1);
  }

  dispose(): void {
    this.matcher.dispose();
  }
}
