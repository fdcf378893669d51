/** The IAM policy document of an authorizer result (structural: the fixtures test core, not import it). */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: ReadonlyArray<{
    readonly Effect: string;
    readonly Action: string;
    readonly Resource: string | readonly string[];
  }>;
}

const compiledPatterns = new Map<string, RegExp>();

/**
 * IAM resource matching: `*` matches any run of characters (`/` and line breaks included), `?`
 * exactly one character (a line break, or an astral character such as an emoji, too).
 */
export function iamResourceMatches(pattern: string, resource: string): boolean {
  let compiled = compiledPatterns.get(pattern);
  if (compiled === undefined) {
    const source = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    compiled = new RegExp(`^${source}$`, 'su');
    if (compiledPatterns.size > 10_000) compiledPatterns.clear();
    compiledPatterns.set(pattern, compiled);
  }
  return compiled.test(resource);
}

/** Evaluates a policy as IAM does for execute-api:Invoke: an explicit Deny wins, then an Allow, else deny. */
export function iamAllows(policy: PolicyDocument, resource: string): boolean {
  let allowed = false;
  for (const statement of policy.Statement) {
    if (statement.Action !== 'execute-api:Invoke') continue;
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    if (!resources.some((pattern) => iamResourceMatches(pattern, resource))) continue;
    if (statement.Effect === 'Deny') return false;
    if (statement.Effect === 'Allow') allowed = true;
  }
  return allowed;
}

/**
 * How API Gateway judges a call to `arn` under an authorizer result's policy: `'Allow'` only when
 * {@link iamAllows} does. Takes the result as returned (unknown shape) so a malformed result denies.
 */
export function evaluatePolicy(result: unknown, arn: string): 'Allow' | 'Deny' {
  const policy = (result as { policyDocument?: Partial<PolicyDocument> }).policyDocument;
  return iamAllows({ Statement: policy?.Statement ?? [] }, arn) ? 'Allow' : 'Deny';
}
