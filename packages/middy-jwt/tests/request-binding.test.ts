import { createAuthorizer } from '@jwt-authorizer/authorizer-core';
import {
  createMinter,
  generateDpopKey,
  generateTestKey,
  type JwksServer,
  jwksOf,
  signDpopProof,
  startJwksServer,
  thumbprintOf,
} from '@jwt-authorizer/test-fixtures';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRequestBinding, readTokenRequest } from '../src/request-binding.js';

const HOST = 'abc123.execute-api.eu-west-1.amazonaws.com';
const key = generateTestKey('RS256');
const proofKey = generateDpopKey('ES256');
let server: JwksServer;
let token: string;

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
  token = createMinter(server.issuer, 'api')(key, { claims: { cnf: { jkt: thumbprintOf(proofKey) } } });
});
afterAll(() => server.close());

function restEvent(path: string, headers: Record<string, string>, extra: Record<string, unknown> = {}) {
  return {
    type: 'REQUEST',
    httpMethod: 'GET',
    path,
    headers,
    requestContext: { domainName: HOST, path: `/prod${path}`, stage: 'prod', ...extra },
  };
}

describe('readRequestBinding', () => {
  it('reads the proof, method, URL and client certificate of a REST event', () => {
    const binding = readRequestBinding(
      restEvent('/pets', { DPoP: 'proof' }, { identity: { clientCert: { clientCertPem: 'PEM' } } }),
      undefined,
    );
    expect(binding).toEqual({
      dpop: 'proof',
      method: 'GET',
      url: `https://${HOST}/prod/pets`,
      clientCertPem: 'PEM',
    });
  });

  it('works the method and URL out only when a proof came', () => {
    expect(readRequestBinding(restEvent('/pets', {}), undefined)).toEqual({ clientCertPem: undefined });
  });

  it('takes the host API Gateway names over a Host header the client chose', () => {
    const binding = readRequestBinding(
      restEvent('/pets', { DPoP: 'p', Host: 'evil.example.com' }),
      undefined,
    );
    expect(binding.url).toBe(`https://${HOST}/prod/pets`);
  });

  it('reads plain http from x-forwarded-proto only for an ALB event, never behind API Gateway', () => {
    const alb = {
      httpMethod: 'GET',
      path: '/pets',
      headers: { dpop: 'p', host: 'alb.example.com', 'x-forwarded-proto': 'http' },
      requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/t/1' } },
    };
    expect(readRequestBinding(alb, undefined).url).toBe('http://alb.example.com/pets');
    // API Gateway names its host (domainName) and always serves https: the header cannot downgrade it.
    const viaGateway = readRequestBinding(
      restEvent('/pets', { DPoP: 'p', 'X-Forwarded-Proto': 'http' }),
      undefined,
    );
    expect(viaGateway.url).toBe(`https://${HOST}/prod/pets`);
  });

  it('refuses two DPoP values, also comma-joined by payload 2.0', () => {
    expect(() => readRequestBinding(restEvent('/pets', { DPoP: 'a,b' }), undefined)).toThrow(
      expect.objectContaining({ code: 'DPOP_PROOF_INVALID' }),
    );
    const both = { ...restEvent('/pets', { DPoP: 'a' }), multiValueHeaders: { dpop: ['b'] } };
    expect(() => readRequestBinding(both, undefined)).toThrow(
      expect.objectContaining({ code: 'DPOP_PROOF_INVALID' }),
    );
  });
});

// Paths with hostile characters: line breaks, Unicode separators, tabs, `*`, non-ASCII. `%`, `?` and
// `#` are left out of the generated paths: they change what a URL means, not only how it is spelt.
const HOSTILE = [
  '\n',
  '\r',
  '\t',
  ' ',
  '\u2028',
  '\u2029',
  '*',
  '\u00e9',
  '\u{1f600}',
  '"',
  '<',
  '{',
  '|',
  '^',
  '\\',
  '`',
];
const segment = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.constantFrom(..."abcXYZ019-._~!$&'()+,;=:@".split(''))), {
    minLength: 1,
    maxLength: 10,
  })
  .map((chars) => chars.join(''));
const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((segments) => `/${segments.join('/')}`);

/** How a client spells the URL it calls: every character outside the URL syntax percent-encoded. */
const spell = (p: string) => `https://${HOST}/prod${encodeURI(p)}`;

