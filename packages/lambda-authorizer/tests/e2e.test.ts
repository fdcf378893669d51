import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMinter,
  evaluatePolicy,
  generateTestKey,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from '@jwt-authorizer/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '../scripts/bundle.mjs';
import {
  httpApiEvent,
  METHOD_ARN,
  requestEvent,
  runBundled,
  STAGE_ARN,
  tokenEvent,
  unzipBundle,
} from './helpers/index.js';

// The zip's content, unzipped into an empty folder and run by a bare `node` there, against a local
// issuer: proof that the bundle is self-contained and behaves as the unit tests say.
const AUDIENCE = 'https://pets.example.com/api';
const ROUTES = JSON.stringify({ 'GET /pets': ['read:pets'], 'POST /pets': ['write:pets'] });
const key = generateTestKey('RS256', 'e2e-key');
let issuer: JwksServer;
let unzipped: ReturnType<typeof unzipBundle>;
let mint: ReturnType<typeof createMinter>;

beforeAll(async () => {
  issuer = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
  mint = createMinter(issuer.issuer, AUDIENCE);
  unzipped = unzipBundle();
});
afterAll(async () => {
  unzipped.remove();
  await issuer.close();
});

describe('the unzipped bundle, run with node alone', () => {
  it('unzips to index.mjs and its chunks only, with no node_modules beside it', () => {
    expect(unzipped.files.filter((name) => !/^chunk-[A-Z0-9]+\.mjs$/.test(name))).toEqual(['index.mjs']);
    expect(existsSync(join(unzipped.dir, 'node_modules'))).toBe(false);
  });

  it('answers each outcome for the three event kinds, with one decision line per request', async () => {
    const valid = mint(key);
    const expired = mint(key, { claims: { iat: 1_000_000, exp: 1_000_600 } });
    const postArn = `${STAGE_ARN}/POST/pets`;
    const offlineArn = 'arn:aws:execute-api:us-east-1:random-account-id:random-api-id/dev/GET/pets';
    const run = await runBundled(
      unzipped.dir,
      [
        tokenEvent(`Bearer ${valid}`),
        requestEvent({ headers: { Authorization: `Bearer ${expired}` } }),
        httpApiEvent({ headers: { authorization: `Bearer ${valid}` }, routeArn: postArn }),
        tokenEvent(`Bearer ${valid}`, postArn),
        httpApiEvent({ headers: { authorization: `Bearer ${valid}` } }),
        requestEvent({ multiValueHeaders: { authorization: [] } }),
        tokenEvent(`Bearer ${valid}`, offlineArn),
      ],
      { TOKEN_ISSUER: issuer.issuer, AUDIENCE, JWT_ROUTES: ROUTES },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [allow, unauthorized, simpleDeny, iamDeny, simpleAllow, missing, offline] = run.outcomes;
    expect(allow?.ok && evaluatePolicy(allow.result, METHOD_ARN)).toBe('Allow');
    expect(unauthorized).toEqual({ ok: false, message: 'Unauthorized', code: 'TOKEN_EXPIRED' });
    expect(simpleDeny).toEqual({ ok: true, result: { isAuthorized: false, context: expect.any(Object) } });
    expect(iamDeny?.ok && evaluatePolicy(iamDeny.result, postArn)).toBe('Deny');
    expect(simpleAllow).toMatchObject({ ok: true, result: { isAuthorized: true } });
    expect(missing).toEqual({ ok: false, message: 'Unauthorized', code: 'TOKEN_MISSING' });
    expect(offline?.ok && evaluatePolicy(offline.result, offlineArn)).toBe('Allow');
    expect(run.logs.map((line) => [line.decision, line.reason, line.eventKind])).toEqual([
      ['allow', 'OK', 'token'],
      ['unauthorized', 'TOKEN_EXPIRED', 'request'],
      ['deny', 'INSUFFICIENT_SCOPE', 'http-v2'],
      ['deny', 'INSUFFICIENT_SCOPE', 'token'],
      ['allow', 'OK', 'http-v2'],
      ['unauthorized', 'TOKEN_MISSING', 'request'],
      ['allow', 'OK', 'token'],
    ]);
    // Hydrated at cold start: one JWKS request served every verification.
    expect(issuer.requests).toBe(1);
  });

  it("loads neither Node's WebSocket client nor node:fs/promises on a cold start", async () => {
    // An ESM import of node:http reads its lazy WebSocket getters (the whole undici client, about
    // 20 ms on Node 24) and one of node:fs loads fs/promises: the handler takes both modules through
    // process.getBuiltinModule, and only the protocol its keys are fetched with.
    const run = await runBundled(unzipped.dir, [tokenEvent(`Bearer ${mint(key)}`)], {
      TOKEN_ISSUER: issuer.issuer,
      AUDIENCE,
      JWT_ROUTES: ROUTES,
    });
    const [allow] = run.outcomes;
    expect(allow?.ok && evaluatePolicy(allow.result, METHOD_ARN)).toBe('Allow');
    expect(run.loaded).toContain('NativeModule http');
    expect(
      run.loaded.filter((name) => /undici|websocket|fs\/promises|NativeModule (?:https|tls)$/i.test(name)),
    ).toEqual([]);
  });

  it('answers 500 (an error other than Unauthorized), never an Allow, when the keys are unavailable', async () => {
    const down = await startJwksServer({ kind: 'status', status: 500 });
    try {
      const token = createMinter(down.issuer, AUDIENCE)(key);
      const run = await runBundled(
        unzipped.dir,
        [tokenEvent(`Bearer ${token}`), httpApiEvent({ headers: { authorization: `Bearer ${token}` } })],
        { TOKEN_ISSUER: down.issuer, AUDIENCE },
      );
      expect(run.code).toBe(0);
      expect(run.outcomes).toEqual([
        { ok: false, message: 'Authorizer unavailable', code: 'JWKS_UNAVAILABLE' },
        { ok: false, message: 'Authorizer unavailable', code: 'JWKS_UNAVAILABLE' },
      ]);
      expect(run.logs[0]).toMatchObject({ level: 'warn', msg: 'JWKS not reachable at cold start' });
      expect(run.logs.slice(1).map((line) => line.decision)).toEqual(['error', 'error']);
    } finally {
      await down.close();
    }
  });

  it.each([
    [{ TOKEN_ISSUER: 'https://tenant.auth0.com/' }, 'AUDIENCE'],
    [{ AUDIENCE }, 'TOKEN_ISSUER'],
    [
      { TOKEN_ISSUER: 'https://tenant.auth0.com/', AUDIENCE, JWT_CLOCK_SKEW_SECONDS: 'abc' },
      'JWT_CLOCK_SKEW_SECONDS',
    ],
    [
      { TOKEN_ISSUER: 'https://tenant.auth0.com/', AUDIENCE, JWT_ROUTES_FILE: 'routes.json' },
      'JWT_ROUTES_FILE',
    ],
  ])('fails the cold start naming the variable (%j)', async (settings, variable) => {
    const run = await runBundled(unzipped.dir, [tokenEvent('Bearer x')], settings);
    expect(run.code).not.toBe(0);
    expect(run.outcomes).toEqual([]);
    expect(run.stderr).toContain('ConfigurationError');
    expect(run.stderr).toContain(variable);
  });

  it('reads JWT_ROUTES_FILE from a routes file shipped inside the zip', async () => {
    const work = mkdtempSync(join(tmpdir(), 'authorizer-routes-'));
    const routesFile = join(work, 'routes.json');
    writeFileSync(routesFile, JSON.stringify({ 'GET /pets': ['admin:pets'] }));
    const report = await bundle({ outdir: join(work, 'dist'), include: [routesFile] });
    const withRoutes = unzipBundle(report.zipPath);
    try {
      expect(withRoutes.files.filter((name) => !name.startsWith('chunk-'))).toEqual([
        'index.mjs',
        'routes.json',
      ]);
      const run = await runBundled(withRoutes.dir, [tokenEvent(`Bearer ${mint(key)}`)], {
        TOKEN_ISSUER: issuer.issuer,
        AUDIENCE,
        JWT_ROUTES_FILE: 'routes.json',
      });
      const [outcome] = run.outcomes;
      expect(outcome?.ok && evaluatePolicy(outcome.result, METHOD_ARN)).toBe('Deny');
      expect(run.logs[0]).toMatchObject({ decision: 'deny', missingScopes: ['admin:pets'] });
    } finally {
      withRoutes.remove();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
