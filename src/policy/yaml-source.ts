import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import { formatPath } from './diagnostics.js';

/**
 * A parsed YAML (or JSON — it is a YAML subset) document that still knows where every value came from, so
 * schema errors can point at line and column.
 */
export class YamlSource {
  readonly value: unknown;
  readonly syntaxErrors: Diagnostic[];
  private readonly lines = new LineCounter();
  private readonly root: Node | null;

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    const doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    this.root = (doc.contents as Node | null) ?? null;
    this.syntaxErrors = doc.errors.map((e) => {
      const pos = this.lines.linePos(e.pos[0]);
      return { file, line: pos.line, column: pos.col, path: '', message: firstLine(e.message) };
    });
    this.value = this.syntaxErrors.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : undefined;
  }

  /**
   * A diagnostic at the value found at `path` (or its key when `atKey`); when the path runs past what
   * exists (a missing key), at the deepest node that does exist.
   */
  at(path: readonly PropertyKey[], message: string, atKey = false): Diagnostic {
    let offset = this.root?.range?.[0] ?? 0;
    let node: unknown = this.root;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (pair === undefined) break;
        const key = pair.key as Node;
        offset = key.range?.[0] ?? offset;
        node = pair.value;
        if (atKey && seg === path[path.length - 1]) break;
        if (node !== null && isNodeWithRange(node)) offset = node.range[0];
      } else if (isSeq(node) && typeof seg === 'number') {
        const item: unknown = node.items[seg];
        if (!isNodeWithRange(item)) break;
        node = item;
        offset = item.range[0];
      } else break;
    }
    const pos = this.lines.linePos(offset);
    return { file: this.file, line: pos.line, column: pos.col, path: formatPath(path), message };
  }
}

function isNodeWithRange(x: unknown): x is Node & { range: [number, number, number] } {
  return typeof x === 'object' && x !== null && Array.isArray((x as { range?: unknown }).range);
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
