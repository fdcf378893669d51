// Command-line suggestions are authorizer-core's (lambda-authorizer's scripts/cli.mjs keeps a copy).
export { closestMatch, editDistance } from '@jwt-authorizer/authorizer-core/internal';

/**
 * Quotes a piece of the user's command line for a one-line message: control characters, line and
 * paragraph separators and other invisible characters become `\u` escapes, and long input is cut.
 *
 * @example
 * ```ts
 * quoteInput('--re\ngion'); // '--re\\u000agion'
 * ```
 */
export function quoteInput(input: string, maxLength = 60): string {
  const shown = input.length > maxLength ? `${input.slice(0, maxLength)}…` : input;
  return shown.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu, (char) => {
    // \u{…} for a character outside the BMP, so the escape reads as one character.
    const code = char.codePointAt(0) ?? 0;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
