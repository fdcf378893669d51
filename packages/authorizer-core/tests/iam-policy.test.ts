import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PolicyDocument } from '../src/index.js';
import { iamResourceMatches, policyAllows } from '../src/internal.js';
import { iamAllows, iamResourceMatches as modelMatches } from './helpers/index.js';

const PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:api123/prod/';

// Characters an ARN path or a policy pattern can carry, hostile ones included.
const PIECES = [
  'GET/',
  'pets',
  '/',
  '*',
  '?',
  '.',
  '\n',
  '\r',
  '\t',
  '\u2028',
  '\u2029',
  '%0A',
  '%2F',
  'ü',
  '🔑',
  '{id}',
  '(',
  '[',
  '\\',
  '$',
];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }).map((parts) => parts.join(''));

describe('policyAllows, the runtime IAM evaluator', () => {
  it('matches the IAM model of the tests for any pattern and resource (hostile characters included)', () => {
    fc.assert(
      fc.property(text, text, (pattern, resource) => {
        expect(iamResourceMatches(PREFIX + pattern, PREFIX + resource)).toBe(
          modelMatches(PREFIX + pattern, PREFIX + resource),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('decides a whole policy as the model does: an explicit Deny wins, then an Allow, else deny', () => {
    const statement = fc.record({
      Action: fc.constant('execute-api:Invoke' as const),
      Effect: fc.constantFrom('Allow' as const, 'Deny' as const),
      Resource: fc.array(
        text.map((p) => PREFIX + p),
        { minLength: 1, maxLength: 3 },
      ),
    });
    fc.assert(
      fc.property(fc.array(statement, { maxLength: 4 }), text, (statements, resource) => {
        const policy: PolicyDocument = { Version: '2012-10-17', Statement: statements };
        expect(policyAllows(policy, PREFIX + resource)).toBe(iamAllows(policy, PREFIX + resource));
      }),
      { numRuns: 1000 },
    );
  });

  it('denies what no statement names, and lets a Deny win over an Allow of the same resource', () => {
    const allowAll: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${PREFIX}*`] }],
    };
    expect(policyAllows(allowAll, `${PREFIX}GET/pets\n`)).toBe(true);
    expect(policyAllows(allowAll, 'arn:aws:execute-api:us-east-1:123456789012:other/prod/GET/pets')).toBe(
      false,
    );
    const denied: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        ...allowAll.Statement,
        { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${PREFIX}DELETE/*`] },
      ],
    };
    expect(policyAllows(denied, `${PREFIX}DELETE/pets/42`)).toBe(false);
    expect(policyAllows(denied, `${PREFIX}GET/pets/42`)).toBe(true);
    expect(policyAllows({ Version: '2012-10-17', Statement: [] }, `${PREFIX}GET/pets`)).toBe(false);
  });

  it('lets `?` stand for exactly one character, an astral one or a line break too', () => {
    expect(iamResourceMatches('a?b', 'a🔑b')).toBe(true);
    expect(iamResourceMatches('a?b', 'a\nb')).toBe(true);
    expect(iamResourceMatches('a?b', 'ab')).toBe(false);
    expect(iamResourceMatches('a.b', 'axb')).toBe(false);
  });
});
