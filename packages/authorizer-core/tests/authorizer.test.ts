import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthorizer, EventError, ScopeError } from '../src/index.js';
import {
  createMinter,
  generateTestKey,
  type JwksServer,
  jwksOf,
  signParts,
  startJwksServer,
} from './helpers/index.js';

const AUD = 'https://api.example.com';
const key = generateTestKey('RS256', 'k');
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:api123/prod/GET/pets/42';
let server: JwksServer;
let mint: ReturnType<typeof createMinter>;

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
  mint = createMinter(server.issuer, AUD);
});
afterAll(() => server.close());

describe('authorize (REST IAM result)', () => {
  it('returns the tutorial-shaped result: principalId, policy and context with scope', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: AUD });
    const verified = await authorizer.verifyAuthorization(
      `Bearer ${mint(key, { claims: { scope: 'read:pets write:pets' } })}`,
    );
    const { allowed, result } = authorizer.authorize(verified, METHOD_ARN);
    expect(allowed).toBe(true);
    expect(result).toEqual({
      principalId: 'user-123',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: ['arn:aws:execute-api:us-east-1:123456789012:api123/prod/*'],
          },
        ],
      },
      context: { scope: 'read:pets write:pets', sub: 'user-123' },
    });
  });

  it('denies a route whose scopes the token lacks (403) and says which', async () => {
    const authorizer = createAuthorizer({
      issuer: server.issuer,
      audience: AUD,
      routes: { 'GET /pets/{id}': ['read:pets'], 'DELETE /pets/{id}': ['admin'] },
    });
    const verified = await authorizer.verify(mint(key, { claims: { scope: 'write:pets' } }));
    const decision = authorizer.authorize(verified, METHOD_ARN);
    expect(decision.allowed).toBe(false);
    expect(decision.missingScopes).toEqual(['read:pets']);
    expect(decision.result.policyDocument.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Deny',
        Resource: [
          'arn:aws:execute-api:us-east-1:123456789012:api123/prod/GET/pets/*',
          'arn:aws:execute-api:us-east-1:123456789012:api123/prod/DELETE/pets/*',
        ],
      },
    ]);
  });

  it('enforces required scopes (all-of)', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: AUD, requiredScopes: ['a', 'b'] });
    const partial = await authorizer.verify(mint(key, { claims: { scope: 'a' } }));
    const full = await authorizer.verify(mint(key, { claims: { scope: 'b a' } }));
    expect(authorizer.authorize(partial, METHOD_ARN)).toMatchObject({ allowed: false, missingScopes: ['b'] });
    expect(authorizer.authorize(full, METHOD_ARN).allowed).toBe(true);
    expect(() => authorizer.assertScopes(partial)).toThrow(ScopeError);
    try {
      authorizer.assertScopes(partial);
    } catch (err) {
      expect((err as ScopeError).code).toBe('INSUFFICIENT_SCOPE');
      expect((err as ScopeError).missingScopes).toEqual(['b']);
    }
    expect(() => authorizer.assertScopes(full)).not.toThrow();
    expect(() => authorizer.assertScopes(partial, ['a'])).not.toThrow();
  });

  it('copies opted-in claims into the context: arrays and objects as JSON text', async () => {
    const authorizer = createAuthorizer({
      issuer: server.issuer,
      audience: AUD,
      contextClaims: ['email', 'org', 'roles', 'verified', 'age', 'missing', 'sub'],
    });
    const verified = await authorizer.verify(
      mint(key, { claims: { email: 'a@b.c', org: { id: 7 }, roles: ['x', 'y'], verified: true, age: 42 } }),
    );
    expect(authorizer.authorize(verified, METHOD_ARN).result.context).toEqual({
      scope: 'read:pets',
      sub: 'user-123',
      email: 'a@b.c',
      org: '{"id":7}',
      roles: '["x","y"]',
      verified: true,
      age: 42,
    });
  });

  it('encodes values so that no two claims read alike: JSON text exactly when a value starts with [ { or "', async () => {
    const authorizer = createAuthorizer({
      issuer: server.issuer,
      audience: AUD,
      contextClaims: ['groups', 'joined', 'fake', 'quoted', 'plain', 'n', 'empty', 'nothing'],
    });
    const claims = {
      groups: ['users,admins', 'staff'],
      joined: 'users,admins,staff',
      fake: '["users","admins"]',
      quoted: '"admin"',
      plain: 'admin [x]',
      n: 0,
      empty: '',
      nothing: null,
    };
    const verified = await authorizer.verify(mint(key, { claims }));
    const { context } = authorizer.authorize(verified, METHOD_ARN).result;
    expect(context.groups).toBe('["users,admins","staff"]');
    expect(context.joined).toBe('users,admins,staff');
    expect(context.fake).toBe('"[\\"users\\",\\"admins\\"]"');
    expect(context.quoted).toBe('"\\"admin\\""');
    expect(context.plain).toBe('admin [x]');
    expect(context.n).toBe(0);
    expect(context.empty).toBe('');
    expect('nothing' in context).toBe(false);
    // The documented decoding gives every claim back exactly.
    const decode = (v: string | number | boolean) =>
      typeof v === 'string' && /^[[{"]/.test(v) ? JSON.parse(v) : v;
    for (const name of ['groups', 'joined', 'fake', 'quoted', 'plain', 'n', 'empty'] as const) {
      expect(decode(context[name] as string), name).toEqual(claims[name]);
    }
  });

  it('renames context claims and reads nested ones by JSON Pointer', async () => {
    const authorizer = createAuthorizer({
      issuer: server.issuer,
      audience: AUD,
      contextClaims: {
        tenant: 'https://example.com/tenant',
        roles: '/realm_access/roles',
        first: '/realm_access/roles/0',
        odd: '/a~1b/c~0d',
        absent: '/realm_access/nothing',
      },
    });
    const verified = await authorizer.verify(
      mint(key, {
        claims: {
          'https://example.com/tenant': 'acme',
          realm_access: { roles: ['admin', 'user'] },
          'a/b': { 'c~d': true },
        },
      }),
    );
    const { context } = authorizer.authorize(verified, METHOD_ARN).result;
    expect(context).toEqual({
      scope: 'read:pets',
      sub: 'user-123',
      tenant: 'acme',
      roles: '["admin","user"]',
      first: 'admin',
      odd: true,
    });
    expect(authorizer.authorizeSimple(verified, METHOD_ARN).result.context).toEqual(context);
    expect(verified.context).toEqual(context);
    expect(Object.isFrozen(verified.context)).toBe(true);
    // Each result gets its own object: changing one changes neither the token nor the next result.
    context.tenant = 'other';
    expect(authorizer.authorize(verified, METHOD_ARN).result.context.tenant).toBe('acme');
  });

  it('puts the usage identifier claim in usageIdentifierKey, only when it is a non-empty string', async () => {
    const authorizer = createAuthorizer({
      issuer: server.issuer,
      audience: AUD,
      usageIdentifierClaim: 'azp',
    });
    const withAzp = await authorizer.verify(mint(key, { claims: { azp: 'client-42' } }));
    expect(authorizer.authorize(withAzp, METHOD_ARN).result.usageIdentifierKey).toBe('client-42');
    for (const azp of [undefined, '', 42, ['client-42'], { id: 'client-42' }]) {
      const verified = await authorizer.verify(mint(key, { claims: { azp } }));
      expect('usageIdentifierKey' in authorizer.authorize(verified, METHOD_ARN).result, String(azp)).toBe(
        false,
      );
    }
    const nested = createAuthorizer({
      issuer: server.issuer,
      audience: AUD,
      usageIdentifierClaim: '/app/id',
    });
    const v = await nested.verify(mint(key, { claims: { app: { id: 'app-7' } } }));
    expect(nested.authorize(v, METHOD_ARN).result.usageIdentifierKey).toBe('app-7');
  });

  it('uses client_id as principal when the token has no sub', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: AUD });
    const verified = await authorizer.verify(
      mint(key, { claims: { sub: undefined, client_id: 'machine-1' } }),
    );
    expect(authorizer.authorize(verified, METHOD_ARN).result.principalId).toBe('machine-1');
  });

  it('rejects a malformed methodArn with EVENT_INVALID', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: AUD });
    const verified = await authorizer.verify(mint(key));
    expect(() => authorizer.authorize(verified, 'not-an-arn')).toThrow(EventError);
  });

  it('answers each call for its own ARN when calls alternate between routes, stages and malformed ARNs', async () => {
    const authorizer = createAuthorizer({
      issuer: server.issuer,
      audience: AUD,
      routes: { 'GET /pets/{id}': ['read:pets'], 'DELETE /pets/{id}': ['admin'] },
      policyMode: 'method',
    });
    const verified = await authorizer.verify(mint(key, { claims: { scope: 'read:pets' } }));
    const get = METHOD_ARN;
    const del = 'arn:aws:execute-api:us-east-1:123456789012:api123/prod/DELETE/pets/42';
    const dev = 'arn:aws:execute-api:us-east-1:123456789012:api123/dev/GET/pets/42';
    for (const [arn, effect] of [
      [get, 'Allow'],
      [get, 'Allow'],
      [del, 'Deny'],
      ['not-an-arn', 'throws'],
      [del, 'Deny'],
      [dev, 'Allow'],
      ['arn:aws:execute-api:us-east-1:123456789012:api*/prod/GET/pets/42', 'throws'],
      [get, 'Allow'],
    ] as const) {
      if (effect === 'throws') {
        expect(() => authorizer.authorize(verified, arn)).toThrow(EventError);
        continue;
      }
      const [statement] = authorizer.authorize(verified, arn).result.policyDocument.Statement;
      expect(statement).toMatchObject({ Effect: effect, Resource: [arn] });
    }
  });
});

