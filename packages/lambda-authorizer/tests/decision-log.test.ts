import { createHash } from 'node:crypto';
import { createAuthorizer, TokenError } from '@jwt-authorizer/authorizer-core';
import { createMinter, generateTestKey, jwksOf } from '@jwt-authorizer/test-fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createDecisionLog,
  type DecisionLogOptions,
  decisionLogLevelFromLambda,
} from '../src/decision-log.js';
import { httpApiEvent, requestEvent, tokenEvent } from './helpers/index.js';

const ISSUER = 'https://issuer.example.com/';
const AUDIENCE = 'api';
const key = generateTestKey('RS256', 'log-key');
const mint = createMinter(ISSUER, AUDIENCE);
const authorizer = createAuthorizer({ issuers: [{ issuer: ISSUER, jwks: jwksOf(key) }], audience: AUDIENCE });

/**
 * The line is JSON with no repeated key (re-serialising the parsed object gives it back byte for
 * byte), and its EMF block is one CloudWatch accepts: every metric and dimension it names is a
 * top-level member of the right type.
 */
function expectValidEmfLine(line: string): Record<string, unknown> {
  const parsed = JSON.parse(line) as Record<string, unknown>;
  expect(JSON.stringify(parsed)).toBe(line);
  const aws = parsed._aws as {
    Timestamp: unknown;
    CloudWatchMetrics: {
      Namespace: unknown;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  expect(Number.isInteger(aws.Timestamp)).toBe(true);
  expect(Math.abs((aws.Timestamp as number) - Date.now())).toBeLessThan(60_000);
  expect(aws.CloudWatchMetrics).toHaveLength(1);
  for (const directive of aws.CloudWatchMetrics) {
    expect(typeof directive.Namespace).toBe('string');
    for (const name of directive.Dimensions.flat()) expect(typeof parsed[name]).toBe('string');
    for (const metric of directive.Metrics) expect(typeof parsed[metric.Name]).toBe('number');
  }
  return parsed;
}

function setup(options: DecisionLogOptions = {}) {
  const lines: string[] = [];
  let clock = 100;
  const log = createDecisionLog({ now: () => clock, write: (line) => lines.push(line), ...options });
  const advance = (ms: number) => {
    clock += ms;
  };
  const last = () => JSON.parse(lines.at(-1) as string) as Record<string, unknown>;
  return { log, lines, advance, last };
}

describe('createDecisionLog', () => {
  it('writes the decision, latency, token facts and EMF metrics for an allowed request', async () => {
    const { log, advance, lines } = setup();
    const request = { event: tokenEvent('Bearer x'), context: { awsRequestId: 'abc' }, response: undefined };
    log.hooks.requestStart(request);
    const verified = await authorizer.verify(mint(key, { claims: { sub: 'alice' } }));
    advance(2.5);
    log.recordDecision(request.context, verified, { allowed: true, missingScopes: [] });
    log.hooks.requestEnd({ ...request, response: { policyDocument: {} } });
    const line = expectValidEmfLine(lines.at(-1) as string);
    expect(Object.keys(line)).toEqual([
      'level',
      'msg',
      'decision',
      'reason',
      'eventKind',
      'latencyMs',
      'requestId',
      'kid',
      'iss',
      'alg',
      'subHash',
      'Decisions',
      'Latency',
      '_aws',
    ]);
    expect(line).toMatchObject({
      level: 'info',
      msg: 'authorizer decision',
      decision: 'allow',
      reason: 'OK',
      eventKind: 'token',
      latencyMs: 2.5,
      requestId: 'abc',
      kid: 'log-key',
      iss: ISSUER,
      alg: 'RS256',
      subHash: createHash('sha256').update('alice').digest('hex').slice(0, 16),
      Decisions: 1,
      Latency: 2.5,
    });
    expect(JSON.stringify(line)).not.toContain('alice');
    expect(line._aws).toEqual({
      Timestamp: expect.any(Number),
      CloudWatchMetrics: [
        {
          Namespace: 'JwtAuthorizer',
          Dimensions: [['decision']],
          Metrics: [
            { Name: 'Decisions', Unit: 'Count' },
            { Name: 'Latency', Unit: 'Milliseconds' },
          ],
        },
      ],
    });
  });

  it('leaves the metrics out when metricsNamespace is false', () => {
    const { log, last } = setup({ metricsNamespace: false });
    const request = { event: tokenEvent(undefined), context: {} };
    log.hooks.requestStart(request);
    log.hooks.requestEnd({ ...request, error: new Error('Unauthorized') });
    expect(last()).not.toHaveProperty('_aws');
    expect(last()).not.toHaveProperty('Decisions');
  });

  it('takes the reason of an Unauthorized error from its cause', () => {
    const { log, last } = setup();
    const request = { event: tokenEvent('Bearer a.b.c'), context: {} };
    log.hooks.requestStart(request);
    const error = new Error('Unauthorized', { cause: new TokenError('SIGNATURE_INVALID', 'bad') });
    log.hooks.requestEnd({ ...request, error });
    expect(last()).toMatchObject({ decision: 'unauthorized', reason: 'SIGNATURE_INVALID', level: 'info' });
  });

  it('records the reason of a rejected token the middleware answered early with { isAuthorized: false }', async () => {
    const { log, last } = setup();
    const expired = mint(key, { claims: { iat: 1000, exp: 2000 } });
    const refused = await authorizer.verifyAuthorization(`Bearer ${expired}`).catch((err: unknown) => err);
    expect(refused).toMatchObject({ code: 'TOKEN_EXPIRED' });
    const request = { event: httpApiEvent({}), context: { authorizerRejection: refused } };
    log.hooks.requestStart(request);
    log.hooks.requestEnd({ ...request, response: { isAuthorized: false } });
    expect(last()).toMatchObject({ decision: 'unauthorized', reason: 'TOKEN_EXPIRED', eventKind: 'http-v2' });
  });

  it('records the reason the middleware gave when it refused the token before verification', () => {
    const { log, last } = setup();
    const event = requestEvent({
      headers: { Authorization: 'Bearer one' },
      multiValueHeaders: { Authorization: ['Bearer two'] },
    });
    const authorizerRejection = new TokenError(
      'TOKEN_MALFORMED',
      'The request carries different Authorization values',
    );
    const request = { event, context: { authorizerRejection } };
    log.hooks.requestStart(request);
    log.hooks.requestEnd({ ...request, error: new Error('Unauthorized') });
    expect(last()).toMatchObject({
      decision: 'unauthorized',
      reason: 'TOKEN_MALFORMED',
      eventKind: 'request',
    });
  });

  it('falls back to TOKEN_INVALID when nothing tells the reason', () => {
    const { log, last } = setup();
    const request = { event: httpApiEvent({}), context: {} };
    log.hooks.requestStart(request);
    log.hooks.requestEnd({ ...request, error: new Error('Unauthorized') });
    expect(last()).toMatchObject({ decision: 'unauthorized', reason: 'TOKEN_INVALID' });
  });

  it('reports an uncoded error by its name only, never its message', () => {
    const { log, last } = setup();
    const request = { event: tokenEvent('Bearer x'), context: {} };
    log.hooks.requestStart(request);
    log.hooks.requestEnd({ ...request, error: new TypeError('secret-looking detail') });
    expect(last()).toMatchObject({
      level: 'error',
      decision: 'error',
      reason: 'INTERNAL_ERROR',
      error: 'TypeError',
    });
    expect(JSON.stringify(last())).not.toContain('secret-looking');
  });

  it('hashes each verified token’s sub once and never mixes up two tokens', async () => {
    const { log, lines } = setup();
    const alice = await authorizer.verify(mint(key, { claims: { sub: 'alice' } }));
    const bob = await authorizer.verify(mint(key, { claims: { sub: 'bob' } }));
    for (const verified of [alice, bob, alice, bob]) {
      const request = { event: tokenEvent('Bearer x'), context: {} };
      log.hooks.requestStart(request);
      log.recordDecision(request.context, verified, { allowed: true, missingScopes: [] });
      log.hooks.requestEnd(request);
    }
    const hash = (sub: string) => createHash('sha256').update(sub).digest('hex').slice(0, 16);
    expect(lines.map((line) => (JSON.parse(line) as { subHash?: string }).subHash)).toEqual([
      hash('alice'),
      hash('bob'),
      hash('alice'),
      hash('bob'),
    ]);
  });

  it('writes each token its own kid, iss and alg when keys, issuers and algorithms alternate', async () => {
    const OTHER_ISSUER = 'https://other.example.com/';
    const ecKey = generateTestKey('ES256', 'ec-key');
    const second = generateTestKey('RS256', 'second-key');
    const multi = createAuthorizer({
      issuers: [
        { issuer: ISSUER, jwks: jwksOf(key, second, ecKey) },
        { issuer: OTHER_ISSUER, jwks: jwksOf(key) },
      ],
      audience: AUDIENCE,
      algorithms: ['RS256', 'ES256'],
    });
    const other = createMinter(OTHER_ISSUER, AUDIENCE);
    const tokens = [
      [await multi.verify(mint(key)), 'log-key', ISSUER, 'RS256'],
      [await multi.verify(mint(second)), 'second-key', ISSUER, 'RS256'],
      [await multi.verify(mint(ecKey)), 'ec-key', ISSUER, 'ES256'],
      [await multi.verify(other(key)), 'log-key', OTHER_ISSUER, 'RS256'],
      [await multi.verify(mint(key)), 'log-key', ISSUER, 'RS256'],
    ] as const;
    const { log, lines } = setup();
    for (const [verified] of [...tokens, ...tokens]) {
      const request = { event: tokenEvent('Bearer x'), context: {} };
      log.hooks.requestStart(request);
      log.recordDecision(request.context, verified, { allowed: true, missingScopes: [] });
      log.hooks.requestEnd(request);
    }
    expect(lines.map((line) => JSON.parse(line) as { kid: string; iss: string; alg: string })).toMatchObject(
      [...tokens, ...tokens].map(([, kid, iss, alg]) => ({ kid, iss, alg })),
    );
  });

  it('writes each token object its own subHash, whatever the subs and however often they come back', () => {
    const hostile = fc.constantFrom(
      '\n',
      '\r',
      '\u2028',
      '\u2029',
      '\t',
      '%0a',
      '*',
      '?',
      'é',
      '"',
      '\\',
      '',
    );
    const sub = fc.array(fc.oneof(fc.string(), hostile), { maxLength: 5 }).map((parts) => parts.join(''));
    const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
    fc.assert(
      fc.property(
        fc.array(sub, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
        (subs, picks) => {
          // Token objects as the core hands them out: one per sub, each coming back in any order.
          const tokens = subs.map((value) =>
            Object.freeze({
              claims: Object.freeze({ iss: ISSUER, sub: value, exp: 2e9 }),
              header: Object.freeze({ alg: 'RS256', kid: 'log-key' }),
              issuer: ISSUER,
              scopes: Object.freeze([]),
              droppedScopes: 0,
              context: Object.freeze({}),
            }),
          );
          const { log, lines } = setup();
          const sent = picks.map((pick) => tokens[pick % tokens.length] as (typeof tokens)[number]);
          for (const verified of sent) {
            const request = { event: tokenEvent('Bearer x'), context: {} };
            log.hooks.requestStart(request);
            log.recordDecision(request.context, verified, { allowed: true, missingScopes: [] });
            log.hooks.requestEnd(request);
          }
          expect(lines.map((line) => (JSON.parse(line) as { subHash: string }).subHash)).toEqual(
            sent.map((verified) => sha(verified.claims.sub)),
          );
        },
      ),
    );
  });

  it('counts the scope values the verifier dropped, never writing them', async () => {
    const { log, lines } = setup();
    const verified = await authorizer.verify(
      mint(key, { claims: { scope: 'read:pets\tadmin ok', permissions: ['secret value', 'p'] } }),
    );
    const request = { event: tokenEvent('Bearer x'), context: {} };
    log.hooks.requestStart(request);
    log.recordDecision(request.context, verified, { allowed: false, missingScopes: ['admin'] });
    log.hooks.requestEnd(request);
    const line = expectValidEmfLine(lines.at(-1) as string);
    expect(line).toMatchObject({ reason: 'INSUFFICIENT_SCOPE', droppedScopes: 2, missingScopes: ['admin'] });
    expect(Object.keys(line).indexOf('droppedScopes')).toBe(Object.keys(line).indexOf('subHash') + 1);
    expect(lines.at(-1)).not.toContain('read:pets');
    expect(lines.at(-1)).not.toContain('secret');
    const clean = await authorizer.verify(mint(key, { claims: { scope: 'ok' } }));
    log.hooks.requestStart(request);
    log.recordDecision(request.context, clean, { allowed: true, missingScopes: [] });
    log.hooks.requestEnd(request);
    expect(JSON.parse(lines.at(-1) as string)).not.toHaveProperty('droppedScopes');
  });

  it('does not carry a decision over to the next invocation of the same context object', async () => {
    const { log, lines } = setup();
    const verified = await authorizer.verify(mint(key));
    const context: Record<string, unknown> = { awsRequestId: 'reused' };
    const first = { event: tokenEvent('Bearer x'), context };
    log.hooks.requestStart(first);
    log.recordDecision(context, verified, { allowed: true, missingScopes: [] });
    log.hooks.requestEnd(first);
    const second = { event: httpApiEvent({}), context };
    log.hooks.requestStart(second);
    log.hooks.requestEnd({ ...second, response: { isAuthorized: false } });
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.map((line) => [line.decision, line.reason])).toEqual([
      ['allow', 'OK'],
      ['unauthorized', 'TOKEN_INVALID'],
    ]);
    expect(parsed[1]).not.toHaveProperty('kid');
    expect(parsed[1]).not.toHaveProperty('subHash');
  });

  it("never clears an invocation's record on a context object another invocation starts with", async () => {
    const { log, lines } = setup();
    const verified = await authorizer.verify(mint(key));
    // The first invocation took the runtime's object itself (new to middy-jwt's slots) and recorded
    // its decision on it; a second one starts with the same object before the first ends, and gets a
    // context derived from it, as jwtAuthorizer makes one.
    const shared: Record<string, unknown> = { awsRequestId: 'shared' };
    const first = { event: tokenEvent('Bearer x'), context: shared };
    log.hooks.requestStart(first);
    Object.assign(shared, {
      jwt: verified,
      authorizerEvent: { kind: 'token' },
      authorizerRejection: undefined,
    });
    log.recordDecision(shared, verified, { allowed: true, missingScopes: [] });
    const second = { event: httpApiEvent({}), context: shared };
    log.hooks.requestStart(second);
    second.context = Object.assign(Object.create(shared) as Record<string, unknown>, {
      jwt: undefined,
      authorizerEvent: { kind: 'http-v2' },
      authorizerRejection: new TokenError('TOKEN_MISSING', 'no token'),
    });
    log.hooks.requestEnd({ ...first, response: { policyDocument: {} } });
    log.hooks.requestEnd({ ...second, response: { isAuthorized: false } });
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.map((line) => [line.decision, line.reason, line.eventKind, line.kid])).toEqual([
      ['allow', 'OK', 'token', 'log-key'],
      ['unauthorized', 'TOKEN_MISSING', 'http-v2', undefined],
    ]);
  });

  it('keeps the decisions of interleaved invocations apart', async () => {
    const { log, lines, advance } = setup();
    const verified = await authorizer.verify(mint(key));
    const first = { event: httpApiEvent({}), context: { awsRequestId: 'first' } as Record<string, unknown> };
    const second = {
      event: tokenEvent('Bearer x'),
      context: { awsRequestId: 'second' } as Record<string, unknown>,
    };
    log.hooks.requestStart(first);
    advance(1);
    log.hooks.requestStart(second);
    first.context.authorizerRejection = new TokenError('TOKEN_MALFORMED', 'bad');
    log.recordDecision(second.context, verified, { allowed: false, missingScopes: ['write:pets'] });
    advance(2);
    log.hooks.requestEnd({ ...second, response: { policyDocument: {} } });
    log.hooks.requestEnd({ ...first, response: { isAuthorized: false } });
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(
      parsed.map((line) => [line.requestId, line.decision, line.reason, line.latencyMs, line.kid]),
    ).toEqual([
      ['second', 'deny', 'INSUFFICIENT_SCOPE', 2, 'log-key'],
      ['first', 'unauthorized', 'TOKEN_MALFORMED', 3, undefined],
    ]);
    expect(parsed[0]?.missingScopes).toEqual(['write:pets']);
  });

  it('escapes every string it writes, so odd request ids and issuers keep the line valid JSON', async () => {
    // Issuers hold no blanks (the configuration refuses them); quotes and backslashes they may.
    const oddIssuer = 'https://issuer.example.com/"quoted"\\path/';
    const oddAuthorizer = createAuthorizer({
      issuers: [{ issuer: oddIssuer, jwks: jwksOf(key) }],
      audience: AUDIENCE,
    });
    const verified = await oddAuthorizer.verify(createMinter(oddIssuer, AUDIENCE)(key));
    const { log, lines } = setup();
    const requestId = 'id "with" \\ quotes\n and \u0000 controls\u2028';
    const request = { event: tokenEvent('Bearer x'), context: { awsRequestId: requestId } };
    log.hooks.requestStart(request);
    log.recordDecision(request.context, verified, { allowed: true, missingScopes: [] });
    log.hooks.requestEnd(request);
    const line = expectValidEmfLine(lines.at(-1) as string);
    expect(line).toMatchObject({ requestId, iss: oddIssuer });
  });

  it('writes valid JSON and EMF for every kind of outcome, under a custom namespace', async () => {
    const { log, lines } = setup({ metricsNamespace: 'Custom/"Auth"' });
    const verified = await authorizer.verify(mint(key));
    const outcomes: [Record<string, unknown>, Partial<ObservedRequestFields>][] = [
      [{}, { response: { isAuthorized: false } }],
      [{}, { error: new Error('Unauthorized', { cause: new TokenError('KID_UNKNOWN', 'no key') }) }],
      [
        {},
        {
          error: new Error('Authorizer unavailable', {
            cause: { code: 'JWKS_UNAVAILABLE', message: 'answered 503' },
          }),
        },
      ],
      [{}, { error: 'a thrown string' }],
    ];
    for (const [context, end] of outcomes) {
      const request = { event: { unknown: true }, context };
      log.hooks.requestStart(request);
      log.hooks.requestEnd({ ...request, ...end });
    }
    const denied = { event: tokenEvent('Bearer x'), context: {} };
    log.hooks.requestStart(denied);
    log.recordDecision(denied.context, verified, { allowed: false, missingScopes: [] });
    log.hooks.requestEnd(denied);
    const parsed = lines.map(expectValidEmfLine);
    expect(parsed.map((line) => [line.level, line.decision, line.reason, line.error])).toEqual([
      ['info', 'unauthorized', 'TOKEN_INVALID', undefined],
      ['info', 'unauthorized', 'KID_UNKNOWN', undefined],
      ['error', 'error', 'JWKS_UNAVAILABLE', 'answered 503'],
      ['error', 'error', 'INTERNAL_ERROR', 'string'],
      ['info', 'deny', 'ROUTE_NOT_ALLOWED', undefined],
    ]);
    expect(
      parsed.map(
        (line) =>
          (line._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0]?.Namespace,
      ),
    ).toEqual(Array(5).fill('Custom/"Auth"'));
    expect(parsed.slice(0, 4).every((line) => !('eventKind' in line))).toBe(true);
  });
});

describe('the decision log level', () => {
  /** One request of each outcome: an Allow, a Deny, a 401 answered early, a 401 error, a 500. */
  async function runOutcomes(log: ReturnType<typeof createDecisionLog>) {
    const verified = await authorizer.verify(mint(key, { claims: { sub: 'alice' } }));
    const cases: [Record<string, unknown>, Partial<ObservedRequestFields>, boolean | undefined][] = [
      [{}, {}, true],
      [{}, {}, false],
      [
        { authorizerRejection: new TokenError('TOKEN_EXPIRED', 'expired') },
        { response: { isAuthorized: false } },
        undefined,
      ],
      [
        {},
        { error: new Error('Unauthorized', { cause: new TokenError('KID_UNKNOWN', 'no key') }) },
        undefined,
      ],
      [
        {},
        {
          error: new Error('Authorizer unavailable', {
            cause: { code: 'JWKS_UNAVAILABLE', message: 'down' },
          }),
        },
        undefined,
      ],
    ];
    for (const [context, end, allowed] of cases) {
      const request = { event: tokenEvent('Bearer x'), context };
      log.hooks.requestStart?.(request);
      if (allowed !== undefined) log.recordDecision(context, verified, { allowed, missingScopes: [] });
      log.hooks.requestEnd?.({ ...request, ...end });
    }
  }

  it('all: writes a line for every outcome', async () => {
    const { log, lines } = setup({ level: 'all' });
    await runOutcomes(log);
    expect(lines.map((line) => JSON.parse(line) as { level: string; reason: string })).toMatchObject([
      { level: 'info', reason: 'OK' },
      { level: 'info', reason: 'ROUTE_NOT_ALLOWED' },
      { level: 'info', reason: 'TOKEN_EXPIRED' },
      { level: 'info', reason: 'KID_UNKNOWN' },
      { level: 'error', reason: 'JWKS_UNAVAILABLE' },
    ]);
  });

  it('refusals: writes every refusal and error, with its metrics, and nothing for an Allow', async () => {
    const { log, lines } = setup({ level: 'refusals' });
    await runOutcomes(log);
    const parsed = lines.map(expectValidEmfLine);
    expect(parsed.map((line) => [line.level, line.decision, line.reason])).toEqual([
      ['warn', 'deny', 'ROUTE_NOT_ALLOWED'],
      ['warn', 'unauthorized', 'TOKEN_EXPIRED'],
      ['warn', 'unauthorized', 'KID_UNKNOWN'],
      ['error', 'error', 'JWKS_UNAVAILABLE'],
    ]);
  });

  it('refusals: an Allow reads no clock for its line and writes nothing', async () => {
    let reads = 0;
    const lines: string[] = [];
    const log = createDecisionLog({
      level: 'refusals',
      now: () => {
        reads += 1;
        return 0;
      },
      write: (line) => lines.push(line),
    });
    const verified = await authorizer.verify(mint(key));
    const request = { event: tokenEvent('Bearer x'), context: {} };
    log.hooks.requestStart(request);
    log.recordDecision(request.context, verified, { allowed: true, missingScopes: [] });
    log.hooks.requestEnd(request);
    // The start time is taken before the outcome is known; the end time and the line never are.
    expect(reads).toBe(1);
    expect(lines).toEqual([]);
  });

  it('off: installs no hooks and writes nothing, whatever the outcome', async () => {
    const { log, lines } = setup({ level: 'off' });
    expect(Object.keys(log.hooks)).toEqual([]);
    await runOutcomes(log);
    expect(lines).toEqual([]);
  });

  it('refuses a level it does not know, naming the choices', () => {
    expect(() => createDecisionLog({ level: 'verbose' as never })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('"refusals"') }),
    );
  });

  it.each([
    [undefined, 'all'],
    ['', 'all'],
    ['TRACE', 'all'],
    ['DEBUG', 'all'],
    ['INFO', 'all'],
    ['info', 'all'],
    ['WARN', 'refusals'],
    [' warn ', 'refusals'],
    ['ERROR', 'refusals'],
    ['FATAL', 'refusals'],
    ['LOUD', 'all'],
  ])('maps AWS_LAMBDA_LOG_LEVEL=%j to %s', (value, expected) => {
    expect(decisionLogLevelFromLambda(value)).toBe(expected);
  });
});

interface ObservedRequestFields {
  response: unknown;
  error: unknown;
}
