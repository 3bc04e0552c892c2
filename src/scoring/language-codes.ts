import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The language codes the scorer can name: the 176 labels of fastText's lid.176 model (ISO 639-1 where one
 * exists: en, zh, pt; otherwise fastText's own code: ceb, als) and `und` (too short to tell). Policies are
 * checked against this list, so `language: cn` is an error with a suggestion rather than a rule that never fires.
 */
const LANGUAGES_JSON = createRequire(import.meta.url).resolve('fasttext.wasm.js/dist/models/language-identification/assets/languages.json');
const TABLE = JSON.parse(readFileSync(LANGUAGES_JSON, 'utf8')) as Record<string, { refName: string }>;

export const LANGUAGE_CODES: ReadonlySet<string> = new Set([...Object.keys(TABLE), 'und']);

/** Country codes and names people write for a language ("cn", "english"). */
const ALIASES: Readonly<Record<string, string>> = {
  cn: 'zh', jp: 'ja', kr: 'ko', br: 'pt', gr: 'el', ua: 'uk', se: 'sv', dk: 'da', cz: 'cs', il: 'he', vn: 'vi',
  us: 'en', gb: 'en', ir: 'fa', ...Object.fromEntries(Object.entries(TABLE).map(([code, { refName }]) => [refName.toLowerCase(), code])),
};

/** What a policy author probably meant by a code the scorer never names, or null. */
export function suggestLanguageCode(written: string): string | null {
  const lower = written.toLowerCase();
  if (LANGUAGE_CODES.has(lower)) return lower;
  const base = lower.split(/[-_]/)[0] ?? '';
  if (LANGUAGE_CODES.has(base)) return base; // pt-BR, zh_CN
  return ALIASES[lower] ?? ALIASES[base] ?? null;
}
