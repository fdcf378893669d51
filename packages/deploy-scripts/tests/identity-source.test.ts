import { formatTokenSource, parseTokenSource } from '@jwt-authorizer/authorizer-core/internal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveDeployConfig } from '../src/config.js';
import { parseCorsOrigins, parseRouteKeys } from '../src/door-config.js';
import { deriveIdentitySource, spellHeaderName } from '../src/identity-source.js';

const PATHS = { repoRoot: '/repo', cwd: '/repo' };
const HOSTILE = ['\n', '\r', '\u2028', '\u2029', '\t', '%0a', '*', '?', 'é', ' ', ',', "'", '"', '$', '{'];
const hostileName = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/),
    fc.constantFrom(...HOSTILE),
    fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/),
  )
  .map(([before, bad, after]) => `${before}${bad}${after}`);

// The token source is parsed by the core (what the function runs at cold start); these pin what
// deploy relies on when it writes identity sources and gateway responses from the parsed list.
describe("core's parseTokenSource, as deploy uses it", () => {
  it('reads the ordered list, header names lower-cased', () => {
    expect(parseTokenSource('header:Authorization, query:token,cookie:session,protocol')).toEqual([
      { kind: 'header', name: 'authorization' },
      { kind: 'query', name: 'token' },
      { kind: 'cookie', name: 'session' },
      { kind: 'protocol' },
    ]);
  });

  it.each([
    ['', 'must be'],
    ['header', 'needs a name'],
    ['header:', 'needs a name'],
    ['body:token', 'must be'],
    ['protocol:x', 'protocol takes no name'],
    ['header:Authorization,header:authorization', 'twice'],
    ['query:token,,protocol', 'must be'],
    ['header:Sec-WebSocket-Protocol', 'use "protocol"'],
  ])('refuses %o with CONFIG_INVALID', (value, message) => {
    expect(() => parseTokenSource(value, 'JWT_TOKEN_SOURCE')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(message) }),
    );
  });

  it('refuses a name with any character an identity-source expression cannot carry safely', () => {
    fc.assert(
      fc.property(fc.constantFrom('header', 'query', 'cookie'), hostileName, (kind, name) => {
        expect(() => parseTokenSource(`${kind}:${name}`)).toThrow(
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
        .map(([kind, name]) => `${kind}:${kind === 'header' ? name.toLowerCase() : name}`),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(entry, { minLength: 1, maxLength: 4, selector: (e) => e.toLowerCase() }),
        (entries) => {
          const sources = parseTokenSource(entries.join(','));
          expect(formatTokenSource(sources)).toBe(entries.join(','));
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

describe('the door and JWT_TOKEN_SOURCE', () => {
  const SETTINGS = { TOKEN_ISSUER: 'https://tenant.auth0.com/', AUDIENCE: 'https://api.example.com/' };
  const resolve = (value: string) =>
    resolveDeployConfig({ 'http-api-id': 'h1' }, { ...SETTINGS, JWT_TOKEN_SOURCE: value }, PATHS);

  it('reports a value the core refuses as one CONFIG_INVALID problem naming the setting', () => {
    for (const value of [
      'body:token',
      'query:a%0Ab',
      'header:x*',
      'query:token,\nprotocol',
      'query:to\u2028ken',
      'cookie:a$b',
    ]) {
      const { problems } = resolve(value);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ code: 'CONFIG_INVALID' });
      expect(problems[0]?.message).toContain('JWT_TOKEN_SOURCE');
      // Shown on one line: a line break or separator in the value is escaped, not printed.
      expect(problems[0]?.message).not.toMatch(/[\n\r\u2028\u2029]/);
    }
  });

  it('uses the parsed list, and the WebSocket default when nothing is set', () => {
    expect(resolve('query:access_token')).toMatchObject({
      tokenSources: [{ kind: 'query', name: 'access_token' }],
      tokenSourceOrigin: 'JWT_TOKEN_SOURCE',
    });
    const ws = resolveDeployConfig({ 'websocket-api-id': 'w1' }, SETTINGS, PATHS);
    expect(ws.tokenSources).toEqual([{ kind: 'query', name: 'token' }]);
    expect(ws.tokenSourceOrigin).toBeUndefined();
    expect(ws.environment.JWT_TOKEN_SOURCE).toBe('query:token');
  });
});

describe('deriveIdentitySource', () => {
  it.each([
    ['header:Authorization', 'http', ['$request.header.Authorization']],
    ['query:token', 'websocket', ['route.request.querystring.token']],
    ['protocol', 'websocket', ['route.request.header.Sec-WebSocket-Protocol']],
    ['query:token', 'rest', ['method.request.querystring.token']],
    ['header:x-access-token', 'rest', ['method.request.header.X-Access-Token']],
    ['query:Token', 'http', ['$request.querystring.Token']],
  ] as const)('%s on %s gives %o', (value, dialect, expected) => {
    expect(deriveIdentitySource(parseTokenSource(value), dialect)).toEqual({
      identitySource: expected,
      uncacheable: undefined,
    });
  });

  it.each([
    ['header:Authorization,query:token', 'every identity source'],
    ['cookie:session', 'cannot use as a cache key'],
  ])('%s has no identity source: caching must be off', (value, why) => {
    const choice = deriveIdentitySource(parseTokenSource(value), 'http');
    expect(choice.identitySource).toEqual([]);
    expect(choice.uncacheable).toContain(why);
  });
});

describe('spellHeaderName', () => {
  it('capitalizes each word of a header name', () => {
    expect(spellHeaderName('authorization')).toBe('Authorization');
    expect(spellHeaderName('x-api--key.v2_a')).toBe('X-Api--Key.v2_a');
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
