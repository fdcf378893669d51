import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildExecutionTrustPolicy,
  buildInvokerTrustPolicy,
  isSamePolicy,
  parsePolicyDocument,
} from '../src/policies.js';
import { conditionHolds } from './helpers/fake-aws.js';

const ACCOUNT = '123456789012';
const HOSTILE = [
  '\n',
  '\r',
  '\u2028',
  '\u2029',
  '\t',
  '%0A',
  '%2F',
  '*',
  '?',
  '/',
  ':',
  ' ',
  'é',
  '😀',
  'a',
  'Z',
  '9',
];

/** IAM's ArnLike: `*` matches any run of characters (line breaks included), `?` one character. */
function arnLike(pattern: string, value: string): boolean {
  const source = [...pattern]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'su').test(value);
}

describe('policies', () => {
  it('reads the URL-encoded document IAM returns', () => {
    const encoded = encodeURIComponent(JSON.stringify(buildExecutionTrustPolicy()));
    expect(parsePolicyDocument(encoded)).toEqual(buildExecutionTrustPolicy());
  });

  it('treats key order, list order and one-element lists as the same policy', () => {
    const reordered = {
      Statement: [
        { Action: ['sts:AssumeRole'], Principal: { Service: ['lambda.amazonaws.com'] }, Effect: 'Allow' },
      ],
      Version: '2012-10-17',
    };
    expect(isSamePolicy(reordered, buildExecutionTrustPolicy())).toBe(true);
  });

  it('sees an extra principal or another version as a difference', () => {
    const singleRole = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: ['apigateway.amazonaws.com', 'lambda.amazonaws.com'] },
          Action: 'sts:AssumeRole',
        },
      ],
    };
    expect(isSamePolicy(singleRole, buildExecutionTrustPolicy())).toBe(false);
    expect(
      isSamePolicy({ ...buildExecutionTrustPolicy(), Version: '2017-08-07' }, buildExecutionTrustPolicy()),
    ).toBe(false);
  });

  it('trusts only Lambda in the execution trust policy', () => {
    expect(buildExecutionTrustPolicy().Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
  });

  it('pins the invoker trust to the account, and to the whole REST API when known, only where the keys exist', () => {
    const options = { partition: 'aws-cn' as const, region: 'cn-north-1', accountId: ACCOUNT };
    expect(buildInvokerTrustPolicy({ ...options, restApiId: 'a1b2c3d4e5' }).Statement[0]?.Condition).toEqual({
      StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT },
      ArnLikeIfExists: { 'aws:SourceArn': `arn:aws-cn:execute-api:cn-north-1:${ACCOUNT}:a1b2c3d4e5/*` },
    });
    expect(buildInvokerTrustPolicy({ ...options, restApiId: undefined }).Statement[0]?.Condition).toEqual({
      StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT },
    });
  });

  it('admits API Gateway with no source keys, and with keys only for this account and API (IAM model)', () => {
    const options = { partition: 'aws' as const, region: 'us-east-1', accountId: ACCOUNT };
    const apiPrefix = `arn:aws:execute-api:us-east-1:${ACCOUNT}:a1b2c3d4e5/`;
    const hostile = fc.array(fc.constantFrom(...HOSTILE), { maxLength: 10 }).map((parts) => parts.join(''));
    const presented = fc.option(
      fc.oneof(
        fc.constantFrom(ACCOUNT, '210987654321', `${ACCOUNT}\n`, ''),
        hostile,
        hostile.map((tail) => `${ACCOUNT}${tail}`),
      ),
      { nil: undefined },
    );
    const sourceArn = fc.option(
      fc.oneof(
        fc.constantFrom('authorizers/auth1', 'prod/GET/pets', '*').map((tail) => `${apiPrefix}${tail}`),
        hostile.map((tail) => `${apiPrefix}${tail}`),
        hostile.map((tail) => `arn:aws:execute-api:us-east-1:${ACCOUNT}:a1b2c3d4e5${tail}`),
        hostile.map((tail) => `arn:aws:execute-api:us-east-1:210987654321:a1b2c3d4e5/${tail}`),
      ),
      { nil: undefined },
    );
    fc.assert(
      fc.property(presented, sourceArn, fc.boolean(), (account, arn, apiKnown) => {
        const trust = buildInvokerTrustPolicy({ ...options, restApiId: apiKnown ? 'a1b2c3d4e5' : undefined });
        const condition = trust.Statement[0]?.Condition as Record<string, Record<string, string>>;
        const expected =
          (account === undefined || account === ACCOUNT) &&
          (!apiKnown || arn === undefined || arn.startsWith(apiPrefix));
        expect(conditionHolds(condition, { 'aws:SourceAccount': account, 'aws:SourceArn': arn })).toBe(
          expected,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a REST API id with wildcards or separators, and otherwise matches only that API, in either ARN form', () => {
    const options = { partition: 'aws' as const, region: 'us-east-1', accountId: ACCOUNT };
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...HOSTILE), { minLength: 1, maxLength: 12 }).map((parts) => parts.join('')),
        fc.array(fc.constantFrom(...HOSTILE), { minLength: 1, maxLength: 12 }).map((parts) => parts.join('')),
        (restApiId, otherApiId) => {
          if (!/^[A-Za-z0-9]+$/.test(restApiId)) {
            expect(() => buildInvokerTrustPolicy({ ...options, restApiId })).toThrow(
              expect.objectContaining({ code: 'USAGE' }),
            );
            return;
          }
          const condition = buildInvokerTrustPolicy({ ...options, restApiId }).Statement[0]?.Condition as {
            ArnLikeIfExists: Record<string, string>;
          };
          const pattern = condition.ArnLikeIfExists['aws:SourceArn'] ?? '';
          const prefix = `arn:aws:execute-api:us-east-1:${ACCOUNT}:`;
          // Both forms API Gateway might present: the authorizer's ARN and a method ARN.
          expect(arnLike(pattern, `${prefix}${restApiId}/authorizers/auth1`)).toBe(true);
          expect(arnLike(pattern, `${prefix}${restApiId}/prod/GET/pets`)).toBe(true);
          expect(arnLike(pattern, `${prefix}${restApiId}x/authorizers/auth1`)).toBe(false);
          expect(arnLike(pattern, `${prefix}${restApiId}`)).toBe(false);
          // Whatever follows the API id, the pattern admits exactly the ARNs under `{restApiId}/`.
          const value = `${prefix}${otherApiId}`;
          expect(arnLike(pattern, value)).toBe(value.startsWith(`${prefix}${restApiId}/`));
          if (/^[A-Za-z0-9]+$/.test(otherApiId) && otherApiId !== restApiId) {
            expect(arnLike(pattern, `${prefix}${otherApiId}/authorizers/auth1`)).toBe(false);
            expect(arnLike(pattern, `${prefix}${otherApiId}/prod/GET/pets`)).toBe(false);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
