import { iamResourceMatches } from '../../../authorizer-core/tests/helpers/index.js';

/** The statements of an IAM authorizer result, as API Gateway reads them. */
interface PolicyLike {
  policyDocument?: { Statement?: Array<{ Effect: string; Resource: string | string[]; Action: string }> };
}

/**
 * How API Gateway judges a call to `arn` under the policy: an explicit Deny wins, otherwise an Allow
 * must cover the ARN (the core tests' IAM model: `*` matches any run of characters, `/` and line
 * breaks included, `?` exactly one), otherwise it is denied.
 */
export function evaluatePolicy(result: unknown, arn: string): 'Allow' | 'Deny' {
  const statements = (result as PolicyLike).policyDocument?.Statement ?? [];
  const hits = (effect: string) =>
    statements.some(
      (s) =>
        s.Effect === effect &&
        s.Action === 'execute-api:Invoke' &&
        [s.Resource].flat().some((r) => iamResourceMatches(r, arn)),
    );
  if (hits('Deny')) return 'Deny';
  return hits('Allow') ? 'Allow' : 'Deny';
}
