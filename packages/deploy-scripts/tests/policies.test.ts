import { describe, expect, it } from 'vitest';
import { buildTrustPolicy, isSamePolicy, parsePolicyDocument } from '../src/policies.js';

describe('policies', () => {
  it('reads the URL-encoded document IAM returns', () => {
    const encoded = encodeURIComponent(JSON.stringify(buildTrustPolicy()));
    expect(parsePolicyDocument(encoded)).toEqual(buildTrustPolicy());
  });

  it('treats key order, list order and one-element lists as the same policy', () => {
    const reordered = {
      Statement: [
        {
          Action: ['sts:AssumeRole'],
          Principal: { Service: ['lambda.amazonaws.com', 'apigateway.amazonaws.com'] },
          Effect: 'Allow',
        },
      ],
      Version: '2012-10-17',
    };
    expect(isSamePolicy(reordered, buildTrustPolicy())).toBe(true);
  });

  it('sees a missing principal or another version as a difference', () => {
    const lambdaOnly = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    };
    expect(isSamePolicy(lambdaOnly, buildTrustPolicy())).toBe(false);
    expect(isSamePolicy({ ...buildTrustPolicy(), Version: '2017-08-07' }, buildTrustPolicy())).toBe(false);
  });
});
