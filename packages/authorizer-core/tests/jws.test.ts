import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenError } from '../src/errors.js';
import { decodeJws } from '../src/jws.js';
import { b64url } from './helpers/index.js';
import { referenceDecodeJws } from './helpers/reference-jws.js';

// Characters a segment must never carry, and what Node's decoder skips or accepts silently.
const HOSTILE = [
  '\n',
  '\r',
  '\t',
  ' ',
  '\u2028',
  '\u2029',
  '%',
  '%2E',
  '*',
  '?',
  '=',
  '+',
  '/',
  '.',
  'é',
  '€',
  '😀',
  '\u0000',
];
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

type Outcome =
  | { error: string }
  | { header: unknown; payload: unknown; signingInput: string; signature: string };

function outcomeOf(
  decode: () => { header: unknown; payload: unknown; signingInput: Buffer; signature: Buffer },
): Outcome {
  try {
    const { header, payload, signingInput, signature } = decode();
    return {
      header,
      payload,
      signingInput: signingInput.toString('hex'),
      signature: signature.toString('hex'),
    };
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
    return { error: `${err.code}: ${err.message}` };
  }
}

function decodeNew(token: string, cache?: Map<string, Record<string, unknown>>) {
  const decoded = decodeJws(token, cache);
  return {
    ...decoded,
    // What signature.ts writes into its buffer: the token's first signedLength characters.
    signingInput: Buffer.from(token.slice(0, decoded.signedLength), 'latin1'),
  };
}

const jsonText = fc.oneof(
  fc.json(),
  fc
    .record(
      {
        alg: fc.oneof(fc.constantFrom('RS256', 'ES256', 'none'), fc.integer()),
        kid: fc.oneof(fc.string(), fc.integer()),
        iss: fc.oneof(fc.string(), fc.integer()),
        sub: fc.string(),
        aud: fc.oneof(fc.string(), fc.array(fc.oneof(fc.string(), fc.integer()))),
        exp: fc.oneof(fc.integer(), fc.double(), fc.string()),
        scope: fc.oneof(fc.string(), fc.array(fc.string())),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  fc.constantFrom(
    '{"__proto__":{"admin":true},"alg":"RS256"}',
    '{"constructor":{"prototype":{}},"kid":"k"}',
    '{"\\u005f_proto__":{"admin":true}}',
    '{"alg":"RS256","kid":"k\u2028"}',
  ),
);

/** One segment: the base64url of some JSON, bent in one of the ways a hostile client would. */
const segment = fc
  .tuple(
    jsonText,
    fc.constantFrom('as is', 'low bits set', 'extra char', 'hostile char', 'random', 'empty'),
    fc.nat(),
    fc.constantFrom(...HOSTILE),
    fc.stringMatching(/^[A-Za-z0-9_\-+/=. %*?\n\r\té€]{0,12}$/),
  )
  .map(([text, bend, at, hostile, random]) => {
    const encoded = b64url(text);
    switch (bend) {
      case 'as is':
        return encoded;
      case 'low bits set': {
        // The last character with its unused low bits set: decodes to the same bytes.
        if (encoded.length % 4 === 0) return encoded;
        const last = BASE64URL.indexOf(encoded.charAt(encoded.length - 1));
        return encoded.slice(0, -1) + BASE64URL.charAt(last | (encoded.length % 4 === 2 ? 0x0f : 0x03));
      }
      case 'extra char':
        return `${encoded}${BASE64URL.charAt(at % 64)}`;
      case 'hostile char': {
        const i = at % (encoded.length + 1);
        return encoded.slice(0, i) + hostile + encoded.slice(i);
      }
      case 'random':
        return random;
      default:
        return '';
    }
  });

const token = fc
  .tuple(segment, segment, segment, fc.constantFrom('', '.', '.x', '..'))
  .map(([header, payload, signature, tail]) => `${header}.${payload}.${signature}${tail}`);

describe('decodeJws', () => {
  it('property: decides every hostile token exactly as the regular-expression decoder did', () => {
    const cache = new Map<string, Record<string, unknown>>();
    fc.assert(
      fc.property(token, (t) => {
        const expected = outcomeOf(() => referenceDecodeJws(t));
        expect(outcomeOf(() => decodeNew(t))).toEqual(expected);
        // Through the header cache too, twice: the second call is a cache hit for a good header.
        expect(outcomeOf(() => decodeNew(t, cache))).toEqual(expected);
        expect(outcomeOf(() => decodeNew(t, cache))).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses a signature that differs from a good one only in a character Node would skip', () => {
    const good = `${b64url({ alg: 'RS256', kid: 'k' })}.${b64url({ sub: 'a' })}.${'AbCd'.repeat(10)}`;
    expect(() => decodeJws(good)).not.toThrow();
    for (const hostile of HOSTILE) {
      const bent = `${good.slice(0, -4)}${hostile}${good.slice(-4)}`;
      expect(outcomeOf(() => decodeNew(bent))).toEqual({
        error: 'TOKEN_MALFORMED: The token is not a compact JWS (three base64url parts, no padding)',
      });
    }
  });

  it('keeps a header segment with its low bits set acceptable, as before, but not a signature', () => {
    const header = b64url({ alg: 'RS256', kid: 'kid1' });
    // 28 bytes: 38 characters, the last one carrying 4 unused bits.
    expect(header.length % 4).toBe(2);
    const bent = header.slice(0, -1) + BASE64URL.charAt(BASE64URL.indexOf(header.slice(-1)) | 0x0f);
    const payload = b64url({ sub: 'a' });
    expect(bent).not.toBe(header);
    expect(decodeJws(`${bent}.${payload}.AAAA`).header).toEqual({ alg: 'RS256', kid: 'kid1' });
    expect(() => decodeJws(`${header}.${payload}.AB`)).toThrow(/not canonical/);
  });
});
