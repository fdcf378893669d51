import { ConfigurationError, type TokenLocation } from '@jwt-authorizer/authorizer-core';
import {
  assertKnownOptions,
  checkTokenSource,
  DEFAULT_TOKEN_SOURCE,
  parseTokenSource,
  TOKEN_SUBPROTOCOL,
} from '@jwt-authorizer/authorizer-core/internal';
import { CONFLICT, readHeader, readHeaderValues } from './read-header.js';

/**
 * Where `jwtAuth` and `jwtAuthorizer` read the token:
 * - `{ header }`: a header holding `Bearer <jwt>` (default `{ header: 'authorization' }`);
 * - `{ cookie }`: the named cookie holds the bare JWT (payload 2.0 `cookies`, or the `Cookie` header);
 * - `{ query }`: the named query parameter holds the bare JWT (RFC 6750 advises against it: URLs get logged);
 * - an ordered list of places, as a string in the `JWT_TOKEN_SOURCE` syntax
 *   (`'header:authorization,query:token,cookie:at,protocol'`) or as core's `parseTokenSource`
 *   returns it; `protocol` is the WebSocket subprotocol offer `jwt, <jwt>`. A request may carry
 *   the token in several of them only if it is the same token;
 * - a function of the event returning the bare JWT, or undefined when there is none.
 */
export type TokenSource =
  | { readonly header?: string }
  | { readonly cookie: string }
  | { readonly query: string }
  | string
  | readonly TokenLocation[]
  | ((event: unknown) => string | undefined);

/** What a request carries: nothing, one credential, or several different ones. */
export type Credential =
  | { readonly kind: 'none' }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'authorization'; readonly value: string }
  | { readonly kind: 'token'; readonly value: string };

const NONE: Credential = Object.freeze({ kind: 'none' });
const CONFLICTING: Credential = Object.freeze({ kind: 'conflict' });

type EventRecord = Readonly<Record<string, unknown>>;

function asRecord(value: unknown): EventRecord | undefined {
  return typeof value === 'object' && value !== null ? (value as EventRecord) : undefined;
}

/** Payload 2.0 (HTTP API, function URLs) joins repeated headers and query values with commas. */
function isPayloadV2(event: EventRecord): boolean {
  return event.version === '2.0';
}

/** Merges values: equal repeats are one value, different ones a conflict. */
function merge(found: string | undefined | typeof CONFLICT, value: string): string | typeof CONFLICT {
  return found === undefined || found === value ? value : CONFLICT;
}

function splitJoined(value: string): string | typeof CONFLICT {
  let found: string | undefined | typeof CONFLICT;
  for (const part of value.split(',')) {
    found = merge(found, part.trim());
    if (found === CONFLICT) return CONFLICT;
  }
  return found as string;
}

function readNamedHeader(event: EventRecord, lowerCaseName: string): string | undefined | typeof CONFLICT {
  const value = readHeader(asRecord(event.headers), asRecord(event.multiValueHeaders), lowerCaseName);
  // A bearer credential never holds a comma: one here is two headers that payload 2.0 joined.
  if (typeof value === 'string' && isPayloadV2(event) && value.includes(',')) return splitJoined(value);
  return value;
}

function scanCookies(
  found: string | undefined | typeof CONFLICT,
  pairs: readonly unknown[],
  name: string,
): string | undefined | typeof CONFLICT {
  let result = found;
  for (const pair of pairs) {
    if (typeof pair !== 'string') continue;
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    result = merge(result, pair.slice(eq + 1).trim());
    if (result === CONFLICT) return CONFLICT;
  }
  return result;
}

function readCookie(event: EventRecord, name: string): string | undefined | typeof CONFLICT {
  let found: string | undefined | typeof CONFLICT;
  if (Array.isArray(event.cookies)) found = scanCookies(found, event.cookies, name);
  for (const line of readHeaderValues(asRecord(event.headers), asRecord(event.multiValueHeaders), 'cookie')) {
    found = scanCookies(found, line.split(';'), name);
    if (found === CONFLICT) return CONFLICT;
  }
  return found;
}

/**
 * The token a WebSocket client offers as the subprotocol right after `jwt`
 * (`Sec-WebSocket-Protocol: jwt, <token>`). Other subprotocols may come before or after the pair.
 * Each header value is read on its own: a pair never spans two values.
 */
function readProtocol(event: EventRecord): string | undefined | typeof CONFLICT {
  let found: string | undefined | typeof CONFLICT;
  const values = readHeaderValues(
    asRecord(event.headers),
    asRecord(event.multiValueHeaders),
    'sec-websocket-protocol',
  );
  for (const value of values) {
    const offers = value.split(',').map((offer) => offer.trim());
    for (let i = 0; i < offers.length - 1; i++) {
      if (offers[i] !== TOKEN_SUBPROTOCOL) continue;
      const token = offers[i + 1] as string;
      i++;
      if (token === '') continue;
      found = merge(found, token);
      if (found === CONFLICT) return CONFLICT;
    }
  }
  return found;
}