describe('DPoP proofs against event paths with hostile characters (property)', () => {
  it('accepts a proof for exactly the path called and refuses it for any other path', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api' });
    await fc.assert(
      fc.asyncProperty(path, path, async (called, other) => {
        const proofFor = (p: string) =>
          signDpopProof(proofKey, { htm: 'GET', htu: spell(p), accessToken: token });
        const verify = (proof: string) =>
          authorizer
            .verifyRequest({
              authorization: `DPoP ${token}`,
              ...readRequestBinding(restEvent(called, { DPoP: proof }), undefined),
            })
            .then(
              () => 'VERIFIED',
              (err: { code: string }) => err.code,
            );
        expect(await verify(proofFor(called))).toBe('VERIFIED');
        if (other !== called) expect(await verify(proofFor(other))).toBe('DPOP_PROOF_INVALID');
      }),
      { numRuns: 150 },
    );
  });
});

const text = fc.oneof(
  fc.constantFrom(
    ...HOSTILE,
    '',
    ' ',
    'a,b',
    'dpop',
    'http',
    'api.example.com',
    '-----BEGIN CERTIFICATE-----',
  ),
  fc.string({ maxLength: 12 }),
);
/** A value where an event field may be: a string, or something API Gateway never sends there. */
const field = fc.oneof(
  text,
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.array(text, { maxLength: 3 }),
);
const headerName = fc.constantFrom(
  'DPoP',
  'dpop',
  'DPOP',
  'Host',
  'host',
  'X-Forwarded-Proto',
  'x-forwarded-proto',
  'Authorization',
);
const headerMap = fc.option(fc.dictionary(headerName, field, { maxKeys: 4 }), { nil: undefined });
const multiHeaderMap = fc.option(
  fc.dictionary(headerName, fc.oneof(fc.array(field, { maxLength: 3 }), field), { maxKeys: 3 }),
  {
    nil: undefined,
  },
);
const certHolder = fc.option(
  fc.record({ clientCert: fc.oneof(fc.record({ clientCertPem: field }), field) }),
  { nil: undefined },
);
const hostileEvent = fc.record(
  {
    version: fc.constantFrom('1.0', '2.0', undefined),
    headers: headerMap,
    multiValueHeaders: multiHeaderMap,
    httpMethod: field,
    rawPath: field,
    path: field,
    requestContext: fc.option(
      fc.record(
        {
          domainName: field,
          path: field,
          httpMethod: field,
          http: fc.option(fc.record({ method: field, path: field }), { nil: undefined }),
          identity: certHolder,
          authentication: certHolder,
        },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    ),
  },
  { requiredKeys: [] },
);
const outcome = <T>(read: () => T): { value: T } | { code: unknown } => {
  try {
    return { value: read() };
  } catch (err) {
    return { code: (err as { code?: unknown }).code };
  }
};

describe('readTokenRequest (property, hostile events)', () => {
  it('builds exactly the credential spread with readRequestBinding: the same keys, values and refusals', () => {
    fc.assert(
      fc.property(
        hostileEvent,
        fc.constantFrom(undefined, 'https://api.example.com/v1'),
        fc.constantFrom('authorization' as const, 'token' as const),
        text,
        (event, publicBaseUrl, kind, value) => {
          const expected = outcome(() =>
            kind === 'authorization'
              ? { authorization: value, ...readRequestBinding(event, publicBaseUrl) }
              : { token: value, ...readRequestBinding(event, publicBaseUrl) },
          );
          const actual = outcome(() => readTokenRequest(event, publicBaseUrl, { kind, value }));
          expect(actual).toStrictEqual(expected);
          if ('value' in actual && 'value' in expected) {
            expect(Object.keys(actual.value)).toEqual(Object.keys(expected.value));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads a DPoP proof, method, URL and certificate as the binding does', () => {
    const event = restEvent('/pets', { DPoP: 'proof', Host: HOST }, {});
    const withCert = {
      ...event,
      requestContext: { ...event.requestContext, identity: { clientCert: { clientCertPem: 'PEM' } } },
    };
    expect(readTokenRequest(withCert, undefined, { kind: 'authorization', value: 'DPoP t' })).toStrictEqual({
      authorization: 'DPoP t',
      ...readRequestBinding(withCert, undefined),
    });
    expect(readTokenRequest(withCert, undefined, { kind: 'token', value: 't' })).toMatchObject({
      token: 't',
      dpop: 'proof',
      method: 'GET',
      clientCertPem: 'PEM',
    });
  });
});
