import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, iamAllows, iamResourceMatches, type PolicyDocument } from '../src/index.js';

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/42';
const policy = (...Statement: PolicyDocument['Statement']): PolicyDocument => ({ Statement });
const allow = (Resource: string | string[]) => ({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource });
const deny = (Resource: string | string[]) => ({ Effect: 'Deny', Action: 'execute-api:Invoke', Resource });

describe('iamResourceMatches', () => {
  it('matches literally, `*` any run (slashes and line breaks included), `?` exactly one character', () => {
    expect(iamResourceMatches(ARN, ARN)).toBe(true);
    expect(iamResourceMatches('arn:*/GET/*', ARN)).toBe(true);
    expect(iamResourceMatches('arn:*/POST/*', ARN)).toBe(false);
    expect(iamResourceMatches('a*b', 'a/\n\r\u2028b')).toBe(true);
    expect(iamResourceMatches('a?b', 'a\nb')).toBe(true);
    expect(iamResourceMatches('a?b', 'a😀b')).toBe(true);
    expect(iamResourceMatches('a?b', 'ab')).toBe(false);
    expect(iamResourceMatches('a?b', 'a12b')).toBe(false);
  });

  it('treats regular-expression characters in a pattern literally', () => {
    expect(iamResourceMatches('a.c', 'abc')).toBe(false);
    expect(iamResourceMatches('a+(b)', 'a+(b)')).toBe(true);
    expect(iamResourceMatches('%2F[x]', '%2F[x]')).toBe(true);
    expect(iamResourceMatches('^a$', 'a')).toBe(false);
  });

  it('matches every string against itself and against `*`, whatever its characters', () => {
    const hostile = fc.string({
      unit: fc.constantFrom('a', '/', '\n', '\r', '\t', '\u2028', '\u2029', '%2F', '*', '?', '.', 'é', '😀'),
    });
    fc.assert(
      fc.property(hostile, (text) => {
        expect(iamResourceMatches('*', text)).toBe(true);
        // A pattern without wildcards matches only itself.
        const literal = text.replaceAll('*', 'x').replaceAll('?', 'y');
        expect(iamResourceMatches(literal, literal)).toBe(true);
        expect(iamResourceMatches(literal, `${literal}z`)).toBe(false);
      }),
    );
  });
});

describe('iamAllows', () => {
  it('denies by default: no statement, no matching statement, another action', () => {
    expect(iamAllows(policy(), ARN)).toBe(false);
    expect(iamAllows(policy(allow('arn:*/POST/*')), ARN)).toBe(false);
    expect(
      iamAllows(policy({ Effect: 'Allow', Action: 'execute-api:ManageConnections', Resource: '*' }), ARN),
    ).toBe(false);
  });

  it('allows on a matching Allow, one of several resources', () => {
    expect(iamAllows(policy(allow(['arn:*/POST/*', 'arn:*/GET/pets/*'])), ARN)).toBe(true);
  });

  it('lets an explicit Deny win over an Allow, in either order', () => {
    expect(iamAllows(policy(allow('*'), deny(ARN)), ARN)).toBe(false);
    expect(iamAllows(policy(deny(ARN), allow('*')), ARN)).toBe(false);
  });

  it('counts only Allow as an allow: an unknown effect grants nothing', () => {
    expect(iamAllows(policy({ Effect: 'allow', Action: 'execute-api:Invoke', Resource: '*' }), ARN)).toBe(
      false,
    );
  });
});

describe('evaluatePolicy', () => {
  it('judges an authorizer result as API Gateway does, a malformed result denied', () => {
    expect(evaluatePolicy({ policyDocument: policy(allow('*')) }, ARN)).toBe('Allow');
    expect(evaluatePolicy({ policyDocument: policy(allow('*'), deny(ARN)) }, ARN)).toBe('Deny');
    expect(evaluatePolicy({}, ARN)).toBe('Deny');
    expect(evaluatePolicy({ policyDocument: {} }, ARN)).toBe('Deny');
  });
});
