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
 * The invoker role's trust policy: API Gateway may assume it. When API Gateway supplies
 * `aws:SourceAccount` it must be this account, and when the REST API is known and API Gateway supplies
 * `aws:SourceArn` it must be an ARN under that API (`{apiId}/*`), so another account's or API's
 * authorizer cannot use the role (confused deputy). AWS does not document that API Gateway supplies
 * these keys when it assumes an authorizer's credentials role, so the conditions only apply when the
 * keys are present; `--invoke-permission resource-policy` is the mode whose source-ARN guard AWS
 * documents.
 *
 * @throws DeployError `USAGE` when the REST API id holds anything but letters and digits: a `*` or `?`
 * would widen the `ArnLikeIfExists` pattern to other APIs
 * @example
 * ```ts
 * buildInvokerTrustPolicy({ partition: 'aws', region: 'us-east-1', accountId: '123456789012', restApiId: 'a1b2c3' });
 * ```
 */
export function buildInvokerTrustPolicy(options: InvokerTrustOptions): PolicyDocument {
  const { partition, region, accountId, restApiId } = options;
  // AWS documents aws:SourceAccount/aws:SourceArn for API Gateway invoking a function through its
  // resource policy, not for assuming an authorizer's credentials role. A plain StringEquals/ArnLike
  // fails when a key is absent, and then every request through the API gets a 500; IfExists keeps the
  // check when API Gateway supplies the key and lets the request through when it does not.
  const condition: Record<string, Record<string, string>> = {
    StringEqualsIfExists: { 'aws:SourceAccount': accountId },
  };
  if (restApiId !== undefined) {
    if (!/^[A-Za-z0-9]+$/.test(restApiId)) {
      throw new DeployError(
        'USAGE',
        `--rest-api-id must be letters and digits only, like a1b2c3d4e5 (got ${JSON.stringify(restApiId)})`,
      );
    }
    // The whole API, not only `/authorizers/*`: the ARN form API Gateway would present here is not
    // documented either (an authorizer's `{apiId}/authorizers/{id}` or a method's
    // `{apiId}/{stage}/{VERB}/{path}`), and both name this API and no other.
    condition.ArnLikeIfExists = {
      'aws:SourceArn': `arn:${partition}:execute-api:${region}:${accountId}:${restApiId}/*`,
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
