import { createHash } from 'node:crypto';
import { createAuthorizer, TokenError } from '@jwt-authorizer/authorizer-core';
import { describe, expect, it } from 'vitest';
import { createMinter, generateTestKey, jwksOf } from '../../authorizer-core/tests/helpers/index.js';
import { createDecisionLog, type DecisionLogOptions } from '../src/decision-log.js';
import { httpApiEvent, requestEvent, tokenEvent } from './helpers/index.js';

const ISSUER = 'https://issuer.example.com/';
const AUDIENCE = 'api';
const key = generateTestKey('RS256', 'log-key');
const mint = createMinter(ISSUER, AUDIENCE);
const authorizer = createAuthorizer({ issuers: [{ issuer: ISSUER, jwks: jwksOf(key) }], audience: AUDIENCE });

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
    const { log, advance, last } = setup();
    const request = { event: tokenEvent('Bearer x'), context: { awsRequestId: 'abc' }, response: undefined };
    log.hooks.requestStart(request);
    const verified = await authorizer.verify(mint(key, { claims: { sub: 'alice' } }));
    advance(2.5);
    log.recordDecision(request.context, verified, { allowed: true, missingScopes: [] });
    log.hooks.requestEnd({ ...request, response: { policyDocument: {} } });
    const line = last();
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
    const observed = log.observe(authorizer);
    const request = { event: httpApiEvent({}), context: {} };
    log.hooks.requestStart(request);
    const expired = mint(key, { claims: { iat: 1000, exp: 2000 } });
    await expect(observed.verifyAuthorization(`Bearer ${expired}`)).rejects.toMatchObject({
      code: 'TOKEN_EXPIRED',
    });
    log.hooks.requestEnd({ ...request, response: { isAuthorized: false } });
    expect(last()).toMatchObject({ decision: 'unauthorized', reason: 'TOKEN_EXPIRED', eventKind: 'http-v2' });
  });

  it('reads the reason again from the event when the token was refused before verification', () => {
    const { log, last } = setup();
    const event = requestEvent({
      headers: { Authorization: 'Bearer one' },
      multiValueHeaders: { Authorization: ['Bearer two'] },
    });
    const request = { event, context: {} };
    log.hooks.requestStart(request);
    log.hooks.requestEnd({ ...request, response: { isAuthorized: false } });
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

  it('passes a verified token through the observed authorizer untouched', async () => {
    const { log } = setup();
    const observed = log.observe(authorizer);
    const request = { event: tokenEvent('Bearer x'), context: {} };
    log.hooks.requestStart(request);
    const verified = await observed.verifyAuthorization(`Bearer ${mint(key)}`);
    expect(verified.claims.sub).toBe('user-123');
    expect(observed.options).toBe(authorizer.options);
  });

  it('keeps the decisions of interleaved invocations apart', async () => {
    const { log, lines } = setup();
    const observed = log.observe(authorizer);
    const first = { event: httpApiEvent({}), context: { awsRequestId: 'first' } };
    const second = { event: httpApiEvent({}), context: { awsRequestId: 'second' } };
    log.hooks.requestStart(first);
    const firstVerify = observed.verifyAuthorization('Bearer not-a-jwt');
    log.hooks.requestStart(second);
    const secondVerify = observed.verifyAuthorization(`Bearer ${mint(key, { claims: { aud: 'other' } })}`);
    await Promise.allSettled([firstVerify, secondVerify]);
    log.hooks.requestEnd({ ...second, response: { isAuthorized: false } });
    log.hooks.requestEnd({ ...first, response: { isAuthorized: false } });
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.map((line) => [line.requestId, line.reason])).toEqual([
      ['second', 'AUDIENCE_INVALID'],
      ['first', 'TOKEN_MALFORMED'],
    ]);
  });
});
