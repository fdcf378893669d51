import { ConfigurationError } from './errors.js';

/**
 * One place a request may carry its token:
 * - `header`: the named header holds `Bearer <jwt>` (name lower-cased: headers match in any case);
 * - `query`: the named query parameter holds the bare JWT;
 * - `cookie`: the named cookie holds the bare JWT;
 * - `protocol`: the WebSocket `Sec-WebSocket-Protocol` header offers `jwt, <jwt>` (see
 *   {@link TOKEN_SUBPROTOCOL}).
 */
export type TokenLocation =
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'query'; readonly name: string }
  | { readonly kind: 'cookie'; readonly name: string }
  | { readonly kind: 'protocol' };

/**
 * The subprotocol name a WebSocket client offers right before its token:
 * `new WebSocket(url, ['jwt', token])` sends `Sec-WebSocket-Protocol: jwt, <token>`. The `$connect`
 * integration must answer `Sec-WebSocket-Protocol: jwt` (this name, never the token) or the
 * browser drops the connection.
 */
export const TOKEN_SUBPROTOCOL = 'jwt';

/** Where the token is read when nothing is configured: the `Authorization` header. */
export const DEFAULT_TOKEN_SOURCE: readonly TokenLocation[] = Object.freeze([
  Object.freeze({ kind: 'header', name: 'authorization' } as const),
]);

/** RFC 9110 token characters: what a header, cookie or parameter name may hold here. */
const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const FORMAT = 'a comma-separated list of header:NAME, query:NAME, cookie:NAME or protocol';

function keyOf(location: TokenLocation): string {
  return location.kind === 'protocol' ? 'protocol' : `${location.kind}:${location.name}`;
}

function parseEntry(entry: string, setting: string): TokenLocation {
  const colon = entry.indexOf(':');
  const kind = (colon === -1 ? entry : entry.slice(0, colon)).trim().toLowerCase();
  const name = colon === -1 ? undefined : entry.slice(colon + 1).trim();
  if (kind === 'protocol') {
    if (name !== undefined) {
      throw new ConfigurationError(`${setting}: "protocol" takes no name, got ${JSON.stringify(entry)}`);
    }
    return { kind };
  }
  if (kind !== 'header' && kind !== 'query' && kind !== 'cookie') {
    throw new ConfigurationError(`${setting} must be ${FORMAT}, got ${JSON.stringify(entry)}`);
  }
  if (name === undefined || !NAME.test(name)) {
    throw new ConfigurationError(
      `${setting}: ${kind} needs a name of letters, digits and !#$%&'*+-.^_\`|~, got ${JSON.stringify(entry)}`,
    );
  }
  if (kind !== 'header') return { kind, name };
  const lower = name.toLowerCase();
  // The header carries the whole offer (`jwt, <token>`), never `Bearer <token>`.
  if (lower === 'sec-websocket-protocol') {
    throw new ConfigurationError(`${setting}: use "protocol" to read the token from Sec-WebSocket-Protocol`);
  }
  return { kind, name: lower };
}

/**
 * Parses a token source list such as `header:authorization,query:token,protocol` (the syntax of
 * `JWT_TOKEN_SOURCE`). Blanks around entries and names are ignored; kinds match in any case;
 * header names are lower-cased. The order is kept: it is the order deploy names API Gateway's
 * identity sources in.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` naming `setting` for an empty list, an unknown kind,
 *   a name outside RFC 9110 token characters, `protocol` with a name, or a location listed twice.
 * @example
 * parseTokenSource('query:token, protocol') // [{ kind: 'query', name: 'token' }, { kind: 'protocol' }]
 */
export function parseTokenSource(text: string, setting = 'tokenSource'): TokenLocation[] {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new ConfigurationError(`${setting} must be ${FORMAT}`);
  }
  return checkTokenSource(
    text.split(',').map((entry) => parseEntry(entry, setting)),
    setting,
  );
}

/**
 * Validates a list of token locations (as {@link parseTokenSource} returns them) and returns a
 * frozen copy, header names lower-cased.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` for an empty list, a malformed entry or a duplicate.
 * @example
 * checkTokenSource([{ kind: 'cookie', name: 'at' }])
 */
export function checkTokenSource(
  locations: readonly TokenLocation[],
  setting = 'tokenSource',
): TokenLocation[] {
  if (!Array.isArray(locations) || locations.length === 0) {
    throw new ConfigurationError(`${setting} must list at least one place: ${FORMAT}`);
  }
  const seen = new Set<string>();
  const checked: TokenLocation[] = [];
  for (const location of locations) {
    const kind = (location as { kind?: unknown } | null)?.kind;
    const name = (location as { name?: unknown } | null)?.name;
    const entry =
      kind === 'protocol' && name === undefined
        ? 'protocol'
        : `${String(kind)}:${typeof name === 'string' ? name : ''}`;
    const parsed = parseEntry(entry, setting);
    const key = keyOf(parsed);
    if (seen.has(key)) throw new ConfigurationError(`${setting} lists ${key} twice`);
    seen.add(key);
    checked.push(Object.freeze(parsed));
  }
  return Object.freeze(checked) as TokenLocation[];
}

/**
 * Formats token locations back to the `JWT_TOKEN_SOURCE` syntax.
 *
 * @example
 * formatTokenSource([{ kind: 'header', name: 'authorization' }]) // 'header:authorization'
 */
export function formatTokenSource(locations: readonly TokenLocation[]): string {
  return locations.map(keyOf).join(',');
}
