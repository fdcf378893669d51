import { DEFAULT_TOKEN_SOURCE, parseTokenSource } from '@jwt-authorizer/authorizer-core/internal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readHeader, readHeaderValues } from '../src/read-header.js';
import { readRoute } from '../src/read-route.js';
import { createCredentialReader, resolveTokenLocations } from '../src/token-source.js';

describe('readHeader', () => {
  it('skips values that are not strings and multi-value entries that are not arrays', () => {
    const value = readHeader(
      { authorization: undefined, Authorization: 'Bearer a' },
      { authorization: 'Bearer b' as never, AUTHORIZATION: [42 as never, 'Bearer a'] },
      'authorization',
    );
    expect(value).toBe('Bearer a');
  });

  it('ignores headers whose names only start alike', () => {
    expect(
      readHeader({ 'authorization-x': 'Bearer b', authorizatio: 'c' }, null, 'authorization'),
    ).toBeUndefined();
  });
});

describe('readHeaderValues', () => {
  it('lists every string value of a header in any case, headers first', () => {
    expect(
      readHeaderValues(
        { 'Sec-WebSocket-Protocol': 'jwt, a', other: 'x', 'sec-websocket-protocol': 7 as never },
        { 'SEC-WEBSOCKET-PROTOCOL': ['jwt', null as never, 'b'], other: ['y'] },
        'sec-websocket-protocol',
      ),
    ).toEqual(['jwt, a', 'jwt', 'b']);
    expect(readHeaderValues(null, undefined, 'cookie')).toEqual([]);
  });
});

