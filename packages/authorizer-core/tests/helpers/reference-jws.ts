// The compact-JWS decoder as it was before decodeJws learnt its shortcut (a segment that re-encodes to
// itself): one regular expression over the whole token, the canonical check of the signature, then
// Node's decoder. Kept verbatim as the reference the property test in jws.test.ts holds it to.
import { isJsonObject, safeJsonParse } from 'aws-jwt-verify/safe-json-parse';
import { TokenError } from '../../src/errors.js';

export interface ReferenceDecodedJws {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  readonly signingInput: Buffer;
  readonly signature: Buffer;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const BASE64URL_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function malformed(message: string): TokenError {
  return new TokenError('TOKEN_MALFORMED', message);
}

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
    value =
      text.includes('__proto__') || text.includes('constructor') || text.includes('\\u')
        ? safeJsonParse(text)
        : JSON.parse(text);
  } catch {
    throw malformed(`The token ${part} is not valid JSON`);
  }
  if (!isJsonObject(value as never)) throw malformed(`The token ${part} is not a JSON object`);
  return value as Record<string, unknown>;
}

const isNumber = (value: unknown) => value === undefined || Number.isFinite(value);
const isString = (value: unknown) => value === undefined || typeof value === 'string';

export function referenceDecodeJws(token: string): ReferenceDecodedJws {
  if (!COMPACT_JWS.test(token)) {
    throw malformed('The token is not a compact JWS (three base64url parts, no padding)');
  }
  const dot1 = token.indexOf('.');
  const dot2 = token.indexOf('.', dot1 + 1);
  const signatureB64 = token.slice(dot2 + 1);
  assertCanonical(signatureB64);
  const header = parseObject(token.slice(0, dot1), 'header');
  if (!isString(header.alg) || !isString(header.kid)) {
    throw malformed('The token header alg and kid must be strings');
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
