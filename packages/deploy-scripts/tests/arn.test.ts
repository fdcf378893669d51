import { describe, expect, it } from 'vitest';
import {
  buildAuthorizersSourceArn,
  buildAuthorizerUri,
  buildStageUrl,
  getPartition,
  parseAccountId,
} from '../src/arn.js';

describe('ARNs', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-west-3', 'aws'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('derives the partition of %s', (region, partition) => {
    expect(getPartition(region)).toBe(partition);
  });

  it('builds the authorizer URI and the authorizers source ARN in the region partition', () => {
    const functionArn = 'arn:aws-cn:lambda:cn-north-1:123456789012:function:f';
    expect(buildAuthorizerUri('cn-north-1', functionArn)).toBe(
      `arn:aws-cn:apigateway:cn-north-1:lambda:path/2015-03-31/functions/${functionArn}/invocations`,
    );
    expect(
      buildAuthorizersSourceArn({ region: 'us-gov-west-1', accountId: '123456789012', restApiId: 'a1' }),
    ).toBe('arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:a1/authorizers/*');
  });

  it('reads the account id of a role ARN and rejects an ARN without one', () => {
    expect(parseAccountId('arn:aws:iam::123456789012:role/path/r')).toBe('123456789012');
    expect(() => parseAccountId('arn:aws:iam::aws:policy/x')).toThrow('no account id');
  });

  it('builds stage URLs with the China domain in aws-cn', () => {
    expect(buildStageUrl({ region: 'cn-north-1', restApiId: 'a1', stageName: 'prod' })).toBe(
      'https://a1.execute-api.cn-north-1.amazonaws.com.cn/prod',
    );
  });
});
