import { createClientCertificate, generateDpopKey, signDpopProof } from '@jwt-authorizer/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthorizerOptions, createAuthorizer } from '../src/index.js';
import {
  API_AUDIENCE,
  CLIENTS,
  type IdentityProvider,
  OPAQUE_RESOURCE,
  startIdentityProvider,
} from './helpers/identity-provider.js';

// Tokens issued by a real OAuth server (oidc-provider on 127.0.0.1) and judged by the authorizer:
// DPoP-bound (cnf.jkt), certificate-bound (cnf.x5t#S256), opaque (introspection).
let idp: IdentityProvider;
const URL_CALLED = 'https://api.example.com/v1/pets';
const dpopKey = generateDpopKey('ES256');
const otherKey = generateDpopKey('ES256');
const cert = createClientCertificate('mtls-app');
const otherCert = createClientCertificate('someone-else');
let dpopToken: string;
let mtlsToken: string;
let plainToken: string;

beforeAll(async () => {
  idp = await startIdentityProvider();
  dpopToken = await idp.requestToken({
    dpop: signDpopProof(dpopKey, { htm: 'POST', htu: idp.tokenEndpoint }),
  });
  mtlsToken = await idp.requestToken({ client: 'mtls', certificatePem: cert.pem });
  plainToken = await idp.requestToken({});
});
afterAll(() => idp.close());

function authorizerWith(over: Partial<AuthorizerOptions> = {}) {
  return createAuthorizer({
    issuer: idp.issuer,
    audience: API_AUDIENCE,
    jwksUri: idp.jwksUri,
    algorithms: ['ES256'],
    ...over,
  });
}

function proof(over: Parameters<typeof signDpopProof>[1] = {}, key = dpopKey) {
  return signDpopProof(key, { htm: 'GET', htu: URL_CALLED, accessToken: dpopToken, ...over });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'VERIFIED';
}

