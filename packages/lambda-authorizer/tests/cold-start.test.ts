import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@jwt-authorizer/authorizer-core';
import {
  createMinter,
  evaluatePolicy,
  generateTestKey,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from '@jwt-authorizer/test-fixtures';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHandler } from '../src/cold-start.js';
import {
  httpApiEvent,
  lambdaContext,
  METHOD_ARN,
  ROUTE_ARN,
  STAGE_ARN,
  tokenEvent,
} from './helpers/index.js';

const AUDIENCE = 'https://pets.example.com/api';
const key = generateTestKey('RS256', 'cold-key');
let server: JwksServer;
let dir: string;
let lines: string[];

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
});
afterAll(() => server.close());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'authorizer-cold-'));
  lines = [];
  server.behaviour = { kind: 'jwks', body: jwksOf(key) };
  server.requests = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function start(env: Record<string, string>) {
  return startHandler({
    env,
    baseDir: dir,
    log: { write: (line) => lines.push(line), metricsNamespace: false },
  });
}

describe('startHandler (the cold start)', () => {
  it('fails the cold start on a misspelt JWT_ variable instead of ignoring the scope it meant', async () => {
    const attempt = start({ TOKEN_ISSUER: server.issuer, AUDIENCE, JWT_REQUIRED_SCOPE: 'admin' });
    await expect(attempt).rejects.toBeInstanceOf(ConfigurationError);
    await expect(attempt).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      variable: 'JWT_REQUIRED_SCOPE',
      message: expect.stringContaining('did you mean JWT_REQUIRED_SCOPES?'),
    });
  });

  it('fetches the JWKS during the cold start, so the first request needs no fetch', async () => {
    const started = await start({ TOKEN_ISSUER: server.issuer, AUDIENCE });
    expect(started.hydrated).toBe(true);
    expect(server.requests).toBe(1);
    const token = createMinter(server.issuer, AUDIENCE)(key);
    const result = await started.handler(tokenEvent(`Bearer ${token}`), lambdaContext());
    expect(evaluatePolicy(result, METHOD_ARN)).toBe('Allow');
    expect(server.requests).toBe(1);
  });

  it('does not fail when the JWKS is unreachable, logs a warning and recovers on a later request', async () => {
    server.behaviour = { kind: 'status', status: 503 };
    const started = await start({ TOKEN_ISSUER: server.issuer, AUDIENCE, JWT_JWKS_COOLDOWN_MS: '0' });
    expect(started.hydrated).toBe(false);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        level: 'warn',
        msg: 'JWKS not reachable at cold start',
        reason: 'JWKS_UNAVAILABLE',
        detail: `JWKS request to ${server.jwksUri} answered 503`,
      },
    ]);
    server.behaviour = { kind: 'jwks', body: jwksOf(key) };
    const token = createMinter(server.issuer, AUDIENCE)(key);
    const result = await started.handler(tokenEvent(`Bearer ${token}`), lambdaContext());
    expect(evaluatePolicy(result, METHOD_ARN)).toBe('Allow');
  });

  it('gives up on a JWKS that does not answer within JWT_JWKS_TIMEOUT_MS without failing', async () => {
    server.behaviour = { kind: 'hang' };
    const started = await start({ TOKEN_ISSUER: server.issuer, AUDIENCE, JWT_JWKS_TIMEOUT_MS: '100' });
    expect(started.hydrated).toBe(false);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ level: 'warn', reason: 'JWKS_UNAVAILABLE' });
  });

  it('fails with a ConfigurationError naming the variable when a setting is missing', async () => {
    const error = await start({ TOKEN_ISSUER: server.issuer }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('AUDIENCE') });
    expect(server.requests).toBe(0);
  });

  it('reads only its environment: a .env next to the handler changes nothing (invoke and the demo apply the .env rule)', async () => {
    writeFileSync(join(dir, '.env'), 'AUDIENCE=https://wrong.example.com\nJWT_POLICY_MODE=method\n');
    const started = await start({ TOKEN_ISSUER: server.issuer, AUDIENCE });
    expect(started.settings.authorizerOptions).toEqual({ issuer: server.issuer, audience: AUDIENCE });
  });

  it('refuses an unknown option of startHandler, naming the closest known one', async () => {
    const error = await startHandler({
      baseDir: dir,
      environment: {},
    } as never).catch((err: unknown) => err);
    expect(error).toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'unknown option `environment`; known options: env, baseDir, log',
    });
    const typo = await startHandler({ basedir: dir } as never).catch((err: unknown) => err);
    expect(typo).toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'unknown option `basedir`; did you mean `baseDir`?',
    });
  });

  it('applies route rules from JWT_ROUTES_FILE next to the handler', async () => {
    writeFileSync(join(dir, 'routes.json'), JSON.stringify({ 'DELETE /pets/{id}': ['admin:pets'] }));
    const started = await start({ TOKEN_ISSUER: server.issuer, AUDIENCE, JWT_ROUTES_FILE: 'routes.json' });
    const token = createMinter(server.issuer, AUDIENCE)(key);
    const deleteArn = `${STAGE_ARN}/DELETE/pets/42`;
    const result = await started.handler(tokenEvent(`Bearer ${token}`, deleteArn), lambdaContext());
    expect(evaluatePolicy(result, deleteArn)).toBe('Deny');
  });

  it('answers HTTP API events with an IAM policy when JWT_HTTP_API_RESPONSE is iam', async () => {
    const started = await start({ TOKEN_ISSUER: server.issuer, AUDIENCE, JWT_HTTP_API_RESPONSE: 'iam' });
    const token = createMinter(server.issuer, AUDIENCE)(key);
    const result = await started.handler(
      httpApiEvent({ headers: { authorization: `Bearer ${token}` } }),
      lambdaContext(),
    );
    expect(evaluatePolicy(result, ROUTE_ARN)).toBe('Allow');
  });

  describe('the decision log level', () => {
    const other = generateTestKey('RS256', 'cold-key');
    async function invokeAll(env: Record<string, string>) {
      const started = await start({ TOKEN_ISSUER: server.issuer, AUDIENCE, ...env });
      const mint = createMinter(server.issuer, AUDIENCE);
      const tokens = [
        mint(key),
        mint(key, { claims: { exp: Math.floor(Date.now() / 1000) - 600 } }),
        mint(other),
      ];
      const outcomes: string[] = [];
      for (const token of tokens) {
        outcomes.push(
          await started.handler(tokenEvent(`Bearer ${token}`), lambdaContext()).then(
            (result) => evaluatePolicy(result, METHOD_ARN),
            (error: Error) => error.message,
          ),
        );
      }
      expect(outcomes).toEqual(['Allow', 'Unauthorized', 'Unauthorized']);
      return { started, tokens };
    }
    const reasons = () => lines.map((line) => (JSON.parse(line) as { reason: string }).reason);

    it.each([
      [{}, 'all', ['OK', 'TOKEN_EXPIRED', 'SIGNATURE_INVALID']],
      [{ AWS_LAMBDA_LOG_LEVEL: 'DEBUG' }, 'all', ['OK', 'TOKEN_EXPIRED', 'SIGNATURE_INVALID']],
      [{ AWS_LAMBDA_LOG_LEVEL: 'WARN' }, 'refusals', ['TOKEN_EXPIRED', 'SIGNATURE_INVALID']],
      [{ AWS_LAMBDA_LOG_LEVEL: 'ERROR' }, 'refusals', ['TOKEN_EXPIRED', 'SIGNATURE_INVALID']],
      [{ JWT_DECISION_LOG: 'refusals' }, 'refusals', ['TOKEN_EXPIRED', 'SIGNATURE_INVALID']],
      [
        { JWT_DECISION_LOG: 'all', AWS_LAMBDA_LOG_LEVEL: 'ERROR' },
        'all',
        ['OK', 'TOKEN_EXPIRED', 'SIGNATURE_INVALID'],
      ],
      [{ JWT_DECISION_LOG: 'off', AWS_LAMBDA_LOG_LEVEL: 'DEBUG' }, 'off', []],
    ])('with %j logs %s', async (env, level, expected) => {
      const { started, tokens } = await invokeAll(env);
      expect(started.settings.decisionLog).toBe(level);
      expect(reasons()).toEqual(expected);
      for (const token of tokens) {
        for (const part of token.split('.')) {
          for (const line of lines) expect(line).not.toContain(part);
        }
      }
    });

    it('refuses a JWT_DECISION_LOG it does not know, naming the variable', async () => {
      const error = await start({ TOKEN_ISSUER: server.issuer, AUDIENCE, JWT_DECISION_LOG: 'errors' }).catch(
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID', variable: 'JWT_DECISION_LOG' });
    });
  });
});
