/** Stable codes carried by every {@link DeployError}; tests and callers branch on these, not on messages. */
export type DeployErrorCode =
  | 'USAGE'
  | 'CONFIG_MISSING'
  | 'CONFIG_INVALID'
  | 'ZIP_NOT_FOUND'
  | 'ZIP_BUILD_FAILED'
  | 'EVENT_INVALID'
  | 'NO_REGION'
  | 'NO_CREDENTIALS'
  | 'INVALID_CREDENTIALS'
  | 'ACCESS_DENIED'
  | 'THROTTLED'
  | 'NETWORK'
  | 'REST_API_NOT_FOUND'
  | 'API_NOT_FOUND'
  | 'ROUTE_NOT_FOUND'
  | 'AUTHORIZER_IN_USE'
  | 'STAGE_NOT_FOUND'
  | 'FUNCTION_NOT_FOUND'
  | 'FUNCTION_NOT_READY'
  | 'ROLE_NOT_ASSUMABLE'
  | 'ROLE_CONFLICT'
  | 'NOT_CONFIRMED'
  | 'INVOKE_FAILED'
  | 'AWS_ERROR';

/** Options for {@link DeployError}. */
export interface DeployErrorOptions {
  /** The underlying error (an AWS SDK exception, a file-system error). Never printed. */
  cause?: unknown;
}

/**
 * The one error type of deploy-scripts: a stable `code` and a one-line message that names what to fix.
 */
export class DeployError extends Error {
  override readonly name = 'DeployError';
  readonly code: DeployErrorCode;

  constructor(code: DeployErrorCode, message: string, options: DeployErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

interface AwsErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $metadata?: { attempts?: number; httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
const BAD_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnauthorizedException',
]);
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
]);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
]);

/** Returns the SDK error name (`NoSuchEntityException`, `AccessDenied`, …) of a thrown value, if any. */
export function getErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const name = (error as AwsErrorLike).name;
  return typeof name === 'string' ? name : undefined;
}

function getErrorMessage(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const message = (error as AwsErrorLike).message;
  return typeof message === 'string' ? message : '';
}

function toOneLine(text: string): string {
  // Lambda's "environment variables exceeded the 4KB limit" error quotes the whole environment.
  return text
    .replace(/String measured:.*$/s, 'String measured: (not shown)')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Turns anything thrown by an AWS call into a {@link DeployError} whose message is one line naming the
 * failed operation and what to do about it. A `DeployError` passes through unchanged.
 *
 * @param error - what was thrown
 * @param operation - the call that failed, as an IAM action name (`iam:GetRole`, `lambda:CreateFunction`)
 * @throws never
 * @example
 * ```ts
 * await iam.send(command).catch((error) => { throw toDeployError(error, 'iam:GetRole'); });
 * ```
 */
export function toDeployError(error: unknown, operation: string): DeployError {
  if (error instanceof DeployError) return error;
  const name = getErrorName(error) ?? 'Error';
  const message = toOneLine(getErrorMessage(error));
  const aws = (typeof error === 'object' && error !== null ? error : {}) as AwsErrorLike;
  const said = message ? ` (AWS said: ${message})` : '';

  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new DeployError(
      'NO_CREDENTIALS',
      `No AWS credentials found for ${operation}: set AWS_PROFILE or pass --profile, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
      { cause: error },
    );
  }
  if (name === 'TokenProviderError') {
    return new DeployError(
      'NO_CREDENTIALS',
      `The AWS SSO session for ${operation} is missing or expired: run \`aws sso login\` for the profile`,
      { cause: error },
    );
  }
  if (/region is missing/i.test(message)) {
    return new DeployError('NO_REGION', 'No AWS region configured: pass --region or set AWS_REGION', {
      cause: error,
    });
  }
  if (ACCESS_DENIED.has(name)) {
    return new DeployError(
      'ACCESS_DENIED',
      `Access denied for ${operation}: grant the deploying identity this action (see the IAM policy in the deploy-scripts README)${said}`,
      { cause: error },
    );
  }
  if (BAD_CREDENTIALS.has(name)) {
    return new DeployError(
      'INVALID_CREDENTIALS',
      `AWS rejected the credentials used for ${operation} (${name}): refresh or replace them`,
      { cause: error },
    );
  }
  if (THROTTLING.has(name) || aws.$retryable?.throttling === true) {
    const attempts = aws.$metadata?.attempts;
    const tries = attempts ? ` after ${attempts} attempts` : '';
    return new DeployError(
      'THROTTLED',
      `AWS throttled ${operation}${tries}: wait a minute and run again, or raise --max-attempts`,
      { cause: error },
    );
  }
  const code = typeof aws.code === 'string' ? aws.code : undefined;
  if ((code && NETWORK.has(code)) || name === 'TimeoutError') {
    return new DeployError(
      'NETWORK',
      `Could not reach AWS for ${operation} (${code ?? name}): check the network, or AWS_ENDPOINT_URL if you use an emulator`,
      { cause: error },
    );
  }
  return new DeployError('AWS_ERROR', `${operation} failed: ${name}${message ? `: ${message}` : ''}`, {
    cause: error,
  });
}

/**
 * Builds a `.catch()` handler for an AWS call: errors whose name has a handler are recovered from, every
 * other error becomes a {@link DeployError} for `operation`.
 *
 * @throws DeployError for every error without a handler
 * @example
 * ```ts
 * const found = await iam
 *   .send(new GetRoleCommand({ RoleName }))
 *   .catch(handleAwsError('iam:GetRole', { NoSuchEntityException: () => undefined }));
 * ```
 */
export function handleAwsError<T = never>(
  operation: string,
  handlers: Readonly<Record<string, (error: Error) => T>> = {},
): (error: unknown) => T {
  return (error: unknown): T => {
    const name = getErrorName(error);
    const handler = name === undefined ? undefined : handlers[name];
    if (handler && error instanceof Error) return handler(error);
    throw toDeployError(error, operation);
  };
}