describe('DPoP-bound tokens (RFC 9449)', () => {
  it('accepts the token under the DPoP scheme with a valid proof', async () => {
    const verified = await authorizerWith().verifyRequest({
      authorization: `DPoP ${dpopToken}`,
      dpop: proof(),
      method: 'GET',
      url: URL_CALLED,
    });
    expect(verified.claims.client_id).toBe(CLIENTS.app.id);
    expect(verified.scopes).toEqual(['read:pets']);
  });

  it('refuses a DPoP-bound token presented as Bearer (TOKEN_BOUND), with the default options', async () => {
    const authorizer = createAuthorizer({
      issuer: idp.issuer,
      audience: API_AUDIENCE,
      jwksUri: idp.jwksUri,
      algorithms: ['ES256'],
    });
    expect(await codeOf(authorizer.verifyAuthorization(`Bearer ${dpopToken}`))).toBe('TOKEN_BOUND');
    expect(
      await codeOf(
        authorizer.verifyRequest({
          authorization: `Bearer ${dpopToken}`,
          dpop: proof(),
          method: 'GET',
          url: URL_CALLED,
        }),
      ),
    ).toBe('TOKEN_BOUND');
    expect(await codeOf(authorizer.verifyRequest({ token: dpopToken }))).toBe('TOKEN_BOUND');
  });

  it.each<[string, () => Parameters<ReturnType<typeof authorizerWith>['verifyRequest']>[0], string]>([
    [
      'no DPoP header',
      () => ({ authorization: `DPoP ${dpopToken}`, method: 'GET', url: URL_CALLED }),
      'DPOP_PROOF_INVALID',
    ],
    [
      'a proof for another URL',
      () => ({
        authorization: `DPoP ${dpopToken}`,
        dpop: proof({ htu: 'https://api.example.com/v1/admin' }),
        method: 'GET',
        url: URL_CALLED,
      }),
      'DPOP_PROOF_INVALID',
    ],
    [
      'a proof for another method',
      () => ({
        authorization: `DPoP ${dpopToken}`,
        dpop: proof({ htm: 'DELETE' }),
        method: 'GET',
        url: URL_CALLED,
      }),
      'DPOP_PROOF_INVALID',
    ],
    [
      'a proof with the ath of another token',
      () => ({
        authorization: `DPoP ${dpopToken}`,
        dpop: proof({ accessToken: plainToken }),
        method: 'GET',
        url: URL_CALLED,
      }),
      'DPOP_PROOF_INVALID',
    ],
    [
      'a proof by another key',
      () => ({
        authorization: `DPoP ${dpopToken}`,
        dpop: proof({}, otherKey),
        method: 'GET',
        url: URL_CALLED,
      }),
      'DPOP_BINDING_MISMATCH',
    ],
    [
      'an unbound token under the DPoP scheme',
      () => ({
        authorization: `DPoP ${plainToken}`,
        dpop: proof({ accessToken: plainToken }),
        method: 'GET',
        url: URL_CALLED,
      }),
      'DPOP_BINDING_MISMATCH',
    ],
    [
      'no request method and URL (a TOKEN authorizer)',
      () => ({ authorization: `DPoP ${dpopToken}`, dpop: proof() }),
      'DPOP_PROOF_INVALID',
    ],
  ])('refuses %s', async (_name, request, code) => {
    expect(await codeOf(authorizerWith().verifyRequest(request()))).toBe(code);
  });

  it('refuses a replayed proof (DPOP_REPLAYED) while the token stays cached', async () => {
    const authorizer = authorizerWith();
    const request = { authorization: `DPoP ${dpopToken}`, dpop: proof(), method: 'GET', url: URL_CALLED };
    expect(await codeOf(authorizer.verifyRequest(request))).toBe('VERIFIED');
    expect(await codeOf(authorizer.verifyRequest(request))).toBe('DPOP_REPLAYED');
    expect(await codeOf(authorizer.verifyRequest({ ...request, dpop: proof() }))).toBe('VERIFIED');
  });

  it('uses the configured replay store', async () => {
    const seen: string[] = [];
    const authorizer = authorizerWith({
      dpop: {
        replayStore: {
          async checkAndRemember(jti) {
            seen.push(jti);
            return false;
          },
        },
      },
    });
    expect(
      await codeOf(
        authorizer.verifyRequest({
          authorization: `DPoP ${dpopToken}`,
          dpop: proof(),
          method: 'GET',
          url: URL_CALLED,
        }),
      ),
    ).toBe('DPOP_REPLAYED');
    expect(seen).toHaveLength(1);
  });

  it('refuses the DPoP scheme when senderConstrained is off, and accepts the bound token as Bearer then', async () => {
    const authorizer = authorizerWith({ senderConstrained: 'off' });
    expect(
      await codeOf(
        authorizer.verifyRequest({
          authorization: `DPoP ${dpopToken}`,
          dpop: proof(),
          method: 'GET',
          url: URL_CALLED,
        }),
      ),
    ).toBe('SCHEME_INVALID');
    expect(await codeOf(authorizer.verifyAuthorization(`Bearer ${dpopToken}`))).toBe('VERIFIED');
  });
});

describe('certificate-bound tokens (RFC 8705)', () => {
  it('accepts the token with the certificate it is bound to', async () => {
    const verified = await authorizerWith().verifyRequest({
      authorization: `Bearer ${mtlsToken}`,
      clientCertPem: cert.pem,
    });
    expect(verified.claims.client_id).toBe(CLIENTS.mtls.id);
  });

  it.each([
    ['another certificate', () => otherCert.pem],
    ['no certificate', () => undefined],
  ])('refuses it with %s (CERTIFICATE_MISMATCH)', async (_name, pem) => {
    expect(
      await codeOf(
        authorizerWith().verifyRequest({ authorization: `Bearer ${mtlsToken}`, clientCertPem: pem() }),
      ),
    ).toBe('CERTIFICATE_MISMATCH');
  });

  it('refuses it without request context (a TOKEN authorizer sees no certificate)', async () => {
    expect(await codeOf(authorizerWith().verifyAuthorization(`Bearer ${mtlsToken}`))).toBe(
      'CERTIFICATE_MISMATCH',
    );
  });
});

describe('senderConstrained', () => {
  it('optional (default) lets an unbound token pass', async () => {
    expect(await codeOf(authorizerWith().verifyAuthorization(`Bearer ${plainToken}`))).toBe('VERIFIED');
  });

  it('required refuses an unbound token (TOKEN_UNBOUND) and accepts bound ones with their proof', async () => {
    const authorizer = authorizerWith({ senderConstrained: 'required' });
    expect(await codeOf(authorizer.verifyAuthorization(`Bearer ${plainToken}`))).toBe('TOKEN_UNBOUND');
    expect(
      await codeOf(
        authorizer.verifyRequest({ authorization: `Bearer ${mtlsToken}`, clientCertPem: cert.pem }),
      ),
    ).toBe('VERIFIED');
    expect(
      await codeOf(
        authorizer.verifyRequest({
          authorization: `DPoP ${dpopToken}`,
          dpop: proof(),
          method: 'GET',
          url: URL_CALLED,
        }),
      ),
    ).toBe('VERIFIED');
  });
});

