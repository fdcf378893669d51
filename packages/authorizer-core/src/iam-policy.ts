import type { PolicyDocument } from './policy.js';

const compiledPatterns = new Map<string, RegExp>();

/**
 * Whether an IAM resource pattern matches an execute-api ARN: `*` matches any run of characters
 * (`/` and line breaks included), `?` exactly one character (a line break or an astral character
 * too), everything else itself.
 *
 * @example
 * iamResourceMatches('arn:aws:execute-api:us-east-1:1:api/prod/GET/*', 'arn:aws:execute-api:us-east-1:1:api/prod/GET/pets') // true
 */
export function iamResourceMatches(pattern: string, resource: string): boolean {
  let compiled = compiledPatterns.get(pattern);
  if (compiled === undefined) {
    const source = Array.from(pattern, (c) =>
      c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    ).join('');
    compiled = new RegExp(`^${source}$`, 'su');
    if (compiledPatterns.size > 1000) compiledPatterns.clear();
    compiledPatterns.set(pattern, compiled);
  }
  return compiled.test(resource);
}

/**
 * Evaluates a policy as IAM does for `execute-api:Invoke` on one resource: an explicit Deny wins,
 * then an Allow, else the request is denied. This is what API Gateway does with a cached policy on
 * every later request of the same token, so it says which routes a cached result covers.
 *
 * @example
 * policyAllows(result.policyDocument, methodArn) // true: API Gateway lets the request through
 */
export function policyAllows(policy: PolicyDocument, resource: string): boolean {
  let allowed = false;
  for (const statement of policy.Statement) {
    if (statement.Action !== 'execute-api:Invoke') continue;
    const resources: readonly string[] = Array.isArray(statement.Resource)
      ? statement.Resource
      : [statement.Resource];
    if (!resources.some((pattern) => iamResourceMatches(pattern, resource))) continue;
    if (statement.Effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}
