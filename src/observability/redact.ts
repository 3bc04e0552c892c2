/**
 * Scrubs secrets and personal data out of text before it reaches a log line, a decision-log line or an
 * error body. Known secrets (the upstream key, client keys) are removed by value; everything else by shape.
 */
const PATTERNS: ReadonlyArray<[RegExp, string | ((match: string) => string)]> = [
  // Authorization header values and bare bearer tokens.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]'],
  // OpenAI-style and common vendor API keys (sk-..., sk-proj-..., xoxb-..., ghp_..., AKIA...).
  [/\b(?:sk|pk|rk)-[A-Za-z0-9_-]{12,}\b/g, '[redacted-key]'],
  [/\b(?:ghp|gho|ghs|github_pat|xox[abprs])[-_][A-Za-z0-9_-]{10,}\b/g, '[redacted-key]'],
  [/\bAKIA[0-9A-Z]{16}\b/g, '[redacted-key]'],
  // api_key=..., "apiKey": "...", password: ...
  [/\b(api[_-]?key|apikey|password|passwd|secret|token)(["']?\s*[:=]\s*["']?)[^\s"'&,}]{4,}/gi, '$1$2[redacted]'],
  // Personal data: e-mail addresses, card-like digit runs, phone numbers, IPv4 addresses.
  [/\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g, '[redacted-email]'],
  [/\b(?:\d[ -]?){13,19}\b/g, '[redacted-number]'],
  [/(?<![\w.])\+?\d{1,3}[ .-]?\(?\d{2,4}\)?[ .-]?\d{3,4}[ .-]?\d{3,4}\b/g, '[redacted-phone]'],
  // IPv4 addresses, except loopback and 0.0.0.0: the server's own bind address identifies nobody.
  [/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, (ip) => (ip.startsWith('127.') || ip === '0.0.0.0' ? ip : '[redacted-ip]')],
];

/**
 * Exact values that must never appear, shared by every Redactor of a process and growable while it runs: a
 * targets file's edit can bring an endpoint with a new key. Shorter than 6 characters are ignored (too many
 * false hits); longest first, so a key containing another is removed whole.
 */
export class SecretList {
  private values: string[] = [];

  constructor(secrets: Iterable<string> = []) {
    this.add(secrets);
  }

  add(secrets: Iterable<string>): void {
    const next = new Set(this.values);
    for (const s of secrets) if (s.length >= 6) next.add(s);
    if (next.size !== this.values.length) this.values = [...next].sort((a, b) => b.length - a.length);
  }

  get all(): readonly string[] {
    return this.values;
  }
}

export class Redactor {
  private readonly secrets: SecretList;

  /** `secrets`: exact values that must never appear; a SecretList keeps what is added to it later in force. */
  constructor(secrets: Iterable<string> | SecretList = []) {
    this.secrets = secrets instanceof SecretList ? secrets : new SecretList(secrets);
  }

  text(input: string): string {
    let out = input;
    for (const secret of this.secrets.all) out = out.split(secret).join('[redacted]');
    for (const [pattern, replacement] of PATTERNS) out = typeof replacement === 'string' ? out.replace(pattern, replacement) : out.replace(pattern, replacement);
    return out;
  }

  /** Deep copy with every string scrubbed; depth-bounded so hostile nesting cannot blow the stack. */
  value(input: unknown, depth = 0): unknown {
    if (typeof input === 'string') return this.text(input);
    if (input === null || typeof input !== 'object') return input;
    if (depth > 8) return '[truncated]';
    if (Array.isArray(input)) return input.map((v) => this.value(v, depth + 1));
    if (input instanceof Error) return { type: input.name, message: this.text(input.message) };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) out[k] = SECRET_KEYS.test(k) ? '[redacted]' : this.value(v, depth + 1);
    return out;
  }
}

/** Object keys whose values are always secret, whatever they look like. */
const SECRET_KEYS = /^(authorization|x-api-key|api[_-]?key|apikey|password|secret|token|cookie|set-cookie)$/i;