describe('authorizeSimple (HTTP API simple response)', () => {
  it('answers isAuthorized with the context', async () => {
    const authorizer = createAuthorizer({
      issuer: server.issuer,
      audience: AUD,
      routes: { 'GET /pets/{id}': ['read:pets'] },
    });
    const routeArn = 'arn:aws:execute-api:us-east-1:123456789012:api123/$default/GET/pets/42';
    const ok = authorizer.authorizeSimple(await authorizer.verify(mint(key)), routeArn);
    expect(ok.result).toEqual({ isAuthorized: true, context: { scope: 'read:pets', sub: 'user-123' } });
    const no = authorizer.authorizeSimple(
      await authorizer.verify(mint(key, { claims: { scope: 'x' } })),
      routeArn,
    );
    expect(no.result.isAuthorized).toBe(false);
    expect(no.missingScopes).toEqual(['read:pets']);
  });
  it('refuses a token without the rule scope a path parameter with a line break would dodge', async () => {
    const authorizer = createAuthorizer({
      issuer: server.issuer,
      audience: AUD,
      routes: { 'DELETE /admin/users/{id}': ['admin'] },
      unmatchedRoutes: 'allow',
    });
    const verified = await authorizer.verify(mint(key));
    for (const id of ['42\n', '42\r', '42\u2028', '42\u2029']) {
      const routeArn = `arn:aws:execute-api:us-east-1:123456789012:api123/$default/DELETE/admin/users/${id}`;
      const simple = authorizer.authorizeSimple(verified, routeArn);
      expect(simple.result.isAuthorized, JSON.stringify(id)).toBe(false);
      expect(simple.missingScopes).toEqual(['admin']);
    }
  });
});