describe('opaque tokens by introspection (RFC 7662)', () => {
  const introspection = () => ({
    url: idp.introspectionEndpoint,
    clientId: CLIENTS.introspector.id,
    clientSecret: CLIENTS.introspector.secret,
  });

  it('introspects an opaque token and applies scopes and certificate binding to the answer', async () => {
    const opaque = await idp.requestToken({
      resource: OPAQUE_RESOURCE,
      client: 'mtls',
      certificatePem: cert.pem,
      scope: 'read:pets write:pets',
    });
    const authorizer = authorizerWith({ introspection: introspection() });
    const verified = await authorizer.verifyRequest({
      authorization: `Bearer ${opaque}`,
      clientCertPem: cert.pem,
    });
    expect(verified.scopes).toEqual(['read:pets', 'write:pets']);
    expect(verified.claims.client_id).toBe(CLIENTS.mtls.id);
    expect(
      await codeOf(
        authorizer.verifyRequest({ authorization: `Bearer ${opaque}`, clientCertPem: otherCert.pem }),
      ),
    ).toBe('CERTIFICATE_MISMATCH');
  });

  it('introspects an opaque DPoP-bound token and checks its proof', async () => {
    const opaque = await idp.requestToken({
      resource: OPAQUE_RESOURCE,
      dpop: signDpopProof(dpopKey, { htm: 'POST', htu: idp.tokenEndpoint }),
    });
    const authorizer = authorizerWith({ introspection: introspection() });
    const request = { authorization: `DPoP ${opaque}`, method: 'GET', url: URL_CALLED };
    expect(await codeOf(authorizer.verifyRequest({ ...request, dpop: proof({ accessToken: opaque }) }))).toBe(
      'VERIFIED',
    );
    expect(await codeOf(authorizer.verifyAuthorization(`Bearer ${opaque}`))).toBe('TOKEN_BOUND');
  });

  it('refuses an unknown opaque token (TOKEN_INACTIVE) and one without introspection configured (TOKEN_MALFORMED)', async () => {
    expect(
      await codeOf(
        authorizerWith({ introspection: introspection() }).verifyAuthorization('Bearer not-a-real-token'),
      ),
    ).toBe('TOKEN_INACTIVE');
    expect(await codeOf(authorizerWith().verifyAuthorization('Bearer not-a-real-token'))).toBe(
      'TOKEN_MALFORMED',
    );
  });

  it('mode opaque verifies JWTs locally; mode all also asks the server about them', async () => {
    const before = idp.introspections;
    await authorizerWith({ introspection: introspection() }).verifyAuthorization(`Bearer ${plainToken}`);
    expect(idp.introspections).toBe(before);
    // oidc-provider refuses to introspect its JWT access tokens (400 unsupported_token_type): with
    // mode all that is an unavailable answer (500), never an Allow on the signature alone.
    const all = authorizerWith({ introspection: { ...introspection(), mode: 'all' } });
    expect(await codeOf(all.verifyAuthorization(`Bearer ${plainToken}`))).toBe('INTROSPECTION_UNAVAILABLE');
    expect(idp.introspections).toBe(before + 1);
    const opaque = await idp.requestToken({ resource: OPAQUE_RESOURCE });
    expect(await codeOf(all.verifyAuthorization(`Bearer ${opaque}`))).toBe('VERIFIED');
  });

  it('answers INTROSPECTION_UNAVAILABLE with wrong client credentials, never an Allow', async () => {
    const opaque = await idp.requestToken({ resource: OPAQUE_RESOURCE });
    const authorizer = authorizerWith({ introspection: { ...introspection(), clientSecret: 'wrong' } });
    expect(await codeOf(authorizer.verifyAuthorization(`Bearer ${opaque}`))).toBe(
      'INTROSPECTION_UNAVAILABLE',
    );
  });
});
