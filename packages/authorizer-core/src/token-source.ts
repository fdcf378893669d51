import { ConfigurationError } from './errors.js';
import { quote } from './quote.js';

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

/**
 * What a header, cookie or parameter name may hold: letters, digits, `-`, `.` and `_`. Narrower
 * than RFC 9110 token characters on purpose: each name is written into an API Gateway identity
 * source (`$request.querystring.NAME`) and a gateway response's quoted header list, where `$`, `*`
 * or `'` would change what they mean; and API Gateway decodes query names, so one holding `%` could
 * never match.
 */
const NAME = /^[-.0-9A-Za-z_]+$/;

/** Spaces only: a tab, a line break or a Unicode separator is refused, never trimmed away. */
const trimSpaces = (text: string) => text.replace(/^ +| +$/g, '');

const FORMAT = 'a comma-separated list of header:NAME, query:NAME, cookie:NAME or protocol';

/**
 * A malformed token source. Its message is a fragment that follows the name of the setting
 * (`must be …`, `lists query:token twice`), so each reader can put its own name in front.
 */
export class TokenSourceProblem extends Error {
  override readonly name = 'TokenSourceProblem';
}

function keyOf(location: TokenLocation): string {
  return location.kind === 'protocol' ? 'protocol' : `${location.kind}:${location.name}`;
}

function parseEntry(entry: string): TokenLocation {
  const colon = entry.indexOf(':');
  const kind = trimSpaces(colon === -1 ? entry : entry.slice(0, colon)).toLowerCase();
  const name = colon === -1 ? undefined : trimSpaces(entry.slice(colon + 1));
  const quoted = quote(entry);
  if (kind === 'protocol') {
    if (name !== undefined) throw new TokenSourceProblem(`entry ${quoted}: protocol takes no name`);
    return { kind };
  }
  if (kind !== 'header' && kind !== 'query' && kind !== 'cookie') {
    throw new TokenSourceProblem(`must be ${FORMAT}, got ${quoted}`);
  }
  if (name === undefined || !NAME.test(name)) {
    throw new TokenSourceProblem(`entry ${quoted}: ${kind} needs a name of letters, digits, '-', '.' or '_'`);
  }
  if (kind !== 'header') return { kind, name };
  const lower = name.toLowerCase();
  // That header carries the whole offer (`jwt, <token>`), never `Bearer <token>`.
  if (lower === 'sec-websocket-protocol') {
    throw new TokenSourceProblem(
      `entry ${quoted}: use "protocol" to read the token from Sec-WebSocket-Protocol`,
    );
  }
  return { kind, name: lower };
}

/**
 * Validates a list as {@link checkTokenSource} does, throwing {@link TokenSourceProblem} (a message
 * fragment) instead of a `ConfigurationError`.
 */
export function checkTokenSourceList(locations: readonly TokenLocation[]): TokenLocation[] {
  if (!Array.isArray(locations) || locations.length === 0) {
    throw new TokenSourceProblem(`must list at least one place: ${FORMAT}`);
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
    const parsed = parseEntry(entry);
    const key = keyOf(parsed);
    if (seen.has(key)) throw new TokenSourceProblem(`lists ${key} twice`);
    seen.add(key);
    checked.push(Object.freeze(parsed));
  }
  return Object.freeze(checked) as TokenLocation[];
}

/**
 * Reads a token source list as {@link parseTokenSource} does, throwing {@link TokenSourceProblem}
 * (a message fragment) instead of a `ConfigurationError`: for readers that name the setting
 * themselves, such as the settings table.
 */
export function readTokenSourceList(text: string): TokenLocation[] {
  if (typeof text !== 'string' || text.trim() === '') throw new TokenSourceProblem(`must be ${FORMAT}`);
  return checkTokenSourceList(text.split(',').map(parseEntry));
}

function configurationError(err: unknown, setting: string): unknown {
  if (!(err instanceof TokenSourceProblem)) return err;
  return new ConfigurationError(`${setting} ${err.message}`, { setting: 'tokenSource' });
}

/**
 * Parses a token source list such as `header:authorization,query:token,protocol` (the syntax of
 * `JWT_TOKEN_SOURCE`). Spaces around entries and names are ignored; kinds match in any case;
 * header names are lower-cased. The order is kept: it is the order deploy names API Gateway's
 * identity sources in.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` naming `setting` for an empty list, an unknown kind,
 *   a name of anything but letters, digits, `-`, `.` and `_`, a tab or line break around an entry, `protocol` with a name, or a location listed twice.
 * @example
 * parseTokenSource('query:token, protocol') // [{ kind: 'query', name: 'token' }, { kind: 'protocol' }]
 */
export function parseTokenSource(text: string, setting = 'tokenSource'): TokenLocation[] {
  try {
    return readTokenSourceList(text);
  } catch (err) {
    throw configurationError(err, setting);
  }
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
  try {
    return checkTokenSourceList(locations);
  } catch (err) {
    throw configurationError(err, setting);
  }
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
