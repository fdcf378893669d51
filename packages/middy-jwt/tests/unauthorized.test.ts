import { type Authorizer, TokenError } from '@jwt-authorizer/authorizer-core';
import middy from '@middy/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUnauthorizedError, jwtAuthorizer, UNAUTHORIZED } from '../src/index.js';
import { createLambdaContext, tokenEvent } from './helpers/events.js';

const HOSTILE = ['\n', '\r', '\u2028', '\u2029', '\t', ' ', '%0A', '%20', '*', '?', 'é', '\u0000', '.'];

describe('UNAUTHORIZED', () => {
  it('is the exact message API Gateway answers with 401', () => {
    // The contract, written out: API Gateway compares the message with this literal.
    expect(UNAUTHORIZED).toBe('Unauthorized');
  });
});

describe('isUnauthorizedError', () => {
  it.each<[string, unknown]>([
    ['an Error with the message', new Error('Unauthorized')],
    [
      'an Error with the message and a cause',
      new Error('Unauthorized', { cause: new TokenError('TOKEN_EXPIRED', 'x') }),
    ],
    ['a TypeError with the message', new TypeError('Unauthorized')],
    ['a plain object with the message', { message: 'Unauthorized' }],
  ])('recognises %s', (_name, err) => {
    expect(isUnauthorizedError(err)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['the bare string', 'Unauthorized'],
    [
      'an Error named Unauthorized with another message',
      Object.assign(new Error('expired'), { name: 'Unauthorized' }),
    ],
    ['a lower-case message', new Error('unauthorized')],
    ['a message that starts with it', new Error('Unauthorized: token expired')],
    ['a message in an array', { message: ['Unauthorized'] }],
    ['a String object', { message: new String('Unauthorized') }],
    ['an Error with no message', new Error()],
  ])('refuses %s', (_name, err) => {
    expect(isUnauthorizedError(err)).toBe(false);
  });

  it('refuses every other message, the literal with hostile characters anywhere in it included', () => {
    const nearMiss = fc
      .tuple(fc.constantFrom(...HOSTILE), fc.nat(UNAUTHORIZED.length))
      .map(([extra, at]) => UNAUTHORIZED.slice(0, at) + extra + UNAUTHORIZED.slice(at));
    fc.assert(
      fc.property(fc.oneof(nearMiss, fc.string(), fc.string({ unit: 'grapheme' })), (message) => {
        fc.pre(message !== 'Unauthorized');
        expect(isUnauthorizedError(new Error(message))).toBe(false);
        expect(isUnauthorizedError({ message })).toBe(false);
      }),
    );
  });

  it('recognises what jwtAuthorizer throws for a refused token, and nothing it throws otherwise', async () => {
    const failing = (error: unknown) =>
      ({
        verifyAuthorization: () => Promise.reject(error),
        hydrate: () => Promise.resolve(),
      }) as unknown as Authorizer;
    const invoke = async (authorizer: Authorizer) => {
      const handler = middy()
        .use(jwtAuthorizer({ authorizer, hydrate: false }))
        .handler(async () => 'not reached');
      try {
        await handler(tokenEvent('Bearer x'), createLambdaContext());
      } catch (err) {
        return err;
      }
      throw new Error('expected the invocation to fail');
    };
    expect(isUnauthorizedError(await invoke(failing(new TokenError('TOKEN_EXPIRED', 'expired'))))).toBe(true);
    // Only a TokenError may become a 401: an error carrying the message from elsewhere is wrapped.
    expect(isUnauthorizedError(await invoke(failing(new Error('Unauthorized'))))).toBe(false);
    expect(isUnauthorizedError(await invoke(failing(new Error('boom'))))).toBe(false);
  });
});
