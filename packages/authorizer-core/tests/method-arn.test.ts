import { describe, expect, it } from 'vitest';
import { EventError } from '../src/index.js';
import { formatMethodArn, parseMethodArn } from '../src/internal.js';

describe('parseMethodArn', () => {
  it('parses a REST method ARN', () => {
    const arn = 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/42';
    expect(parseMethodArn(arn)).toEqual({
      partition: 'aws',
      region: 'us-east-1',
      accountId: '123456789012',
      apiId: 'abc123',
      stage: 'prod',
      method: 'GET',
      resourcePath: 'pets/42',
    });
    expect(formatMethodArn(parseMethodArn(arn))).toBe(arn);
  });

  it.each([
    ['aws-cn', 'arn:aws-cn:execute-api:cn-north-1:123456789012:abc/prod/GET/x'],
    ['aws-us-gov', 'arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:abc/prod/GET/x'],
  ])('reads the %s partition from the ARN', (partition, arn) => {
    expect(parseMethodArn(arn).partition).toBe(partition);
  });

  it('parses the root resource', () => {
    const parsed = parseMethodArn('arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/');
    expect(parsed.resourcePath).toBe('');
    expect(parsed.method).toBe('GET');
  });

  it('parses an HTTP API route ARN on the $default stage', () => {
    const parsed = parseMethodArn('arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/$default/POST/orders');
    expect(parsed.stage).toBe('$default');
    expect(parsed.resourcePath).toBe('orders');
  });

  it('accepts serverless-offline placeholders for account and API id', () => {
    const parsed = parseMethodArn(
      'arn:aws:execute-api:us-east-1:random-account-id:random-api-id/dev/GET/pets',
    );
    expect(parsed.accountId).toBe('random-account-id');
    expect(parsed.apiId).toBe('random-api-id');
  });

  it.each([
    ['not an ARN', 'hello'],
    ['another service', 'arn:aws:lambda:us-east-1:123456789012:function:x'],
    ['no stage', 'arn:aws:execute-api:us-east-1:123456789012:abc'],
    ['no method', 'arn:aws:execute-api:us-east-1:123456789012:abc/prod'],
    ['a bad partition', 'arn:azure:execute-api:us-east-1:123456789012:abc/prod/GET/x'],
    ['an empty region', 'arn:aws:execute-api::123456789012:abc/prod/GET/x'],
    // The stage prefix becomes the stem of every api-mode resource: a wildcard there would allow
    // other APIs, stages or accounts.
    ['a wildcard API id', 'arn:aws:execute-api:us-east-1:123456789012:*/prod/GET/x'],
    ['a wildcard stage', 'arn:aws:execute-api:us-east-1:123456789012:abc/pr*/GET/x'],
    ['a one-character wildcard in the stage', 'arn:aws:execute-api:us-east-1:123456789012:abc/pro?/GET/x'],
    ['a wildcard account', 'arn:aws:execute-api:us-east-1:*:abc/prod/GET/x'],
    ['a wildcard region', 'arn:aws:execute-api:*:123456789012:abc/prod/GET/x'],
    ['a line break in the stage', 'arn:aws:execute-api:us-east-1:123456789012:abc/prod\n/GET/x'],
    ['a space in the API id', 'arn:aws:execute-api:us-east-1:123456789012:a c/prod/GET/x'],
    ['a wildcard method', 'arn:aws:execute-api:us-east-1:123456789012:abc/prod/*/x'],
  ])('rejects %s with EVENT_INVALID', (_name, arn) => {
    expect(() => parseMethodArn(arn)).toThrow(EventError);
    try {
      parseMethodArn(arn);
    } catch (err) {
      expect((err as EventError).code).toBe('EVENT_INVALID');
    }
  });

  it('rejects a non-string', () => {
    expect(() => parseMethodArn(undefined as unknown as string)).toThrow(EventError);
  });
});
