/**
 * Which characters are letters, in every script a request may be written in (not only Latin), and which scripts
 * are written without spaces between words. UTF-16 code units, as `charCodeAt` gives them: characters outside
 * the Basic Multilingual Plane (emoji, rare ideographs) are not letters here.
 */

/** 0 = not looked up yet, 1 = letter or combining mark, 2 = neither. Filled on first sight of each code unit. */
const LETTER_TABLE = new Uint8Array(0x10000);
const LETTER_OR_MARK = /[\p{L}\p{M}]/u;

export function isLetterOfAnyScript(c: number): boolean {
  let known = LETTER_TABLE[c];
  if (known === undefined) return false;
  if (known === 0) {
    // Surrogate halves are not characters on their own.
    known = c >= 0xd800 && c <= 0xdfff ? 2 : LETTER_OR_MARK.test(String.fromCharCode(c)) ? 1 : 2;
    LETTER_TABLE[c] = known;
  }
  return known === 1;
}

/** Han ideographs, kana and Thai: scripts whose words are not separated by spaces. */
export function isUnspacedScript(c: number): boolean {
  return (
    (c >= 0x4e00 && c <= 0x9fff) || // CJK unified ideographs
    (c >= 0x3400 && c <= 0x4dbf) || // extension A
    (c >= 0xf900 && c <= 0xfaff) || // compatibility ideographs
    (c >= 0x3040 && c <= 0x30ff) || // hiragana, katakana
    (c >= 0x0e00 && c <= 0x0e7f) // Thai
  );
}
