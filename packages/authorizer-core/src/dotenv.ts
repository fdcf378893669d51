/**
 * Where a `.env` file is looked for when none is named, relative to the repository root; the first
 * that exists is read, and only that one. `invoke`, the demo, local runs and the deploy all use
 * this order, so they all see the same settings.
 */
export const DOTENV_SEARCH_ORDER: readonly string[] = ['packages/lambda-authorizer/.env', '.env'];

/**
 * Parses the text of a `.env` file: `NAME=value` lines, `#` comments, an optional `export ` prefix,
 * single- or double-quoted values (double quotes understand `\n`, `\r`, `\t`, `\"` and `\\`), and
 * ` #` comments after unquoted values. Unquoted values are trimmed; a line that is not an
 * assignment is skipped. Later lines win.
 *
 * @example
 * parseDotenv('TOKEN_ISSUER=https://tenant.auth0.com/\nAUDIENCE="my api"');
 */
export function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  // Only \n and \r\n end a line: U+2028/U+2029 inside a value are part of it, as in Node's parser.
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    // `s`: `.` must also match U+2028/U+2029, which JavaScript counts as line terminators.
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/s.exec(line);
    if (!match) continue;
    const [, name = '', rest = ''] = match;
    values[name] = parseValue(rest.trim());
  }
  return values;
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t' };

function parseValue(rest: string): string {
  const doubleQuoted = /^"((?:[^"\\]|\\.)*)"/s.exec(rest);
  if (doubleQuoted) {
    return (doubleQuoted[1] ?? '').replace(/\\(.)/gs, (_, char: string) => ESCAPES[char] ?? char);
  }
  const singleQuoted = /^'([^']*)'/.exec(rest);
  if (singleQuoted) return singleQuoted[1] ?? '';
  const comment = rest.search(/\s#/);
  return (comment >= 0 ? rest.slice(0, comment) : rest).trim();
}

/**
 * Lays the environment over a `.env` file's values: a variable set in the environment wins, and an
 * empty (or blank) value counts as unset everywhere, in the file and in the environment, so an empty
 * `AUDIENCE=` in the shell neither overrides the file nor sets anything.
 *
 * @example
 * mergeDotenv({ AUDIENCE: 'a', JWKS_URI: '' }, { AUDIENCE: 'b', JWKS_URI: 'https://k' });
 * // { AUDIENCE: 'a', JWKS_URI: 'https://k' }
 */
export function mergeDotenv(
  env: Readonly<Record<string, string | undefined>>,
  fromFile: Readonly<Record<string, string>>,
): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries(fromFile)) if (value.trim() !== '') merged[name] = value;
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') merged[name] = value;
  }
  return merged;
}
