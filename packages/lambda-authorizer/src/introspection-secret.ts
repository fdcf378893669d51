import { type AuthorizerOptions, ConfigurationError } from '@jwt-authorizer/authorizer-core';
import { parseSecretId, type SecretLocation } from '@jwt-authorizer/authorizer-core/internal';

const VARIABLE = 'JWT_INTROSPECTION_CLIENT_SECRET_ID';
const SETTING = 'introspectionClientSecretId';

function failure(message: string, cause?: unknown): ConfigurationError {
  // The id names where the secret is, never the secret: it is safe in a log line.
  return new ConfigurationError(`${VARIABLE}: ${message}`, {
    setting: SETTING,
    variable: VARIABLE,
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * The client secret in a secret's text: a JSON object's `client_secret` (the shape the Secrets
 * Manager console writes for key/value pairs), or else the whole text. Refuses anything but
 * printable ASCII (RFC 6749 client credentials), so a stray line break is an error, not a 401 later.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` naming `JWT_INTROSPECTION_CLIENT_SECRET_ID`, never the text.
 * @example
 * clientSecretFromText('{"client_secret": "s3cret"}'); // 's3cret'
 */
export function clientSecretFromText(text: string, where: string): string {
  let secret: unknown = text;
  if (text.trimStart().startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw failure(
        `${where} starts with "{" but is not valid JSON: store {"client_secret": "..."} or the bare secret`,
      );
    }
    secret = (parsed as Record<string, unknown>).client_secret;
    if (typeof secret !== 'string') {
      throw failure(
        `${where} is a JSON object without a "client_secret" string: store {"client_secret": "..."}`,
      );
    }
  }
  if (typeof secret !== 'string' || !/^[\x20-\x7e]+$/.test(secret)) {
    throw failure(
      `${where} must hold the client secret as printable ASCII (no line breaks, no leading or trailing newline): store {"client_secret": "..."} or the bare secret`,
    );
  }
  return secret;
}

function readFailure(location: SecretLocation, secretId: string, err: unknown): ConfigurationError {
  const name = (err as { name?: unknown } | undefined)?.name;
  const code = typeof name === 'string' ? name : 'error';
  const ssm = location.service === 'ssm';
  const where = ssm ? `the SSM parameter ${location.name}` : `the Secrets Manager secret ${secretId}`;
  const permission = ssm
    ? 'ssm:GetParameter (and kms:Decrypt for a customer managed key)'
    : 'secretsmanager:GetSecretValue';
  const fix =
    code === 'ResourceNotFoundException' || code === 'ParameterNotFound'
      ? 'check the name, the account and the region'
      : code === 'AccessDeniedException'
        ? `grant the function's role ${permission} on exactly it`
        : `check it exists and the function's role may ${permission} on it`;
  return failure(`${where} cannot be read (${code}): ${fix}`, err);
}

/**
 * Reads the introspection client secret `JWT_INTROSPECTION_CLIENT_SECRET_ID` names, once, at cold
 * start: `GetSecretValue` for a Secrets Manager name or ARN, `GetParameter` with decryption for
 * `ssm:/name`. The AWS SDK client of that service alone is imported, and only here: the Lambda
 * runtime provides it, and a deployment without the setting never loads it.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` naming the setting and the AWS error (e.g.
 * `ResourceNotFoundException`, `AccessDeniedException`, `ParameterNotFound`); never the secret.
 * @example
 * const clientSecret = await readIntrospectionClientSecret('ssm:/authorizer/introspection-secret');
 */
export async function readIntrospectionClientSecret(secretId: string): Promise<string> {
  const location = parseSecretId(secretId);
  if (location === undefined) {
    throw failure('must be a Secrets Manager secret name or ARN, or ssm:/parameter/name');
  }
  if (location.service === 'ssm') {
    const { GetParameterCommand, SSMClient } = await import('@aws-sdk/client-ssm');
    let value: string | undefined;
    try {
      const answer = await new SSMClient({}).send(
        new GetParameterCommand({ Name: location.name, WithDecryption: true }),
      );
      value = answer.Parameter?.Value;
    } catch (err) {
      throw readFailure(location, secretId, err);
    }
    if (value === undefined) throw failure(`the SSM parameter ${location.name} has no value`);
    return clientSecretFromText(value, `the SSM parameter ${location.name}`);
  }
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  let value: string | undefined;
  try {
    const answer = await new SecretsManagerClient({}).send(
      new GetSecretValueCommand({ SecretId: location.secretId }),
    );
    value = answer.SecretString;
  } catch (err) {
    throw readFailure(location, secretId, err);
  }
  if (value === undefined) {
    throw failure(
      `the Secrets Manager secret ${secretId} holds binary data: store the client secret as text`,
    );
  }
  return clientSecretFromText(value, `the Secrets Manager secret ${secretId}`);
}

/**
 * The options with `introspection.clientSecret` read from where `secretId` names (see
 * {@link readIntrospectionClientSecret}).
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` naming `JWT_INTROSPECTION_CLIENT_SECRET_ID`.
 * @example
 * authorizerOptions = await withIntrospectionClientSecret(authorizerOptions, 'authorizer/introspection');
 */
export async function withIntrospectionClientSecret(
  options: AuthorizerOptions,
  secretId: string,
): Promise<AuthorizerOptions> {
  if (options.introspection === undefined) {
    throw failure(
      'is set but JWT_INTROSPECTION_URL is not: set the introspection endpoint, or remove the secret id',
    );
  }
  const clientSecret = await readIntrospectionClientSecret(secretId);
  return { ...options, introspection: { ...options.introspection, clientSecret } };
}
