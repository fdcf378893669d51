import { EventError } from '@jwt-authorizer/authorizer-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuthorizerEventKind, detectAuthorizerEvent, detectAuthorizerEventKind } from '../src/index.js';
import { httpV2AuthorizerEvent, METHOD_ARN, ROUTE_ARN, requestEvent, tokenEvent } from './helpers/events.js';

/** Characters that turn a field value into a near miss: line breaks, separators, tabs, %-escapes, globs, non-ASCII. */
const HOSTILE = ['\n', '\r', '\u2028', '\u2029', '\t', ' ', '%0A', '%20', '*', '?', 'é', '\u0000', 'İ'];

/** `base` with hostile characters put before, after or inside it, or its case changed. */
function nearMiss(base: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc
      .tuple(fc.constantFrom(...HOSTILE), fc.nat(base.length))
      .map(([extra, at]) => base.slice(0, at) + extra + base.slice(at)),
    fc
      .constantFrom(base.toLowerCase(), base.toUpperCase(), `${base}.0`, base.slice(1))
      .filter((v) => v !== base),
  );
}

describe('detectAuthorizerEventKind', () => {
  it.each<[string, unknown, AuthorizerEventKind]>([
    ['a REST TOKEN event', tokenEvent('Bearer x'), 'token'],
    ['a REST REQUEST event', requestEvent({ authorization: 'Bearer x' }), 'request'],
    ['an HTTP API payload 1.0 event', { ...requestEvent(null), version: '1.0' }, 'request'],
    ['an HTTP API payload 2.0 event', httpV2AuthorizerEvent({ authorization: 'Bearer x' }), 'http-v2'],
    [
      'a payload 2.0 event whatever its type',
      { version: '2.0', type: 'TOKEN', routeArn: ROUTE_ARN },
      'http-v2',
    ],
    ['a TOKEN event without its ARN (detection refuses it later)', { type: 'TOKEN' }, 'token'],
  ])('tells %s', (_name, event, kind) => {
    expect(detectAuthorizerEventKind(event)).toBe(kind);
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'TOKEN'],
    ['a number', 2],
    ['an array', ['TOKEN']],
    ['an empty object', {}],
    ['a lower-case type', { type: 'token', methodArn: METHOD_ARN }],
    ['a numeric version', { version: 2, type: 'PROXY', routeArn: ROUTE_ARN }],
    ['a version of 2', { version: '2', routeArn: ROUTE_ARN }],
    ['an HTTP proxy event', { version: '1.0', httpMethod: 'GET', path: '/pets' }],
  ])('tells no kind for %s', (_name, event) => {
    expect(detectAuthorizerEventKind(event)).toBeUndefined();
  });

  it('never tells a kind from a near miss of the version or type', () => {
    fc.assert(
      fc.property(
        fc.option(nearMiss('2.0'), { nil: undefined }),
        fc.oneof(nearMiss('TOKEN'), nearMiss('REQUEST'), fc.string()),
        (version, type) => {
          fc.pre(type !== 'TOKEN' && type !== 'REQUEST');
          const event = { version, type, methodArn: METHOD_ARN, routeArn: ROUTE_ARN };
          expect(detectAuthorizerEventKind(event)).toBeUndefined();
          expect(() => detectAuthorizerEvent(event)).toThrow(EventError);
        },
      ),
    );
  });

  it('agrees with detectAuthorizerEvent on every event that one accepts or refuses as no authorizer event', () => {
    const field = fc.oneof(
      fc.constantFrom(undefined, null, 2, '2.0', '1.0', 'TOKEN', 'REQUEST'),
      nearMiss('2.0'),
      nearMiss('TOKEN'),
      fc.string(),
    );
    const arn = fc.option(fc.constantFrom(METHOD_ARN, ROUTE_ARN), { nil: undefined });
    fc.assert(
      fc.property(field, field, arn, arn, (version, type, methodArn, routeArn) => {
        const event = { version, type, methodArn, routeArn, authorizationToken: 'Bearer x', headers: {} };
        const kind = detectAuthorizerEventKind(event);
        let detected: AuthorizerEventKind | Error;
        try {
          detected = detectAuthorizerEvent(event).kind;
        } catch (err) {
          detected = err as Error;
        }
        if (typeof detected === 'string') expect(kind).toBe(detected);
        else if (kind === undefined) expect(detected.message).toMatch(/is not an API Gateway/);
        // A known kind is refused only for its missing ARN.
        else expect(detected.message).toMatch(/has no (methodArn|routeArn)$/);
      }),
    );
  });
});