describe('evaluateRoute', () => {
  it('takes a method and a path with or without the leading slash', async () => {
    const authorizer = createAuthorizer({
      issuer: server.issuer,
      audience: AUD,
      routes: { 'GET /pets/{id}': ['read:pets'] },
    });
    const verified = await authorizer.verify(mint(key));
    expect(authorizer.evaluateRoute(verified, 'get', '/pets/1').allowed).toBe(true);
    expect(authorizer.evaluateRoute(verified, 'GET', 'pets/1').allowed).toBe(true);
    expect(authorizer.evaluateRoute(verified, 'POST', '/pets/1').allowed).toBe(false);
  });
});

describe('context values that cannot be written', () => {
  it('leaves out a configured claim nested deeper than JSON text can be written, and still answers', async () => {
    const authorizer = createAuthorizer({
      issuer: server.issuer,
      audience: AUD,
      contextClaims: ['deep', 'email'],
      maxTokenBytes: 1_048_576,
    });
    const now = Math.floor(Date.now() / 1000);
    const payload = `{"iss":${JSON.stringify(server.issuer)},"aud":${JSON.stringify(AUD)},"sub":"u","exp":${now + 600},"email":"a@b.c","deep":${'['.repeat(20_000)}1${']'.repeat(20_000)}}`;
    const token = signParts(
      Buffer.from(JSON.stringify({ alg: 'RS256', kid: key.kid })).toString('base64url'),
      Buffer.from(payload).toString('base64url'),
      key,
    );
    const verified = await authorizer.verify(token);
    const { context } = authorizer.authorize(verified, METHOD_ARN).result;
    expect(context).toEqual({ sub: 'u', scope: '', email: 'a@b.c' });
  });
});
