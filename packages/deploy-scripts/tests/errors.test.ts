import { IAMServiceException, NoSuchEntityException } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { DeployError, handleAwsError, toDeployError } from '../src/errors.js';

const named = (name: string, message: string, extra: object = {}) =>
  Object.assign(new Error(message), { name, ...extra });

describe('toDeployError', () => {
  it.each([
    [named('CredentialsProviderError', 'Could not load credentials from any providers'), 'NO_CREDENTIALS'],
    [named('TokenProviderError', 'Token is expired'), 'NO_CREDENTIALS'],
    [named('Error', 'Region is missing'), 'NO_REGION'],
    [named('AccessDeniedException', 'not authorized'), 'ACCESS_DENIED'],
    [
      new IAMServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: {},
        message: 'not authorized',
      }),
      'ACCESS_DENIED',
    ],
    [
      named('ExpiredTokenException', 'The security token included in the request is expired'),
      'INVALID_CREDENTIALS',
    ],
    [
      named('UnrecognizedClientException', 'The security token included in the request is invalid'),
      'INVALID_CREDENTIALS',
    ],
    [
      new IAMServiceException({
        name: 'Throttling',
        $fault: 'client',
        $metadata: { attempts: 3 },
        message: 'Rate exceeded',
      }),
      'THROTTLED',
    ],
    [named('TooManyRequestsException', 'Too Many Requests'), 'THROTTLED'],
    [named('Error', 'connect ECONNREFUSED 127.0.0.1:4566', { code: 'ECONNREFUSED' }), 'NETWORK'],
    [
      new NoSuchEntityException({ $metadata: {}, message: 'The role with name r cannot be found.' }),
      'AWS_ERROR',
    ],
  ])('maps %s to %s', (error, code) => {
    const mapped = toDeployError(error, 'iam:GetRole');
    expect(mapped).toBeInstanceOf(DeployError);
    expect(mapped.code).toBe(code);
    expect(mapped.message).not.toContain('\n');
    expect(mapped.cause).toBe(error);
  });

  it("cuts the environment out of Lambda's 4KB-limit message", () => {
    const error = named(
      'InvalidParameterValueException',
      'Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {"JWT_ROUTES":"secret"}',
    );
    const { message } = toDeployError(error, 'lambda:UpdateFunctionConfiguration');
    expect(message).toContain('exceeded the 4KB limit. String measured: (not shown)');
    expect(message).not.toContain('secret');
  });

  it('keeps a DeployError as it is', () => {
    const error = new DeployError('USAGE', 'x');
    expect(toDeployError(error, 'iam:GetRole')).toBe(error);
  });

  it('names the operation and the attempts of a throttled call', () => {
    const error = named('ThrottlingException', 'Rate exceeded', { $metadata: { attempts: 5 } });
    expect(toDeployError(error, 'apigateway:GET /restapis/{id}').message).toBe(
      'AWS throttled apigateway:GET /restapis/{id} after 5 attempts: wait a minute and run again, or raise --max-attempts',
    );
  });

  it('has a literal name that survives minification', () => {
    expect(new DeployError('USAGE', 'x').name).toBe('DeployError');
  });
});

describe('handleAwsError', () => {
  it('recovers from the named errors and maps the rest', async () => {
    const missing = new NoSuchEntityException({ $metadata: {}, message: 'gone' });
    await expect(
      Promise.reject(missing).catch(
        handleAwsError('iam:GetRole', { NoSuchEntityException: () => 'recovered' }),
      ),
    ).resolves.toBe('recovered');
    await expect(Promise.reject(missing).catch(handleAwsError('iam:GetRole'))).rejects.toMatchObject({
      code: 'AWS_ERROR',
      message: 'iam:GetRole failed: NoSuchEntityException: gone',
    });
  });
});
