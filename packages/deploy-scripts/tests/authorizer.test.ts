import { describe, expect, it } from 'vitest';
import { diffAuthorizer, type WantedAuthorizer } from '../src/authorizer.js';

const wanted: WantedAuthorizer = {
  restApiId: 'a1',
  type: 'TOKEN',
  name: 'jwt',
  authorizerUri: 'uri',
  authorizerCredentials: 'arn:aws:iam::123456789012:role/r',
  identitySource: 'method.request.header.Authorization',
  identityValidationExpression: '^Bearer [-0-9a-zA-Z\\._]*$',
  ttlSeconds: 300,
};

describe('diffAuthorizer', () => {
  it('finds nothing to patch on a matching authorizer whose TTL is the service default', () => {
    expect(
      diffAuthorizer(
        {
          type: 'TOKEN',
          authorizerUri: 'uri',
          authorizerCredentials: wanted.authorizerCredentials,
          identitySource: wanted.identitySource,
          identityValidationExpression: wanted.identityValidationExpression,
        },
        wanted,
      ),
    ).toEqual([]);
  });

  it('patches each differing field and clears credentials with an empty value', () => {
    expect(
      diffAuthorizer(
        {
          type: 'REQUEST',
          authorizerUri: 'old',
          authorizerCredentials: 'arn:aws:iam::123456789012:role/r',
          identitySource: wanted.identitySource,
          authorizerResultTtlInSeconds: 60,
        },
        { ...wanted, authorizerCredentials: undefined },
      ),
    ).toEqual([
      { op: 'replace', path: '/type', value: 'TOKEN' },
      { op: 'replace', path: '/authorizerUri', value: 'uri' },
      { op: 'replace', path: '/authorizerCredentials', value: '' },
      { op: 'replace', path: '/identityValidationExpression', value: wanted.identityValidationExpression },
      { op: 'replace', path: '/authorizerResultTtlInSeconds', value: '300' },
    ]);
  });
});
