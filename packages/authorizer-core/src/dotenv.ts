import { ConfigurationError } from './errors.js';

/**
 * Where a `.env` file is looked for when none is named, relative to the repository root; the first
 * that exists is read, and only that one. `invoke`, the demo, local runs and the deploy all use
 * this order, so they all see the same settings.
 */
export const DOTENV_SEARCH_ORDER: readonly string[] = ['packages/lambda-authorizer/.env', '.env'];

/**
 * Parses the text of a `.env` file: `NAME=value` lines, `#` comments, an optional `export ` prefix,
 * single- or double-quoted values, which may run over several lines (double quotes understand `\n`,
 * `\r`, `\t`, `\"` and `\\`), and ` #` comments after unquoted values. Unquoted values are trimmed.
 * Later lines win.
 *
 * A line that is not `NAME=value` (blank lines and comments aside) is refused, not skipped:
 * `JWT_REQUIRED_SCOPES read:pets` would otherwise vanish and its setting with it. The message
 * names the file and the line number, never the line's content (it may hold a secret).
 *
 * @param file how messages name the text's file.
 * @throws {ConfigurationError} `CONFIG_INVALID`: "The .env file .env: line 2 is not NAME=value".
 * @example
 * parseDotenv('TOKEN_ISSUER=https://tenant.auth0.com/\nAUDIENCE="my api"');
 */
export function parseDotenv(text: string, file = '.env'): Record<string, string> {
  const values: Record<string, string> = {};
  // Only \n and \r\n end a line: U+2028/U+2029 inside a value are part of it, as in Node's parser.
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    // `s`: `.` must also match U+2028/U+2029, which JavaScript counts as line terminators.
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/s.exec(line);
    if (!match) {
      throw new ConfigurationError(`The .env file ${file}: line ${index + 1} is not NAME=value`);
    }
    const [, name = ''] = match;
    let rest = (match[2] ?? '').trim();
    const first = index;
    // A quoted value still open at the end of its line goes on over the next lines.
    while (isOpenQuote(rest)) {
      index++;
      if (index >= lines.length) {
        throw new ConfigurationError(
          `The .env file ${file}: the quoted value of line ${first + 1} is never closed`,
        );
      }
      rest = `${rest}\n${(lines[index] as string).trimEnd()}`;
    }
    values[name] = parseValue(rest);
  }
  return values;
}

const DOUBLE_QUOTED = /^"((?:[^"\\]|\\.)*)"/s;
const SINGLE_QUOTED = /^'([^']*)'/;

function isOpenQuote(rest: string): boolean {
  if (rest.startsWith('"')) return !DOUBLE_QUOTED.test(rest);
  if (rest.startsWith("'")) return !SINGLE_QUOTED.test(rest);
  return false;
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t' };

function parseValue(rest: string): string {
  const doubleQuoted = DOUBLE_QUOTED.exec(rest);
  if (doubleQuoted) {
    return (doubleQuoted[1] ?? '').replace(/\\(.)/gs, (_, char: string) => ESCAPES[char] ?? char);
  }
  const singleQuoted = SINGLE_QUOTED.exec(rest);
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
