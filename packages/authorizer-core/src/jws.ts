import { isJsonObject, safeJsonParse } from 'aws-jwt-verify/safe-json-parse';
import { TokenError } from './errors.js';

/** A compact JWS split into its parts; header and payload are parsed but NOT verified. */
export interface DecodedJws {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  /** The compact JWS itself: ASCII, base64url segments, checked by {@link decodeJws}. */
  readonly token: string;
  /** The signature covers the first `signedLength` characters of `token` (`header.payload`). */
  readonly signedLength: number;
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

/**
 * The strict form check of a whole token: three non-empty unpadded base64url segments and a
 * canonical signature segment. {@link decodeJws} settles the usual token more cheaply (a segment that
 * re-encodes to itself passes both checks) and asks this only when that shortcut does not hold.
 */
function assertCompactJws(token: string): void {
  if (!COMPACT_JWS.test(token)) {
    throw malformed('The token is not a compact JWS (three base64url parts, no padding)');
  }
  assertCanonical(token.slice(token.lastIndexOf('.') + 1));
}

// Decoded segments land here and are read back before decodeJws returns; nothing keeps a view of it.
// A segment never decodes to more bytes than it has characters, so the token's length is enough.
const SCRATCH_BYTES = 16 * 1024;
const scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES);

/**
 * Decodes `segment` into `buffer` at `offset` and says how many bytes it made, or -1 when the segment
 * is not the canonical unpadded base64url spelling of those bytes. Node's encoder writes only
 * `A-Z a-z 0-9 - _`, without padding and with the unused low bits clear, so a segment equal to the
 * re-encoding of its own bytes holds nothing else, and no other spelling decodes to the same bytes.
 */
function decodeCanonical(buffer: Buffer, segment: string, offset: number): number {
  const length = buffer.write(segment, offset, 'base64url');
  return length > 0 && buffer.toString('base64url', offset, offset + length) === segment ? length : -1;
}

function parseObject(text: string, part: 'header' | 'payload'): Record<string, unknown> {
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
 * header is frozen). The signature is checked with `signature.ts`, from `token` and `signedLength`.
 *
 * @throws {TokenError} `TOKEN_MALFORMED` for anything that is not a well-formed JWT.
 * @example
 * const { header, payload } = decodeJws(token); // unverified!
 */
export function decodeJws(token: string, headerCache?: Map<string, Record<string, unknown>>): DecodedJws {
  const dot1 = token.indexOf('.');
  const dot2 = token.indexOf('.', dot1 + 1);
  // A cached header segment passed the form check when it was first seen; a segment that is not its
  // own re-encoding may still pass it (a header or payload with unused low bits set), so only a
  // failed shortcut asks the full check, whose verdict and message are the rule.
  if (dot1 <= 0 || dot2 < 0) assertCompactJws(token);
  const buffer = token.length <= SCRATCH_BYTES ? scratch : Buffer.allocUnsafe(token.length);
  const signatureB64 = token.slice(dot2 + 1);
  const headerB64 = token.slice(0, dot1);
  const payloadB64 = token.slice(dot1 + 1, dot2);
  let header = headerCache?.get(headerB64);
  const headerLength = header === undefined ? decodeCanonical(buffer, headerB64, 0) : 0;
  const payloadOffset = headerLength < 0 ? dot1 : headerLength;
  const payloadLength = decodeCanonical(buffer, payloadB64, payloadOffset);
  const signature = Buffer.from(signatureB64, 'base64url');
  if (
    headerLength < 0 ||
    payloadLength < 0 ||
    signature.length === 0 ||
    signature.toString('base64url') !== signatureB64
  ) {
    assertCompactJws(token);
  }
  if (header === undefined) {
    const text =
      headerLength < 0
        ? Buffer.from(headerB64, 'base64url').toString('utf8')
        : buffer.toString('utf8', 0, headerLength);
    header = parseObject(text, 'header');
    if (!isString(header.alg) || !isString(header.kid)) {
      throw malformed('The token header alg and kid must be strings');
    }
    if (headerCache) {
      // An issuer signs every token with the same few headers; random headers only churn the map.
      if (headerCache.size >= HEADER_CACHE_SIZE) headerCache.clear();
      headerCache.set(headerB64, Object.freeze(header));
    }
  }
  const payload = parseObject(
    payloadLength < 0
      ? Buffer.from(payloadB64, 'base64url').toString('utf8')
      : buffer.toString('utf8', payloadOffset, payloadOffset + payloadLength),
    'payload',
  );
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
  return { header, payload, token, signedLength: dot2, signature };
}
