/**
 * Parses the text of a `.env` file: `NAME=value` lines, `#` comments, an optional `export ` prefix,
 * single- or double-quoted values (double quotes understand `\n` and `\"`), and ` #` comments after unquoted values.
 *
 * @example
 * ```ts
 * parseDotenv('TOKEN_ISSUER=https://tenant.auth0.com/\nAUDIENCE="my api"');
 * ```
 */
export function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, name = '', rest = ''] = match;
    values[name] = parseValue(rest);
  }
  return values;
}

function parseValue(rest: string): string {
  const doubleQuoted = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
  if (doubleQuoted) {
    return (doubleQuoted[1] ?? '').replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
  }
  const singleQuoted = /^'([^']*)'/.exec(rest);
  if (singleQuoted) return singleQuoted[1] ?? '';
  const comment = rest.search(/\s#/);
  return (comment >= 0 ? rest.slice(0, comment) : rest).trim();
}
