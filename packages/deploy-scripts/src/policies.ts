import type { Partition } from './arn.js';
import { DeployError } from './errors.js';

/** An IAM policy document as JSON. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Record<string, unknown>[];
}

/**
 * The execution role's trust policy: only Lambda may assume it, to run the function. IAM accepts only
 * the `2012-10-17` policy language version (the tutorial's `2017-08-07` is rejected).
 *
 * @example
 * ```ts
 * JSON.stringify(buildExecutionTrustPolicy());
 * ```
 */
export function buildExecutionTrustPolicy(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  };
}

/** Where the invoker role may be used from. */
export interface InvokerTrustOptions {
  partition: Partition;
  region: string;
  accountId: string;
  /** The REST API whose authorizers use the role; `undefined` when deploy was given none. */
  restApiId: string | undefined;
}

/**
 * The invoker role's trust policy: API Gateway may assume it only on behalf of this account
 * (`aws:SourceAccount`) and, when the REST API is known, only for that API's authorizers
 * (`aws:SourceArn`), so another account's API cannot be pointed at the role (confused deputy).
 *
 * @throws DeployError `USAGE` when the REST API id holds anything but letters and digits: a `*` or `?`
 * would widen the `ArnLike` pattern to other APIs
 * @example
 * ```ts
 * buildInvokerTrustPolicy({ partition: 'aws', region: 'us-east-1', accountId: '123456789012', restApiId: 'a1b2c3' });
 * ```
 */
export function buildInvokerTrustPolicy(options: InvokerTrustOptions): PolicyDocument {
  const { partition, region, accountId, restApiId } = options;
  const condition: Record<string, Record<string, string>> = {
    StringEquals: { 'aws:SourceAccount': accountId },
  };
  if (restApiId !== undefined) {
    if (!/^[A-Za-z0-9]+$/.test(restApiId)) {
      throw new DeployError(
        'USAGE',
        `--rest-api-id must be letters and digits only, like a1b2c3d4e5 (got ${JSON.stringify(restApiId)})`,
      );
    }
    // The same source ARN form API Gateway presents for an authorizer in a Lambda resource policy.
    condition.ArnLike = {
      'aws:SourceArn': `arn:${partition}:execute-api:${region}:${accountId}:${restApiId}/authorizers/*`,
    };
  }
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'apigateway.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: condition,
      },
    ],
  };
}

/**
 * The invoker role's inline policy: as API Gateway's `authorizerCredentials` it may invoke this one
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
 * isSamePolicy(parsePolicyDocument(role.AssumeRolePolicyDocument ?? ''), buildExecutionTrustPolicy());
 * ```
 */
export function isSamePolicy(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}
