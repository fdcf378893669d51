import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMinter,
  generateTestKey,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from '../../authorizer-core/tests/helpers/index.js';
import {
  CONNECT_ARN,
  evaluatePolicy,
  httpApiEvent,
  runBundled,
  unzipBundle,
  webSocketConnectEvent,
} from './helpers/index.js';

// The zip's content run by a bare `node` on WebSocket $connect and HTTP API events, with the token
// in each place JWT_TOKEN_SOURCE can name.
const AUDIENCE = 'https://pets.example.com/api';
const key = generateTestKey('RS256', 'token-source-key');
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

const settings = (tokenSource: string) => ({
  TOKEN_ISSUER: issuer.issuer,
  AUDIENCE,
  JWT_TOKEN_SOURCE: tokenSource,
  JWT_ROUTES: JSON.stringify({ 'GET /pets': ['read:pets'], $connect: ['chat'] }),
});

describe('JWT_TOKEN_SOURCE in the unzipped bundle', () => {
  it.each([
    ['header:authorization', (t: string) => ({ headers: { Authorization: `Bearer ${t}` } })],
    ['header:x-api-token', (t: string) => ({ headers: { 'X-Api-Token': `Bearer ${t}` } })],
    ['query:token', (t: string) => ({ query: { token: t } })],
    ['cookie:at', (t: string) => ({ headers: { Cookie: `theme=dark; at=${t}` } })],
    ['protocol', (t: string) => ({ headers: { 'Sec-WebSocket-Protocol': `jwt, ${t}` } })],
  ])('answers WebSocket $connect events with the token in %s', async (source, carry) => {
    const good = mint(key, { claims: { scope: 'chat' } });
    const run = await runBundled(
      unzipped.dir,
      [
        webSocketConnectEvent(carry(good)),
        webSocketConnectEvent(carry(mint(key, { claims: { scope: 'read:pets' } }))),
        webSocketConnectEvent({}),
        webSocketConnectEvent({ headers: { Authorization: 'Bearer elsewhere' }, query: { other: good } }),
      ],
      settings(source),
    );
    expect(run.stderr).toBe('');
    const [allowed, denied, missing, elsewhere] = run.outcomes;
    expect(allowed).toMatchObject({ ok: true, result: { context: { sub: 'user-123', scope: 'chat' } } });
    expect(allowed?.ok && evaluatePolicy(allowed.result, CONNECT_ARN)).toBe('Allow');
    expect(denied?.ok && evaluatePolicy(denied.result, CONNECT_ARN)).toBe('Deny');
    expect(missing).toEqual({ ok: false, message: 'Unauthorized', code: 'TOKEN_MISSING' });
    expect(elsewhere).toMatchObject({ ok: false, message: 'Unauthorized' });
    expect(run.logs.map((line) => [line.decision, line.reason])).toEqual([
      ['allow', 'OK'],
      ['deny', 'INSUFFICIENT_SCOPE'],
      ['unauthorized', 'TOKEN_MISSING'],
      ['unauthorized', source === 'header:authorization' ? 'TOKEN_MALFORMED' : 'TOKEN_MISSING'],
    ]);
  });

  it.each([
    ['header:authorization', (t: string) => ({ headers: { authorization: `Bearer ${t}` } })],
    ['header:x-api-token', (t: string) => ({ headers: { 'x-api-token': `Bearer ${t}` } })],
    ['query:token', (t: string) => ({ query: { token: t } })],
    ['cookie:at', (t: string) => ({ cookies: ['theme=dark', `at=${t}`] })],
  ])('answers HTTP API payload 2.0 events with the token in %s', async (source, carry) => {
    const run = await runBundled(
      unzipped.dir,
      [
        httpApiEvent(carry(mint(key))),
        httpApiEvent(carry(mint(key, { claims: { scope: 'write:pets' } }))),
        httpApiEvent({}),
      ],
      settings(source),
    );
    expect(run.stderr).toBe('');
    expect(run.outcomes).toEqual([
      { ok: true, result: { isAuthorized: true, context: { sub: 'user-123', scope: 'read:pets' } } },
      { ok: true, result: { isAuthorized: false, context: { sub: 'user-123', scope: 'write:pets' } } },
      { ok: true, result: { isAuthorized: false } },
    ]);
  });

  it('refuses two different tokens in two listed places with 401, TOKEN_MALFORMED', async () => {
    const run = await runBundled(
      unzipped.dir,
      [
        webSocketConnectEvent({
          query: { token: mint(key, { claims: { scope: 'chat' } }) },
          headers: {
            'Sec-WebSocket-Protocol': `jwt, ${mint(key, { claims: { scope: 'chat', sub: 'other' } })}`,
          },
        }),
      ],
      settings('query:token,protocol'),
    );
    expect(run.outcomes).toEqual([{ ok: false, message: 'Unauthorized', code: 'TOKEN_MALFORMED' }]);
  });

  it('fails the cold start naming JWT_TOKEN_SOURCE when it is malformed', async () => {
    const run = await runBundled(unzipped.dir, [webSocketConnectEvent({})], settings('query:token,body:t'));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('JWT_TOKEN_SOURCE');
  });
});
