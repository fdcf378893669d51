import { describe, expect, it } from 'vitest';
import { resolveDestroyConfig } from '../src/config.js';
import {
  buildDeployCalls,
  buildDestroyCalls,
  formatDeploySummary,
  formatTrustPolicies,
} from '../src/plan.js';
import { formatCalls } from '../src/step.js';
import { describeEnvironment } from '../src/steps/function.js';
import { deployConfig, fakeZip } from './helpers/harness.js';

describe('deploy plan', () => {
  it('lists the role and function calls in order, with the code hash', () => {
    const calls = buildDeployCalls(deployConfig(), 'us-east-1', fakeZip());
    expect(calls.map((call) => `${call.service}:${call.operation}`)).toEqual([
      'iam:GetRole',
      'iam:CreateRole',
      'iam:ListAttachedRolePolicies',
      'iam:AttachRolePolicy',
      'iam:GetRolePolicy',
      'iam:GetRole',
      'iam:CreateRole',
      'iam:UpdateAssumeRolePolicy',
      'iam:GetRolePolicy',
      'iam:PutRolePolicy',
      'lambda:GetFunction',
      'lambda:CreateFunction',
      'lambda:GetFunction',
      'lambda:GetFunction',
      'lambda:UpdateFunctionCode',
      'lambda:GetFunction',
      'lambda:UpdateFunctionConfiguration',
      'lambda:GetFunction',
      'iam:UpdateAssumeRolePolicy',
      'iam:DeleteRolePolicy',
    ]);
    const text = formatCalls(calls).join('\n');
    expect(text).toContain(fakeZip().sha256);
    expect(text).toContain(
      'iam:CreateRole                          role jwtRsaCustomAuthorizerRole-invoker, if the invoker role is missing',
    );
  });

  it('shows the execution and invoker roles in the summary and both trust policies', () => {
    const config = deployConfig({ 'rest-api-id': 'a1' });
    const summary = formatDeploySummary(config, 'us-east-1', fakeZip()).join('\n');
    expect(summary).toContain('jwtRsaCustomAuthorizerRole: execution role, trusts lambda only');
    expect(summary).toContain(
      'invoker role jwtRsaCustomAuthorizerRole-invoker: trusts apigateway, limited to this account and REST API a1 when API Gateway supplies aws:SourceAccount and aws:SourceArn',
    );
    expect(summary).toContain(
      "AWS does not document that it does for an authorizer's credentials role; --invoke-permission resource-policy, scoped to the API's authorizers, is the documented confused-deputy guard",
    );
    const trust = formatTrustPolicies(config, 'us-east-1').join('\n');
    expect(trust).toContain('Trust policy of jwtRsaCustomAuthorizerRole (execution role):');
    expect(trust).toContain('Trust policy of jwtRsaCustomAuthorizerRole-invoker (invoker role):');
    expect(trust).toContain('"StringEqualsIfExists": {');
    expect(trust).toContain('"aws:SourceAccount": "<account>"');
    expect(trust).toContain('"ArnLikeIfExists": {');
    expect(trust).toContain('"aws:SourceArn": "arn:aws:execute-api:us-east-1:<account>:a1/*"');
    expect(trust).not.toMatch(/"(StringEquals|ArnLike)":/);
    expect(trust).toContain(
      "  Its conditions apply when API Gateway supplies the keys (AWS does not document that it does for an authorizer's credentials role; --invoke-permission resource-policy",
    );
  });

  it('limits the invoker role to the account alone, when supplied, without a REST API id', () => {
    const config = deployConfig();
    expect(formatDeploySummary(config, 'us-east-1', fakeZip()).join('\n')).toContain(
      'trusts apigateway, limited to this account when API Gateway supplies aws:SourceAccount (AWS does not document',
    );
    const trust = formatTrustPolicies(config, 'us-east-1').join('\n');
    expect(trust).toContain('"StringEqualsIfExists": {');
    expect(trust).not.toContain('aws:SourceArn');
  });

  it('plans no invoker role with resource-policy, only its removal after the stage moved off it', () => {
    const config = deployConfig({ 'rest-api-id': 'a1', 'invoke-permission': 'resource-policy' });
    const operations = buildDeployCalls(config, 'us-east-1', fakeZip()).map((call) => call.operation);
    expect(operations.filter((operation) => operation === 'CreateRole')).toHaveLength(1);
    expect(operations).not.toContain('PutRolePolicy');
    expect(operations.indexOf('DeleteRole')).toBeGreaterThan(operations.indexOf('CreateDeployment'));
    expect(formatTrustPolicies(config, 'us-east-1').join('\n')).not.toContain('invoker role');
    expect(formatTrustPolicies(config, 'us-east-1').join('\n')).not.toContain('IfExists');
    expect(formatDeploySummary(config, 'us-east-1', fakeZip()).join('\n')).toContain('invoker role none');
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
    expect(operations.indexOf('CreateDeployment')).toBeGreaterThan(operations.indexOf('UpdateMethod'));
    // The single-role leftovers go only after the stage has stopped using the role.
    expect(operations.lastIndexOf('UpdateAssumeRolePolicy')).toBeGreaterThan(
      operations.indexOf('CreateDeployment'),
    );
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
  it('removes the authorizer before the function and the two roles last', () => {
    const operations = buildDestroyCalls(resolveDestroyConfig({ 'rest-api-id': 'a1' }, {})).map(
      (c) => c.operation,
    );
    expect(operations.indexOf('DeleteAuthorizer')).toBeLessThan(operations.indexOf('DeleteFunction'));
    expect(operations.at(-1)).toBe('DeleteRole');
    expect(operations.filter((operation) => operation === 'DeleteRole')).toHaveLength(2);
  });
});
