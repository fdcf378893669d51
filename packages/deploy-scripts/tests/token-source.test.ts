import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCorsOrigins, parseRouteKeys } from '../src/door-config.js';
import { deriveIdentitySource, formatTokenSources, parseTokenSources } from '../src/token-source.js';

const HOSTILE = ['\n', '\r', '\u2028', '\u2029', '\t', '%0a', '*', '?', 'é', ' ', ',', "'", '"', '$', '{'];
const hostileName = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/),
    fc.constantFrom(...HOSTILE),
    fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/),
  )
  .map(([before, bad, after]) => `${before}${bad}${after}`);

describe('parseTokenSources', () => {
  it('reads the ordered list', () => {
    expect(parseTokenSources('header:Authorization, query:token,cookie:session,protocol')).toEqual([
      { kind: 'header', name: 'Authorization' },
      { kind: 'query', name: 'token' },
      { kind: 'cookie', name: 'session' },
      { kind: 'protocol' },
    ]);
  });

  it.each([
    ['', 'is not header:NAME'],
    ['header', 'needs a NAME'],
    ['header:', 'needs a NAME'],
    ['body:token', 'is not header:NAME'],
    ['protocol:x', 'is not header:NAME'],
    ['header:Authorization,header:authorization', 'twice'],
    ['query:token,,protocol', 'is not header:NAME'],
  ])('refuses %o with CONFIG_INVALID', (value, message) => {
    expect(() => parseTokenSources(value)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(message) }),
    );
  });

  it('refuses a name with any character an identity-source expression cannot carry safely', () => {
    fc.assert(
      fc.property(fc.constantFrom('header', 'query', 'cookie'), hostileName, (kind, name) => {
        expect(() => parseTokenSources(`${kind}:${name}`)).toThrow(
          expect.objectContaining({ code: 'CONFIG_INVALID' }),
        );
      }),
    );
  });

  it('round-trips every list it accepts, and derives only plain expressions from it', () => {
    const entry = fc.oneof(
      fc.constant('protocol'),
      fc
        .tuple(fc.constantFrom('header', 'query', 'cookie'), fc.stringMatching(/^[-.0-9A-Za-z_]{1,12}$/))
        .map(([kind, name]) => `${kind}:${name}`),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(entry, { minLength: 1, maxLength: 4, selector: (e) => e.toLowerCase() }),
        (entries) => {
          const sources = parseTokenSources(entries.join(','));
          expect(formatTokenSources(sources)).toBe(entries.join(','));
          for (const dialect of ['rest', 'http', 'websocket'] as const) {
            const choice = deriveIdentitySource(sources, dialect);
            for (const source of choice.identitySource) {
              expect(source).toMatch(
                /^(method\.request|\$request|route\.request)\.(header|querystring)\.[-.0-9A-Za-z_]+$/,
              );
            }
            // An identity source exactly when one header or query parameter carries the token.
            expect(choice.identitySource.length === 0).toBe(choice.uncacheable !== undefined);
          }
        },
      ),
    );
  });
});

describe('deriveIdentitySource', () => {
  it.each([
    ['header:Authorization', 'http', ['$request.header.Authorization']],
    ['query:token', 'websocket', ['route.request.querystring.token']],
    ['protocol', 'websocket', ['route.request.header.Sec-WebSocket-Protocol']],
    ['query:token', 'rest', ['method.request.querystring.token']],
  ] as const)('%s on %s gives %o', (value, dialect, expected) => {
    expect(deriveIdentitySource(parseTokenSources(value), dialect)).toEqual({
      identitySource: expected,
      uncacheable: undefined,
    });
  });

  it.each([
    ['header:Authorization,query:token', 'every identity source'],
    ['cookie:session', 'cannot use as a cache key'],
  ])('%s has no identity source: caching must be off', (value, why) => {
    const choice = deriveIdentitySource(parseTokenSources(value), 'http');
    expect(choice.identitySource).toEqual([]);
    expect(choice.uncacheable).toContain(why);
  });
});

describe('parseRouteKeys and parseCorsOrigins', () => {
  it('read lists', () => {
    expect(parseRouteKeys('GET /pets, POST /pets,ANY /{proxy+},$default')).toEqual([
      'GET /pets',
      'POST /pets',
      'ANY /{proxy+}',
      '$default',
    ]);
    expect(parseCorsOrigins('https://app.example.com,http://localhost:3000')).toEqual([
      'https://app.example.com',
      'http://localhost:3000',
    ]);
    expect(parseCorsOrigins('*')).toEqual(['*']);
  });

  it('refuse hostile route keys and origins with USAGE', () => {
    fc.assert(
      fc.property(hostileName, (bad) => {
        const key = `GET /${bad}`;
        // A comma splits the list: both halves must still be route keys.
        if (!/^[!-~]*$/.test(bad) || bad.includes(' ')) {
          expect(() => parseRouteKeys(key)).toThrow(expect.objectContaining({ code: 'USAGE' }));
        }
        expect(() => parseCorsOrigins(`https://${bad}.example.com`)).toThrow(
          expect.objectContaining({ code: 'USAGE' }),
        );
      }),
    );
    for (const bad of [
      'get /pets',
      'GET pets',
      'GET  /pets',
      '*, https://a.example.com',
      'https://a.example.com/path',
    ]) {
      expect(() =>
        bad.includes('://') || bad.startsWith('*') ? parseCorsOrigins(bad) : parseRouteKeys(bad),
      ).toThrow(expect.objectContaining({ code: 'USAGE' }));
    }
  });
});
