/** An IAM policy document as JSON. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Record<string, unknown>[];
}

/**
 * The role's trust policy: Lambda runs the function with it and API Gateway invokes the function with it.
 * IAM accepts only the `2012-10-17` policy language version (the tutorial's `2017-08-07` is rejected).
 *
 * @example
 * ```ts
 * JSON.stringify(buildTrustPolicy());
 * ```
 */
export function buildTrustPolicy(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: ['apigateway.amazonaws.com', 'lambda.amazonaws.com'] },
        Action: 'sts:AssumeRole',
      },
    ],
  };
}

/**
 * The inline policy that lets the role (as API Gateway's `authorizerCredentials`) invoke this one
 * function and nothing else: narrower than the tutorial's AWSLambdaRole, which allows every function.
 *
 * @example
 * ```ts
 * buildInvokePolicy('arn:aws:lambda:us-east-1:123456789012:function:jwtRsaCustomAuthorizer');
 * ```
 */
export function buildInvokePolicy(functionArn: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'InvokeAuthorizerFunction',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: functionArn,
      },
    ],
  };
}

/**
 * Parses a policy document as IAM returns it: URL-encoded JSON.
 *
 * @throws SyntaxError when the text is not JSON
 * @example
 * ```ts
 * parsePolicyDocument('%7B%22Version%22%3A%222012-10-17%22%7D');
 * ```
 */
export function parsePolicyDocument(text: string): unknown {
  const trimmed = text.trim();
  return JSON.parse(trimmed.startsWith('{') ? trimmed : decodeURIComponent(trimmed));
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) {
    // IAM treats a one-element list and a single value alike, and lists as unordered sets.
    const items = value.map(normalize);
    if (items.length === 1) return items[0];
    return items.map((item) => JSON.stringify(item)).sort();
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => [key, normalize(item)] as const);
    return Object.fromEntries(entries);
  }
  return value;
}

/**
 * Tells whether two policy documents grant the same thing, ignoring key order, list order and the
 * one-element-list-versus-value difference that IAM itself ignores.
 *
 * @example
 * ```ts
 * isSamePolicy(parsePolicyDocument(role.AssumeRolePolicyDocument ?? ''), buildTrustPolicy());
 * ```
 */
export function isSamePolicy(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}