describe('createCredentialReader', () => {
  it('reads the Authorization header by default and reports none without it', () => {
    const read = createCredentialReader(undefined);
    expect(read({ headers: { Authorization: 'Bearer t' } })).toEqual({
      kind: 'authorization',
      value: 'Bearer t',
    });
    expect(read({ headers: {} })).toEqual({ kind: 'none' });
    expect(read(undefined)).toEqual({ kind: 'none' });
    expect(read('not an event')).toEqual({ kind: 'none' });
  });

  it("takes the core's default list as it is, and still checks any other list", () => {
    expect(resolveTokenLocations(DEFAULT_TOKEN_SOURCE)).toBe(DEFAULT_TOKEN_SOURCE);
    const read = createCredentialReader(DEFAULT_TOKEN_SOURCE);
    expect(read({ headers: { authorization: 'Bearer t' } })).toEqual({
      kind: 'authorization',
      value: 'Bearer t',
    });
    expect(read({ queryStringParameters: { token: 't' } })).toEqual({ kind: 'none' });
    // A list equal to the default but not the default itself goes through the checker.
    const copy = [{ kind: 'header', name: 'authorization' }] as const;
    expect(resolveTokenLocations(copy)).not.toBe(copy);
    expect(resolveTokenLocations(copy)).toEqual(DEFAULT_TOKEN_SOURCE);
    expect(() => resolveTokenLocations([{ kind: 'header', name: 'bad\nname' }])).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() => resolveTokenLocations([])).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('keeps a payload 2.0 value joined from equal repeats, and flags different ones', () => {
    const read = createCredentialReader({});
    expect(read({ version: '2.0', headers: { authorization: 'Bearer t, Bearer t' } })).toEqual({
      kind: 'authorization',
      value: 'Bearer t',
    });
    expect(read({ version: '2.0', headers: { authorization: 'Bearer t,Bearer u' } })).toEqual({
      kind: 'conflict',
    });
    // Outside payload 2.0 a comma is left to the bearer parser, which refuses it.
    expect(read({ headers: { authorization: 'Bearer t,u' } })).toEqual({
      kind: 'authorization',
      value: 'Bearer t,u',
    });
  });

  it('parses cookies: pairs without "=", other names and blank values', () => {
    const read = createCredentialReader({ cookie: 'at' });
    expect(read({ cookies: ['junk', 'other=1', 42, ' at = tok '] })).toEqual({ kind: 'token', value: 'tok' });
    expect(read({ headers: { cookie: 'a=1; at=' } })).toEqual({ kind: 'none' });
    expect(read({ headers: { Cookie: 'at=x' }, multiValueHeaders: { cookie: ['at=x', 'at=y'] } })).toEqual({
      kind: 'conflict',
    });
    expect(read({ cookies: ['at=x', 'at=y'], headers: { cookie: 'at=x' } })).toEqual({ kind: 'conflict' });
    expect(read({ cookies: ['at=x'], headers: { cookie: 'at=y' } })).toEqual({ kind: 'conflict' });
    expect(read({ multiValueHeaders: { cookie: [undefined as never, 'at=z'] } })).toEqual({
      kind: 'token',
      value: 'z',
    });
  });

  it('reads query parameters from single and multi-value maps', () => {
    const read = createCredentialReader({ query: 'token' });
    expect(read({ multiValueQueryStringParameters: { token: ['a', 'a'] } })).toEqual({
      kind: 'token',
      value: 'a',
    });
    expect(read({ multiValueQueryStringParameters: { token: ['a', 'b', 'c'] } })).toEqual({
      kind: 'conflict',
    });
    expect(read({ multiValueQueryStringParameters: { token: [7, 'a'] } })).toEqual({
      kind: 'token',
      value: 'a',
    });
    expect(read({ queryStringParameters: null })).toEqual({ kind: 'none' });
  });

  it('treats a function returning anything but a non-blank string as no token', () => {
    expect(createCredentialReader(() => 42 as never)({})).toEqual({ kind: 'none' });
    expect(createCredentialReader(() => ' ')({})).toEqual({ kind: 'none' });
    expect(createCredentialReader(() => 'tok')({})).toEqual({ kind: 'token', value: 'tok' });
  });

  it('reads the token a WebSocket client offers as the subprotocol after "jwt"', () => {
    const read = createCredentialReader('protocol');
    const offer = (value: string) => read({ type: 'REQUEST', headers: { 'Sec-WebSocket-Protocol': value } });
    expect(offer('jwt, tok')).toEqual({ kind: 'token', value: 'tok' });
    expect(offer('graphql-ws,jwt,tok,chat')).toEqual({ kind: 'token', value: 'tok' });
    expect(offer(' jwt ,  tok ')).toEqual({ kind: 'token', value: 'tok' });
    // Subprotocol names are case-sensitive (RFC 6455): `JWT` is another protocol.
    expect(offer('JWT, tok')).toEqual({ kind: 'none' });
    expect(offer('tok')).toEqual({ kind: 'none' });
    expect(offer('jwt')).toEqual({ kind: 'none' });
    expect(offer('jwt, ')).toEqual({ kind: 'none' });
    expect(offer('jwt, a, jwt, a')).toEqual({ kind: 'token', value: 'a' });
    expect(offer('jwt, a, jwt, b')).toEqual({ kind: 'conflict' });
    expect(
      read({
        headers: { 'sec-websocket-protocol': 'jwt, a' },
        multiValueHeaders: { 'Sec-WebSocket-Protocol': ['jwt, a'] },
      }),
    ).toEqual({
      kind: 'token',
      value: 'a',
    });
    expect(
      read({
        headers: { 'sec-websocket-protocol': 'jwt, a' },
        multiValueHeaders: { 'Sec-WebSocket-Protocol': ['jwt, b'] },
      }),
    ).toEqual({
      kind: 'conflict',
    });
    // A pair never spans two header values.
    expect(read({ multiValueHeaders: { 'sec-websocket-protocol': ['jwt', 'a'] } })).toEqual({ kind: 'none' });
  });

  it('reads an ordered list: the first place found, the same token elsewhere, a conflict for another', () => {
    const read = createCredentialReader('header:authorization,query:token,cookie:at,protocol');
    expect(read({ queryStringParameters: { token: 'q' } })).toEqual({ kind: 'token', value: 'q' });
    expect(read({ headers: { cookie: 'at=c' } })).toEqual({ kind: 'token', value: 'c' });
    expect(read({ headers: { Authorization: 'Bearer a' }, queryStringParameters: { token: 'a' } })).toEqual({
      kind: 'authorization',
      value: 'Bearer a',
    });
    expect(
      read({ headers: { authorization: 'bearer  a', cookie: 'at=a', 'sec-websocket-protocol': 'jwt, a' } }),
    ).toEqual({
      kind: 'authorization',
      value: 'bearer  a',
    });
    expect(read({ headers: { authorization: 'Bearer a' }, queryStringParameters: { token: 'b' } })).toEqual({
      kind: 'conflict',
    });
    expect(
      read({ queryStringParameters: { token: 'a' }, headers: { 'sec-websocket-protocol': 'jwt, b' } }),
    ).toEqual({
      kind: 'conflict',
    });
    // A value that is no bearer credential beside a token is a second, different credential.
    expect(read({ headers: { authorization: 'Basic a' }, queryStringParameters: { token: 'a' } })).toEqual({
      kind: 'conflict',
    });
    // A conflict within one place is a conflict of the list.
    expect(
      read({
        multiValueQueryStringParameters: { token: ['a', 'b'] },
        headers: { authorization: 'Bearer a' },
      }),
    ).toEqual({
      kind: 'conflict',
    });
    expect(read({ headers: { authorization: ' ' }, queryStringParameters: { token: '' } })).toEqual({
      kind: 'none',
    });
    expect(read(null)).toEqual({ kind: 'none' });
  });

  it('takes the list as core parses it, in its order', () => {
    const read = createCredentialReader(parseTokenSource('query:token,header:x-token'));
    expect(read({ headers: { 'X-Token': 'Bearer a' }, queryStringParameters: { token: 'a' } })).toEqual({
      kind: 'token',
      value: 'a',
    });
    expect(read({ headers: { 'x-token': 'Bearer a' } })).toEqual({
      kind: 'authorization',
      value: 'Bearer a',
    });
  });

  it.each([
    ['an empty string', ''],
    ['a malformed list', 'header:authorization;query:token'],
    ['a list with a duplicate', 'query:t,query:t'],
    ['an empty array', []],
    ['null', null],
    ['a number', 5],
    ['a header name that is not a string', { header: 42 }],
    ['an empty cookie name', { cookie: '' }],
    ['a query name with "="', { query: 'a=b' }],
    ['header and query together', { header: 'authorization', query: 'token' }],
    ['a misspelt key', { headers: 'x-token' }],
    ['an unknown key beside a known one', { cookie: 'token', secure: true }],
    ['an array', ['authorization']],
  ])('refuses %s with CONFIG_INVALID', (_name, source) => {
    expect(() => createCredentialReader(source as never)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});

describe('readRoute', () => {
  it.each([
    ['a REST event', { httpMethod: 'POST', path: '/pets' }, { method: 'POST', path: '/pets', asSent: true }],
    [
      'a payload 2.0 event on $default',
      {
        rawPath: '/pets/1',
        requestContext: { stage: '$default', http: { method: 'GET', path: '/pets/1', asSent: true } },
      },
      { method: 'GET', path: '/pets/1', asSent: true },
    ],
    [
      'a payload 2.0 event at the root of a named stage',
      { rawPath: '/dev', requestContext: { stage: 'dev', http: { method: 'GET' } } },
      { method: 'GET', path: '/', asSent: true },
    ],
    [
      'a payload 2.0 path that only starts like the stage',
      { rawPath: '/development/pets', requestContext: { stage: 'dev', http: { method: 'GET' } } },
      { method: 'GET', path: '/development/pets', asSent: true },
    ],
    [
      'a payload 2.0 event without rawPath',
      { requestContext: { http: { method: 'PUT', path: '/pets/2', asSent: true } } },
      { method: 'PUT', path: '/pets/2', asSent: true },
    ],
    [
      'a REST event with its resource template',
      { httpMethod: 'GET', path: '/v1/pets/a%2Fb', resource: '/pets/{id}', pathParameters: { id: 'a/b' } },
      { method: 'GET', path: '/pets/a/b', asSent: false },
    ],
  ])('reads %s', (_name, event, route) => {
    expect(readRoute(event)).toEqual(route);
  });

  it.each([
    ['null', null],
    ['a string', 'GET /pets'],
    ['an event without method', { rawPath: '/pets', requestContext: { http: {} } }],
    ['an event without path', { requestContext: { http: { method: 'GET' } } }],
  ])('reads no route from %s', (_name, event) => {
    expect(readRoute(event)).toBeUndefined();
  });
});

describe('createCredentialReader with hostile requests (property)', () => {
  const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
  const token = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 24 });
  const hostile = fc.string({
    unit: fc.constantFrom(
      '\n',
      '\r',
      '\u2028',
      '\u2029',
      '\t',
      ' ',
      '%0A',
      '%',
      '*',
      '?',
      'é',
      '€',
      'j',
      'w',
      't',
      ';',
      '=',
      'a',
    ),
    maxLength: 12,
  });
  const places = ['header', 'query', 'cookie', 'protocol'] as const;
  type Place = (typeof places)[number];
  const read = createCredentialReader('header:authorization,query:token,cookie:at,protocol');

  /** An event carrying `value` in `place`, among offers and cookies of other names and junk. */
  function carry(event: Record<string, Record<string, string>>, place: Place, value: string, junk: string[]) {
    const others = junk.map((j) => j.replaceAll(',', '')).filter((j) => j.trim() !== 'jwt');
    if (place === 'header') event.headers = { ...event.headers, Authorization: `Bearer ${value}` };
    if (place === 'query') event.queryStringParameters = { token: value, other: junk.join('') };
    if (place === 'cookie') {
      const cookies = others.map((j, i) => `c${i}=${j.replaceAll(';', '')}`);
      event.headers = { ...event.headers, Cookie: [...cookies, `at=${value}`].join('; ') };
    }
    if (place === 'protocol') {
      const at = junk.length % (others.length + 1);
      const offers = [...others.slice(0, at), 'jwt', value, ...others.slice(at)];
      event.headers = { ...event.headers, 'Sec-WebSocket-Protocol': offers.join(', ') };
    }
  }

  it('finds a token in any one place among hostile neighbours, and refuses two different ones', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...places),
        fc.constantFrom(...places),
        token,
        token,
        fc.array(hostile, { maxLength: 4 }),
        (first, second, a, b, junk) => {
          const one: Record<string, Record<string, string>> = {};
          carry(one, first, a, junk);
          const found = read(one);
          expect(found.kind).toBe(first === 'header' ? 'authorization' : 'token');
          expect((found as { value: string }).value).toBe(first === 'header' ? `Bearer ${a}` : a);
          if (first === second) return;
          const same = structuredClone(one);
          carry(same, second, a, junk);
          expect(read(same).kind).not.toBe('conflict');
          const two = structuredClone(one);
          carry(two, second, b, junk);
          expect(read(two)).toEqual(a === b ? read(same) : { kind: 'conflict' });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reads no token, and throws nothing, from hostile maps that name none of the places', () => {
    const map = fc.dictionary(hostile, fc.oneof(hostile, fc.array(hostile, { maxLength: 3 })), {
      maxKeys: 4,
    });
    fc.assert(
      fc.property(map, map, map, (headers, multiValueHeaders, query) => {
        const event = { headers, multiValueHeaders, queryStringParameters: query };
        // The keys are built from characters that can spell none of the configured names.
        expect(read(event)).toEqual({ kind: 'none' });
      }),
      { numRuns: 300 },
    );
  });
});
