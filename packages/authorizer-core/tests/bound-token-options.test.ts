import { describe, expect, it } from 'vitest';
import { type AuthorizerOptions, ConfigurationError, createAuthorizer } from '../src/index.js';
import { resolveOptions } from '../src/internal.js';

const BASE = { issuer: 'https://idp.example.com/', audience: 'api' };
const INTROSPECTION = { url: 'https://idp.example.com/introspect', clientId: 'a', clientSecret: 'b' };

function messageOf(options: Record<string, unknown>): string {
  try {
    resolveOptions({ ...BASE, ...options } as AuthorizerOptions);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    return (err as Error).message;
  }
  return 'RESOLVED';
}

describe('sender-constraint, DPoP and introspection options', () => {
  it('defaults: senderConstrained optional, a 60 s DPoP window, no introspection', () => {
    const resolved = resolveOptions(BASE);
    expect(resolved.senderConstrained).toBe('optional');
    expect(resolved.dpop.maxAgeSeconds).toBe(60);
    expect(resolved.dpop.replayStore).toBeUndefined();
    expect(resolved.introspection).toBeUndefined();
  });

  it('normalizes publicBaseUrl to an origin and base path without a trailing slash', () => {
    expect(
      resolveOptions({ ...BASE, dpop: { publicBaseUrl: 'https://API.example.com/v1/' } }).dpop.publicBaseUrl,
    ).toBe('https://api.example.com/v1');
  });

  it('applies the introspection defaults', () => {
    expect(resolveOptions({ ...BASE, introspection: INTROSPECTION }).introspection).toMatchObject({
      mode: 'opaque',
      timeoutMs: 3000,
      cacheMaxSeconds: 300,
      inactiveCacheSeconds: 10,
    });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'an unknown senderConstrained',
      { senderConstrained: 'always' },
      /senderConstrained must be "required", "optional" or "off"/,
    ],
    ['dpop that is not an object', { dpop: 'on' }, /dpop must be an object/],
    ['an unknown dpop key', { dpop: { maxAge: 5 } }, /unknown option `dpop\.maxAge`/],
    [
      'a dpop window of 0',
      { dpop: { maxAgeSeconds: 0 } },
      /dpop\.maxAgeSeconds must be a number from 1 to 3600/,
    ],
    [
      'a symmetric DPoP algorithm',
      { dpop: { algorithms: ['HS256'] } },
      /dpop\.algorithms: "HS256" is not supported/,
    ],
    ['no DPoP algorithm', { dpop: { algorithms: [] } }, /dpop\.algorithms must be a non-empty array/],
    [
      'a replay store without checkAndRemember',
      { dpop: { replayStore: {} } },
      /dpop\.replayStore must be an object with a checkAndRemember/,
    ],
    [
      'a publicBaseUrl over http',
      { dpop: { publicBaseUrl: 'http://api.example.com' } },
      /dpop\.publicBaseUrl must use https/,
    ],
    [
      'a publicBaseUrl with a query',
      { dpop: { publicBaseUrl: 'https://api.example.com/?a=1' } },
      /dpop\.publicBaseUrl must be an origin/,
    ],
    [
      'a publicBaseUrl with a line break',
      { dpop: { publicBaseUrl: 'https://api.example.com/\n' } },
      /dpop\.publicBaseUrl must be a URL without blanks/,
    ],
    [
      'introspection without url',
      { introspection: { clientId: 'a', clientSecret: 'b' } },
      /introspection\.url is required/,
    ],
    [
      'introspection over http',
      { introspection: { ...INTROSPECTION, url: 'http://idp.example.com/i' } },
      /introspection\.url must use https/,
    ],
    [
      'introspection without clientSecret',
      { introspection: { ...INTROSPECTION, clientSecret: '' } },
      /introspection\.clientSecret is required/,
    ],
    [
      'an unknown introspection mode',
      { introspection: { ...INTROSPECTION, mode: 'jwt' } },
      /introspection\.mode must be "opaque" or "all"/,
    ],
    [
      'an unknown introspection key',
      { introspection: { ...INTROSPECTION, secret: 'x' } },
      /unknown option `introspection\.secret`/,
    ],
  ])('refuses %s, naming the setting', (_name, options, message) => {
    expect(messageOf(options)).toMatch(message);
  });

  it('never puts the introspection secret in a message', () => {
    expect(
      messageOf({ introspection: { ...INTROSPECTION, clientSecret: 'top-secret-value', mode: 'x' } }),
    ).not.toContain('top-secret-value');
  });

  it('createAuthorizer fails at start-up for a bad option', () => {
    expect(() => createAuthorizer({ ...BASE, senderConstrained: 'yes' as never })).toThrow(
      ConfigurationError,
    );
  });
});
