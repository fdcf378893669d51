// Characters JSON.stringify leaves raw that would split or disguise a one-line message: DEL and the
// C1 controls (it escapes only those below U+0020), the line and paragraph separators (U+2028,
// U+2029; log viewers and some parsers break lines on them) and format characters (a right-to-left
// override, zero-width spaces).
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** `\u` escapes of a character's UTF-16 code units (two for one outside the BMP, as JSON writes it). */
function escapeUnits(char: string): string {
  let escaped = '';
  for (let i = 0; i < char.length; i++) escaped += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return escaped;
}

/**
 * Quotes a value for a one-line message: JSON string syntax (no raw line break), and every other
 * control character, U+2028, U+2029 and format characters as `\u` escapes too, at most `maxLength`
 * characters of the value (whole code points) with `…` after the cut. `JSON.parse` of an uncut
 * result gives the value back. A value that is not a string is quoted as its `String()`, or its type
 * when it has none (an object without a prototype).
 *
 * @example
 * quote('tenant\u2028.example.com'); // '"tenant\\u2028.example.com"'
 */
export function quote(value: unknown, maxLength = 200): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : String(value);
  } catch {
    text = typeof value;
  }
  const codePoints = text.length > maxLength ? Array.from(text) : undefined;
  const cut = codePoints !== undefined && codePoints.length > maxLength;
  const shown = cut ? codePoints.slice(0, maxLength).join('') : text;
  const json = JSON.stringify(shown).replace(INVISIBLE, escapeUnits);
  return cut ? `${json.slice(0, -1)}…"` : json;
}

/**
 * A name or path for a message: as it is when it holds nothing {@link quote} would escape (the
 * common case reads naturally), else quoted.
 *
 * @example
 * printable('settings/routes.json'); // 'settings/routes.json'
 * printable('routes.json\r'); // '"routes.json\\r"'
 */
export function printable(text: string): string {
  INVISIBLE.lastIndex = 0;
  return INVISIBLE.test(text) ? quote(text, Number.POSITIVE_INFINITY) : text;
}