function readQuery(event: EventRecord, name: string): string | undefined | typeof CONFLICT {
  let found: string | undefined | typeof CONFLICT;
  const single = asRecord(event.queryStringParameters)?.[name];
  if (typeof single === 'string') found = isPayloadV2(event) ? splitJoined(single) : single;
  const multi = asRecord(event.multiValueQueryStringParameters)?.[name];
  if (Array.isArray(multi)) {
    for (const value of multi) {
      if (typeof value !== 'string' || found === CONFLICT) continue;
      found = merge(found, value);
    }
  }
  return found;
}

function readLocation(event: EventRecord, location: TokenLocation): string | undefined | typeof CONFLICT {
  switch (location.kind) {
    case 'header':
      return readNamedHeader(event, location.name);
    case 'query':
      return readQuery(event, location.name);
    case 'cookie':
      return readCookie(event, location.name);
    case 'protocol':
      return readProtocol(event);
  }
}

/** What two places are compared by: the token of a `Bearer <token>` value, any other value as is. */
function comparable(credential: Credential & { value: string }): string {
  if (credential.kind !== 'authorization') return credential.value;
  return /^\s*bearer +(\S+)\s*$/i.exec(credential.value)?.[1] ?? credential.value;
}

/**
 * Reads every listed place: none is nothing, one or several with the same token is that token
 * (as the first place in the list holds it), different tokens are a conflict: a client that sends
 * two credentials must not let the server pick one (RFC 6750 §2 allows one method per request).
 */
function readLocations(event: unknown, locations: readonly TokenLocation[]): Credential {
  const record = asRecord(event) ?? {};
  let first: (Credential & { value: string }) | undefined;
  for (const location of locations) {
    const credential = toCredential(
      readLocation(record, location),
      location.kind === 'header' ? 'authorization' : 'token',
    );
    if (credential.kind === 'conflict') return CONFLICTING;
    if (credential.kind === 'none') continue;
    if (first === undefined) first = credential;
    else if (comparable(first) !== comparable(credential)) return CONFLICTING;
  }
  return first ?? NONE;
}

function toCredential(
  value: string | undefined | typeof CONFLICT,
  kind: 'authorization' | 'token',
): Credential {
  if (value === CONFLICT) return CONFLICTING;
  if (value === undefined || value.trim() === '') return NONE;
  return { kind, value };
}

/**
 * The ordered list of places a token source names: the list itself, the parsed string, or the
 * one place of an object source (default: the `Authorization` header).
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` for a malformed source.
 */
export function resolveTokenLocations(
  source: Exclude<TokenSource, (event: unknown) => string | undefined> | undefined,
): readonly TokenLocation[] {
  // The default is deeply frozen and valid by construction: the handler's settings hand it back
  // when nothing is configured, and checking it again would compile the list checker at cold start.
  if (source === undefined || source === DEFAULT_TOKEN_SOURCE) return DEFAULT_TOKEN_SOURCE;
  if (typeof source === 'string') return parseTokenSource(source);
  if (Array.isArray(source)) return checkTokenSource(source);
  if (typeof source !== 'object' || source === null) {
    throw new ConfigurationError(
      'tokenSource must be { header }, { cookie }, { query }, a list such as "header:authorization,query:token", or a function',
    );
  }
  // A misspelt key (`headers`) would otherwise fall back to the Authorization header unnoticed.
  assertKnownOptions(source, ['header', 'cookie', 'query'], 'tokenSource.');
  const spec = source as { header?: unknown; cookie?: unknown; query?: unknown };
  const given = (['header', 'cookie', 'query'] as const).filter((k) => spec[k] !== undefined);
  if (given.length > 1) {
    throw new ConfigurationError(
      `tokenSource takes one of header, cookie or query, got ${given.join(' and ')}`,
    );
  }
  const kind = given[0] ?? 'header';
  const name = spec[kind] ?? 'authorization';
  if (typeof name !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw new ConfigurationError(`tokenSource ${kind} must be a name, got "${String(name)}"`);
  }
  return checkTokenSource([{ kind, name }]);
}

/**
 * Compiles a token source into a reader of events. Header names are matched in any case, in
 * `headers` and `multiValueHeaders`; several different values are a conflict, never a choice.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` for a malformed source.
 */
export function createCredentialReader(source: TokenSource | undefined): (event: unknown) => Credential {
  if (typeof source === 'function') {
    return (event) => {
      const value = source(event);
      return toCredential(typeof value === 'string' ? value : undefined, 'token');
    };
  }
  const locations = resolveTokenLocations(source);
  const only = locations.length === 1 ? locations[0] : undefined;
  if (only !== undefined) {
    const kind = only.kind === 'header' ? 'authorization' : 'token';
    return (event) => toCredential(readLocation(asRecord(event) ?? {}, only), kind);
  }
  return (event) => readLocations(event, locations);
}
