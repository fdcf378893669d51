import { ConfigurationError } from '@jwt-authorizer/authorizer-core';
import { assertKnownOptions } from '@jwt-authorizer/authorizer-core/internal';
import { CONFLICT, readHeader } from './read-header.js';

/**
 * Where `jwtAuth` reads the token:
 * - `{ header }`: a header holding `Bearer <jwt>` (default `{ header: 'authorization' }`);
 * - `{ cookie }`: the named cookie holds the bare JWT (payload 2.0 `cookies`, or the `Cookie` header);
 * - `{ query }`: the named query parameter holds the bare JWT (RFC 6750 advises against it: URLs get logged);
 * - a function of the event returning the bare JWT, or undefined when there is none.
 */
export type TokenSource =
  | { readonly header?: string }
  | { readonly cookie: string }
  | { readonly query: string }
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
  for (const map of [asRecord(event.headers), asRecord(event.multiValueHeaders)]) {
    if (!map) continue;
    for (const key in map) {
      if (key.toLowerCase() !== 'cookie') continue;
      const raw = map[key];
      for (const line of Array.isArray(raw) ? raw : [raw]) {
        if (typeof line === 'string') found = scanCookies(found, line.split(';'), name);
        if (found === CONFLICT) return CONFLICT;
      }
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

function toCredential(
  value: string | undefined | typeof CONFLICT,
  kind: 'authorization' | 'token',
): Credential {
  if (value === CONFLICT) return CONFLICTING;
  if (value === undefined || value.trim() === '') return NONE;
  return { kind, value };
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
  if (source !== undefined && (typeof source !== 'object' || source === null || Array.isArray(source))) {
    throw new ConfigurationError('tokenSource must be { header }, { cookie }, { query } or a function');
  }
  // A misspelt key (`headers`) would otherwise fall back to the Authorization header unnoticed.
  if (source !== undefined) assertKnownOptions(source, ['header', 'cookie', 'query'], 'tokenSource.');
  const spec = (source ?? {}) as { header?: unknown; cookie?: unknown; query?: unknown };
  const given = ['header', 'cookie', 'query'].filter((k) => spec[k as keyof typeof spec] !== undefined);
  if (given.length > 1) {
    throw new ConfigurationError(
      `tokenSource takes one of header, cookie or query, got ${given.join(' and ')}`,
    );
  }
  const name = spec.cookie ?? spec.query ?? spec.header ?? 'authorization';
  if (typeof name !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw new ConfigurationError(`tokenSource ${given[0] ?? 'header'} must be a name, got "${String(name)}"`);
  }
  if (spec.cookie !== undefined) {
    return (event) => toCredential(readCookie(asRecord(event) ?? {}, name), 'token');
  }
  if (spec.query !== undefined) {
    return (event) => toCredential(readQuery(asRecord(event) ?? {}, name), 'token');
  }
  const lowerCaseName = name.toLowerCase();
  return (event) => toCredential(readNamedHeader(asRecord(event) ?? {}, lowerCaseName), 'authorization');
}
