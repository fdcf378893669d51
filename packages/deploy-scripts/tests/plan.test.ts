import { describe, expect, it } from 'vitest';
import { resolveDestroyConfig } from '../src/config.js';
import { buildDeployCalls, buildDestroyCalls, describeEnvironment, formatCalls } from '../src/plan.js';
import { deployConfig, fakeZip } from './helpers/harness.js';

describe('deploy plan', () => {
  it('lists the role and function calls in order, with the code hash', () => {
    const calls = buildDeployCalls(deployConfig(), 'us-east-1', fakeZip());
    expect(calls.map((call) => `${call.service}:${call.operation}`)).toEqual([
      'iam:GetRole',
      'iam:CreateRole',
      'iam:UpdateAssumeRolePolicy',
      'iam:ListAttachedRolePolicies',
      'iam:AttachRolePolicy',
      'iam:GetRolePolicy',
      'iam:PutRolePolicy',
      'lambda:GetFunction',
      'lambda:CreateFunction',
      'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration',
    ]);
    expect(formatCalls(calls).join('\n')).toContain(fakeZip().sha256);
  });

  it('checks the REST API first and ends with the stage deployment', () => {
    const config = deployConfig({
      'rest-api-id': 'a1',
      'invoke-permission': 'resource-policy',
      attach: true,
    });
    const operations = buildDeployCalls(config, 'cn-north-1', undefined).map((call) => call.operation);
    expect(operations.slice(0, 2)).toEqual(['GetRestApi', 'GetStages']);
    expect(operations).toContain('AddPermission');
    expect(operations).toContain('UpdateMethod');
    expect(operations.at(-1)).toBe('CreateDeployment');
    const text = formatCalls(buildDeployCalls(config, 'cn-north-1', undefined)).join('\n');
    expect(text).toContain('arn:aws-cn:execute-api:cn-north-1:<account>:a1/authorizers/*');
  });

  it('shows the issuer, audience and JWKS URI but only the names of JWT_ settings', () => {
    expect(
      describeEnvironment({
        TOKEN_ISSUER: 'https://t/',
        AUDIENCE: 'a',
        JWT_ROUTES: 'secret-ish',
        JWT_ALGORITHMS: 'RS256',
      }),
    ).toBe(
      'TOKEN_ISSUER=https://t/, AUDIENCE=a, JWT_ALGORITHMS (value not shown), JWT_ROUTES (value not shown)',
    );
  });
});

describe('destroy plan', () => {
  it('removes the authorizer before the function and the role last', () => {
    const operations = buildDestroyCalls(resolveDestroyConfig({ 'rest-api-id': 'a1' }, {})).map(
      (c) => c.operation,
    );
    expect(operations.indexOf('DeleteAuthorizer')).toBeLessThan(operations.indexOf('DeleteFunction'));
    expect(operations.at(-1)).toBe('DeleteRole');
  });
});
