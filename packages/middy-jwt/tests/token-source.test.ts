import { describe, expect, it } from 'vitest';
import { readHeader } from '../src/read-header.js';
import { readRoute } from '../src/read-route.js';
import { createCredentialReader } from '../src/token-source.js';

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

  it.each([
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
