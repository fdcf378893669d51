import { DeployError } from './errors.js';
import { quoteInput } from './suggest.js';

/** One place the authorizer looks for the token, as `JWT_TOKEN_SOURCE` names it. */
export type TokenSource =
  | { kind: 'header'; name: string }
  | { kind: 'query'; name: string }
  | { kind: 'cookie'; name: string }
  | { kind: 'protocol' };

/** The token source when `JWT_TOKEN_SOURCE` is not set: the `Authorization` header. */
export const DEFAULT_TOKEN_SOURCES: readonly TokenSource[] = [{ kind: 'header', name: 'Authorization' }];

/** The token source of a WebSocket deploy when `JWT_TOKEN_SOURCE` is not set: browsers cannot set headers. */
export const DEFAULT_WEBSOCKET_TOKEN_SOURCES: readonly TokenSource[] = [{ kind: 'query', name: 'token' }];

// RFC 9110 token characters for a header name; query and cookie names are kept to the same set so an
// identity-source expression built from them cannot carry a separator, a line break or a wildcard.
const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const SAFE_NAME = /^[-.0-9A-Za-z_]+$/;

/**
 * Parses `JWT_TOKEN_SOURCE`: an ordered, comma-separated list of `header:NAME`, `query:NAME`,
 * `cookie:NAME` and `protocol` (the WebSocket subprotocol). Names are limited to letters, digits,
 * `-`, `.` and `_`, which is all API Gateway's identity-source expressions can carry safely.
 *
 * @throws DeployError `CONFIG_INVALID` naming the entry that is wrong and what is expected
 * @example
 * ```ts
 * parseTokenSources('header:Authorization,query:token');
 * // [{ kind: 'header', name: 'Authorization' }, { kind: 'query', name: 'token' }]
 * ```
 */
export function parseTokenSources(value: string): TokenSource[] {
  const sources: TokenSource[] = [];
  const seen = new Set<string>();
  for (const raw of value.split(',')) {
    // Spaces around a comma only: a line break or a Unicode separator is refused, never trimmed away.
    const entry = raw.replace(/^ +| +$/g, '');
    const source = parseEntry(entry);
    const key = source.kind === 'protocol' ? 'protocol' : `${source.kind}:${source.name.toLowerCase()}`;
    if (seen.has(key)) {
      throw new DeployError(
        'CONFIG_INVALID',
        `JWT_TOKEN_SOURCE lists '${quoteInput(entry)}' twice: list each place once`,
      );
    }
    seen.add(key);
    sources.push(source);
  }
  return sources;
}

function parseEntry(entry: string): TokenSource {
  if (entry === 'protocol') return { kind: 'protocol' };
  const colon = entry.indexOf(':');
  const kind = colon === -1 ? entry : entry.slice(0, colon);
  const name = colon === -1 ? '' : entry.slice(colon + 1);
  if (kind !== 'header' && kind !== 'query' && kind !== 'cookie') {
    throw new DeployError(
      'CONFIG_INVALID',
      `JWT_TOKEN_SOURCE entry '${quoteInput(entry)}' is not header:NAME, query:NAME, cookie:NAME or protocol: fix JWT_TOKEN_SOURCE`,
    );
  }
  if (!NAME.test(name) || !SAFE_NAME.test(name)) {
    throw new DeployError(
      'CONFIG_INVALID',
      `JWT_TOKEN_SOURCE entry '${quoteInput(entry)}' needs a NAME of letters, digits, '-', '.' or '_': fix JWT_TOKEN_SOURCE`,
    );
  }
  return { kind, name };
}

/** The kinds of API Gateway authorizer an identity source is written for. */
export type IdentitySourceDialect = 'rest' | 'http' | 'websocket';

/** The identity source to give API Gateway, and why caching must be off when there is none. */
export interface IdentitySourceChoice {
  /** The expressions, e.g. `['$request.header.Authorization']`; empty when none can be used. */
  identitySource: string[];
  /** Why no identity source can stand for the token (so the TTL must be 0); `undefined` when one can. */
  uncacheable: string | undefined;
}

const PREFIX: Record<IdentitySourceDialect, { header: string; query: string }> = {
  rest: { header: 'method.request.header.', query: 'method.request.querystring.' },
  http: { header: '$request.header.', query: '$request.querystring.' },
  websocket: { header: 'route.request.header.', query: 'route.request.querystring.' },
};

/**
 * Derives an authorizer's identity source (API Gateway's cache key) from the token sources. API
 * Gateway answers 401 without calling the function unless every identity source is present, so only a
 * single header or query parameter can be one: with several places, or a cookie (a part of the Cookie
 * header), there is no identity source and the result must not be cached. The WebSocket subprotocol
 * is the `Sec-WebSocket-Protocol` header.
 *
 * @example
 * ```ts
 * deriveIdentitySource([{ kind: 'query', name: 'token' }], 'websocket');
 * // { identitySource: ['route.request.querystring.token'], uncacheable: undefined }
 * ```
 */
export function deriveIdentitySource(
  sources: readonly TokenSource[],
  dialect: IdentitySourceDialect,
): IdentitySourceChoice {
  const [only, ...others] = sources;
  if (only === undefined) return { identitySource: [], uncacheable: 'JWT_TOKEN_SOURCE lists no place' };
  if (others.length > 0) {
    return {
      identitySource: [],
      uncacheable: `JWT_TOKEN_SOURCE lists ${sources.length} places and API Gateway requires every identity source to be present`,
    };
  }
  if (only.kind === 'cookie') {
    return {
      identitySource: [],
      uncacheable: `the token comes from cookie ${only.name}, which API Gateway cannot use as a cache key apart from the other cookies`,
    };
  }
  if (only.kind === 'protocol') {
    if (dialect === 'rest') {
      return { identitySource: [], uncacheable: 'the WebSocket subprotocol is not part of a REST request' };
    }
    return { identitySource: [`${PREFIX[dialect].header}Sec-WebSocket-Protocol`], uncacheable: undefined };
  }
  return { identitySource: [`${PREFIX[dialect][only.kind]}${only.name}`], uncacheable: undefined };
}

/**
 * Writes token sources back in `JWT_TOKEN_SOURCE`'s form.
 *
 * @example
 * ```ts
 * formatTokenSources([{ kind: 'protocol' }]); // 'protocol'
 * ```
 */
export function formatTokenSources(sources: readonly TokenSource[]): string {
  return sources
    .map((source) => (source.kind === 'protocol' ? 'protocol' : `${source.kind}:${source.name}`))
    .join(',');
}
