import { isJsonObject, safeJsonParse } from 'aws-jwt-verify/safe-json-parse';
import { TokenError } from './errors.js';

/** A compact JWS split into its parts; header and payload are parsed but NOT verified. */
export interface DecodedJws {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  /** The bytes the signature covers: `header.payload`. */
  readonly signingInput: Buffer;
  readonly signature: Buffer;
}

// Unpadded base64url only (RFC 7515): Node's decoder silently skips other characters, so a token with
// a stray character would otherwise decode to the same bytes as the genuine one.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const BASE64URL_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function malformed(message: string): TokenError {
  return new TokenError('TOKEN_MALFORMED', message);
}

/**
 * Refuses a signature segment that is not canonical (unused low bits set in its last character):
 * otherwise one signature has several spellings, and a changed token still verifies.
 */
function assertCanonical(segment: string): void {
  const rest = segment.length % 4;
  const last = BASE64URL_CHARS.indexOf(segment.charAt(segment.length - 1));
  if (rest === 1 || (rest === 2 && (last & 0x0f) !== 0) || (rest === 3 && (last & 0x03) !== 0)) {
    throw malformed('The token signature is not canonical base64url');
  }
}

function parseObject(segment: string, part: 'header' | 'payload'): Record<string, unknown> {
  const text = Buffer.from(segment, 'base64url').toString('utf8');
  let value: unknown;
  try {
    // aws-jwt-verify's safeJsonParse strips __proto__ and constructor keys through a reviver, which
    // costs four times a plain parse; only text that could carry such a key (also \u-escaped) needs it.
    value =
      text.includes('__proto__') || text.includes('constructor') || text.includes('\\u')
        ? safeJsonParse(text)
        : JSON.parse(text);
  } catch {
    // No cause: V8's SyntaxError quotes the text it failed on, which is token content.
    throw malformed(`The token ${part} is not valid JSON`);
  }
  if (!isJsonObject(value as never)) throw malformed(`The token ${part} is not a JSON object`);
  return value as Record<string, unknown>;
}

const HEADER_CACHE_SIZE = 64;

const isNumber = (value: unknown) => value === undefined || Number.isFinite(value);
const isString = (value: unknown) => value === undefined || typeof value === 'string';

/**
 * Splits and parses a compact JWS, checking the types of the registered header parameters and
 * claims exactly as aws-jwt-verify's `decomposeUnverifiedJwt` does. With `headerCache`, a header
 * segment seen before is not decoded again (parsing is a pure function of the segment; the cached
 * header is frozen).
 *
 * @throws {TokenError} `TOKEN_MALFORMED` for anything that is not a well-formed JWT.
 * @example
 * const { header, payload } = decodeJws(token); // unverified!
 */
export function decodeJws(token: string, headerCache?: Map<string, Record<string, unknown>>): DecodedJws {
  if (!COMPACT_JWS.test(token)) {
    throw malformed('The token is not a compact JWS (three base64url parts, no padding)');
  }
  const dot1 = token.indexOf('.');
  const dot2 = token.indexOf('.', dot1 + 1);
  const signatureB64 = token.slice(dot2 + 1);
  assertCanonical(signatureB64);
  const headerB64 = token.slice(0, dot1);
  let header = headerCache?.get(headerB64);
  if (header === undefined) {
    header = parseObject(headerB64, 'header');
    if (!isString(header.alg) || !isString(header.kid)) {
      throw malformed('The token header alg and kid must be strings');
    }
    if (headerCache) {
      // An issuer signs every token with the same few headers; random headers only churn the map.
      if (headerCache.size >= HEADER_CACHE_SIZE) headerCache.clear();
      headerCache.set(headerB64, Object.freeze(header));
    }
  }
  const payload = parseObject(token.slice(dot1 + 1, dot2), 'payload');
  const aud = payload.aud;
  if (
    !isNumber(payload.exp) ||
    !isNumber(payload.nbf) ||
    !isNumber(payload.iat) ||
    !isString(payload.iss) ||
    !isString(payload.sub) ||
    !isString(payload.scope) ||
    !isString(payload.jti) ||
    !(isString(aud) || (Array.isArray(aud) && aud.every((item) => typeof item === 'string')))
  ) {
    throw malformed('The token has a registered claim of the wrong type');
  }
  return {
    header,
    payload,
    signingInput: Buffer.from(token.slice(0, dot2), 'latin1'),
    signature: Buffer.from(signatureB64, 'base64url'),
  };
}
